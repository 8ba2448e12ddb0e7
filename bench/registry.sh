# Sourced by bench/run for the pull scenario: a docker-registry (Debian's
# docker-registry, distribution v2) listening on 127.0.0.1 only, holding one
# image of busybox plus a layer of incompressible random bytes, pushed there by
# the private dockerd on socket $2. Sets REGISTRY_REF (host:port/repo:tag) or returns 1.

start_registry() {
        mb=$1 pusher=$2
        port=$((20000 + $$ % 20000))
        mkdir -p "$B/registry/data" "$B/big/rootfs/data"
        cat >"$B/registry/config.yml" <<CONF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $B/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONF
        docker-registry serve "$B/registry/config.yml" >"$B/registry.log" 2>&1 &
        reg=$!
        on_exit "stop_pid $reg 5"
        i=0
        until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; do
                i=$((i + 1))
                if [ $i -ge 100 ] || ! kill -0 $reg 2>/dev/null; then
                        echo "bench: docker-registry did not start:" >&2
                        tail -3 "$B/registry.log" >&2
                        return 1
                fi
                sleep 0.1
        done
        # Random bytes: gzip cannot shrink them, so every engine moves ~$mb MB.
        head -c "$((mb * 1000 * 1000))" /dev/urandom >"$B/big/rootfs/data/blob"
        tar -C "$B/big/rootfs" -cf "$B/big/layer.tar" .
        REGISTRY_REF="127.0.0.1:$port/bench/big:latest"
        "$SRCDIR/tests/helpers/mkimage-docker.sh" "$B/big/image.tar" "$REGISTRY_REF" \
                "$B/busybox.tar" "$B/big/layer.tar" >/dev/null
        if ! curl -sf --unix-socket "$pusher" -X POST -H 'Content-Type: application/x-tar' \
                --data-binary @"$B/big/image.tar" http://d/v1.41/images/load >/dev/null; then
                echo "bench: dockerd could not load $B/big/image.tar" >&2
                return 1
        fi
        # A push answers 200 and reports failure inside its progress stream.
        if ! curl -sf --unix-socket "$pusher" -X POST -H "X-Registry-Auth: e30=" \
                "http://d/v1.41/images/${REGISTRY_REF%:*}/push?tag=latest" >"$B/push.out" ||
                grep -q '"error"' "$B/push.out"; then
                echo "bench: pushing $REGISTRY_REF: $(tail -c 300 "$B/push.out")" >&2
                return 1
        fi
        rm -rf "$B/big"
}
