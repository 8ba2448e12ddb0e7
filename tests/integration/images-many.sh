#!/bin/sh
# Twenty images on one busybox base: the base is stored once, and the time
# and disk it takes to load and then delete them are printed (docs/images.md
# quotes them).
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
H="$CTRD_SRCDIR/tests/helpers"
"$H/mkbusybox-tar.sh" "$T/bb.tar" || skip "busybox-static is not installed"
N=20
i=1
while [ $i -le $N ]; do
        mkdir -p "$T/l$i"
        printf 'image %s\n' "$i" >"$T/l$i/app-$i"
        tar -C "$T/l$i" -cf "$T/l$i.tar" .
        "$H/mkimage-docker.sh" "$T/i$i.tar" "many/app:$i" "$T/bb.tar" "$T/l$i.tar" >/dev/null
        i=$((i + 1))
done
start_ctrd

ms() { date +%s%3N; }
layers() { ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$' || true; }
t0=$(ms)
i=1
while [ $i -le $N ]; do
        ctl load -q -i "$T/i$i.tar" >/dev/null
        i=$((i + 1))
done
t1=$(ms)
assert_eq "$(api GET /images/json | jq length)" $N
assert_eq "$(layers)" $((N + 1)) "one shared base plus one layer per image"
disk=$(du -sk "$DATA/layers" "$DATA/image" | awk '{s += $1} END {print s}')
base=$(du -sk "$DATA/layers/$(sha256sum <"$T/bb.tar" | cut -c1-64)" | cut -f1)

t2=$(ms)
i=1
while [ $i -le $N ]; do
        ctl rmi "many/app:$i" >/dev/null
        i=$((i + 1))
done
t3=$(ms)
assert_eq "$(api GET /images/json | jq length)" 0
assert_eq "$(layers)" 0 "every layer gone with the last image"
echo "load $N images sharing a base: $((t1 - t0)) ms; delete them: $((t3 - t2)) ms"
echo "disk after load: ${disk} KiB in layers/ and image/ (the base layer alone: ${base} KiB)"
echo "PASS: $TEST_NAME"
