# Sourced by the pull-*.sh tests, after lib.sh: Debian's docker-registry on a
# free loopback port with its storage in $T, and images pushed into it with
# skopeo. Nothing here ever names a registry that is not on 127.0.0.1.
#
#   start_registry NAME [htpasswd-file]   # sets REG=127.0.0.1:PORT, REG_DIR, REG_PID, REG_LOG
#   start_token_server USER PASS          # sets TOKEN_REALM; start_registry then wants tokens
#   make_image OUT.tar REPO:TAG DIR...    # a docker-save archive, one layer per directory;
#                                         # prints the image ID
#   push ARCHIVE REF [skopeo flags]       # skopeo copy into the registry over plain HTTP

need_registry_tools() {
        need_cmd docker-registry
        need_cmd skopeo
        need_cmd jq
        need_cmd python3
}

free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The registry answers /v2/ with 200, or 401 when it wants credentials.
registry_up() {
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$1/v2/") || return 1
        [ "$code" = 200 ] || [ "$code" = 401 ]
}

start_registry() {
        REG_DIR="$T/registry-$1"
        REG_LOG="$REG_DIR.log"
        mkdir -p "$REG_DIR"
        port=$(free_port)
        REG="127.0.0.1:$port"
        {
                printf 'version: 0.1\nlog:\n  level: info\n'
                printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$REG_DIR"
                printf 'http:\n  addr: %s\n' "$REG"
                if [ -n "${TOKEN_REALM:-}" ]; then
                        printf 'auth:\n  token:\n    realm: %s\n    service: ctrd-test\n' "$TOKEN_REALM"
                        printf '    issuer: ctrd-test-issuer\n    rootcertbundle: %s\n' "$T/token.crt"
                elif [ -n "${2:-}" ]; then
                        printf 'auth:\n  htpasswd:\n    realm: ctrd-test\n    path: %s\n' "$2"
                fi
        } >"$REG_DIR.yml"
        docker-registry serve "$REG_DIR.yml" >>"$REG_LOG" 2>&1 &
        REG_PID=$!
        on_exit "kill -9 $REG_PID 2>/dev/null; wait $REG_PID 2>/dev/null"
        wait_for "the registry on $REG" 10 registry_up "$REG"
}

# make_image OUT.tar REPO:TAG DIR...: each directory becomes one layer (sorted, fixed owner and times).
make_image() {
        out=$1 tag=$2
        shift 2
        n=0 tars=""
        for d in "$@"; do
                n=$((n + 1))
                tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d" \
                        -cf "$out.layer$n" .
                tars="$tars $out.layer$n"
        done
        # shellcheck disable=SC2086 # one argument per layer
        "$CTRD_SRCDIR/tests/helpers/mkimage-docker.sh" "$out" "$tag" $tars
        # shellcheck disable=SC2086
        rm -f $tars
}

push() {
        src=$1 ref=$2
        shift 2
        skopeo copy -q --dest-tls-verify=false "$@" "docker-archive:$src" "docker://$ref" \
                >"$T/skopeo.log" 2>&1 || fail "skopeo could not push $ref: $(cat "$T/skopeo.log")"
}

# How many times the registry was asked for blob $2 (a digest) of repository $1.
blob_gets() {
        grep -c "\"GET /v2/$1/blobs/$2 " "$REG_LOG" || true
}

# The layer digests of REF's manifest, one a line.
layer_digests() {
        curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
                -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                "http://$REG/v2/${1%:*}/manifests/${1##*:}" | jq -r '.layers[].digest'
}

# Layer directories, finished and in progress, of the running daemon.
layer_count() { find "$DATA/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' | wc -l; }
config_count() { find "$DATA/image/configs" -mindepth 1 -maxdepth 1 | wc -l; }
tmp_count() { find "$DATA/layers/tmp" "$DATA/image/tmp" -mindepth 1 -maxdepth 1 | wc -l; }

# start_proxy MODE: a proxy in front of $REG on its own port (PROXY=127.0.0.1:PORT, or
# the port in $PROXY_PORT), standing in for a registry that misbehaves. MODE:
#   slow  blob bodies at about 4 MB/s (so a test can kill it mid-layer)
#   cut   the first blob body breaks off after 1 MB; the rest are whole
#   fast  a plain pass-through
start_proxy() {
        port=${PROXY_PORT:-$(free_port)}
        PROXY="127.0.0.1:$port"
        cat >"$T/proxy.py" <<'PY'
import http.server, sys, time, urllib.error, urllib.request
upstream, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cut = [mode == "cut"]
class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        req = urllib.request.Request("http://" + upstream + self.path)
        for h in ("Accept", "Authorization", "Range"):
            for v in self.headers.get_all(h) or []:
                req.add_header(h, v)
        try:
            resp = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            resp = e
        body_len = int(resp.headers.get("Content-Length", "0"))
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            if k.lower() not in ("connection", "transfer-encoding"):
                self.send_header(k, v)
        self.end_headers()
        blob = "/blobs/" in self.path
        sent = 0
        while sent < body_len:
            chunk = resp.read(64 * 1024)
            if not chunk:
                break
            if blob and cut[0] and sent + len(chunk) > 1024 * 1024:
                cut[0] = False
                self.close_connection = True
                self.wfile.flush()
                return
            self.wfile.write(chunk)
            sent += len(chunk)
            if blob and mode == "slow":
                time.sleep(0.016)
http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
PY
        python3 "$T/proxy.py" "$REG" "$port" "$1" >>"$T/proxy.log" 2>&1 &
        PROXY_PID=$!
        on_exit "kill -9 $PROXY_PID 2>/dev/null"
        wait_for "the proxy on $PROXY" 10 registry_up "$PROXY"
}

# start_token_server USER PASS: a token server (Docker's token auth: RS256 JWTs whose x5c is a
# self-signed certificate the registry trusts) that grants the scope asked for to USER:PASS
# (basic auth) and nothing to anyone else. Needs the openssl CLI.
start_token_server() {
        openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ctrd-test-token \
                -keyout "$T/token.key" -out "$T/token.crt" >/dev/null 2>&1 || skip "openssl cannot make a key"
        port=$(free_port)
        TOKEN_REALM="http://127.0.0.1:$port/token"
        cat >"$T/token-server.py" <<'PY'
import base64, http.server, json, ssl, subprocess, sys, time, urllib.parse
key, cert, port, user, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
der = ssl.PEM_cert_to_DER_cert(open(cert).read())
def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def token(access):
    now = int(time.time())
    head = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
    claims = {"iss": "ctrd-test-issuer", "sub": user, "aud": "ctrd-test", "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": str(now), "access": access}
    signing = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing.encode(),
                         capture_output=True, check=True).stdout
    return signing + "." + b64(sig)
class Tokens(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        sys.stderr.write("token request: " + self.path + "\n")
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        expected = "Basic " + base64.b64encode((user + ":" + password).encode()).decode()
        access = []
        if self.headers.get("Authorization") == expected:
            for scope in " ".join(q.get("scope", [])).split():
                kind, name, actions = scope.split(":")
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        body = json.dumps({"token": token(access), "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", port), Tokens).serve_forever()
PY
        python3 "$T/token-server.py" "$T/token.key" "$T/token.crt" "$port" "$1" "$2" >>"$T/token.log" 2>&1 &
        TOKEN_PID=$!
        on_exit "kill -9 $TOKEN_PID 2>/dev/null"
        wait_for "the token server" 10 curl -sf --max-time 1 -o /dev/null "$TOKEN_REALM"
}
