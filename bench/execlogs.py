# Scenario 5: exec and logs, alternating engines (pull.py does the pulls).
#   exec: `exec true` round trip into a running container over the API: create
#         the exec, start it attached (the hijacked stream the docker CLI opens),
#         read to its end, inspect its exit code.
#   logs: a container writes SIZE bytes to stdout in 100-byte lines; the time
#         from start until GET /logs returns every byte, as MB/s.
#
#   python3 execlogs.py CONFIG.json
#
# CONFIG: {"runs": N, "log_mb": M, "engines": [{"name", "sock"}]}.
import json
import socket
import sys
import time

from benchlib import Api, Table, UnixHTTP, alternate

cfg = json.load(open(sys.argv[1]))
engines = cfg["engines"]
LINE = b"x" * 99  # with its newline, 100 bytes a line


def exec_start(sock, eid):
    """POST /exec/ID/start attached, as `docker exec` does: an upgraded raw
    stream that ends when the process does."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sock)
    body = b'{"Detach":false,"Tty":false}'
    s.sendall(b"POST /v1.41/exec/%s/start HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
              b"Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: %d\r\n\r\n%s"
              % (eid.encode(), len(body), body))
    head = s.recv(4096)
    if not (head.startswith(b"HTTP/1.1 101") or head.startswith(b"HTTP/1.1 200")):
        raise RuntimeError("exec start: " + head.split(b"\r\n")[0].decode(errors="replace"))
    while s.recv(65536):
        pass
    s.close()


def exec_case(e, cid):
    api = Api(e["sock"])

    def once(i):
        x = api.call("POST", "/containers/%s/exec" % cid,
                     {"Cmd": ["true"], "AttachStdout": True, "AttachStderr": True})
        exec_start(e["sock"], x["Id"])
        code = api.call("GET", "/exec/%s/json" % x["Id"])["ExitCode"]
        if code != 0:
            raise RuntimeError("exec true exited %s" % code)
    return once


def read_logs(sock, cid):
    """Payload bytes of the multiplexed log stream (8-byte frame headers dropped)."""
    c = UnixHTTP(sock)
    c.request("GET", "/v1.41/containers/%s/logs?stdout=1&stderr=1" % cid)
    r = c.getresponse()
    buf, payload = b"", 0
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        # Walk the frames by offset and cut the buffer once per read: slicing
        # per 100-byte frame would make this reader the bottleneck.
        buf += chunk
        off = 0
        while len(buf) - off >= 8:
            size = int.from_bytes(buf[off + 4:off + 8], "big")
            if len(buf) - off < 8 + size:
                break
            payload += size
            off += 8 + size
        buf = buf[off:]
    c.close()
    return payload


written = {}  # engine -> [s from start until the writer exited]


def logs_case(e, size):
    api = Api(e["sock"])
    script = "yes %s | head -c %d" % (LINE.decode(), size)

    def once(i):
        c = api.call("POST", "/containers/create",
                     {"Image": "busybox", "Cmd": ["sh", "-c", script], "HostConfig": {"NetworkMode": "none"}})
        t0 = time.perf_counter()
        api.call("POST", "/containers/%s/start" % c["Id"])
        api.call("POST", "/containers/%s/wait" % c["Id"])
        written.setdefault(e["name"], []).append(time.perf_counter() - t0)
        got = read_logs(e["sock"], c["Id"])
        api.call("DELETE", "/containers/%s?force=1" % c["Id"])
        if got != size:
            raise RuntimeError("logs returned %d of %d bytes" % (got, size))
    return once


def has_exec(api, cid):
    try:
        api.call("POST", "/containers/%s/exec" % cid, {"Cmd": ["true"]})
        return True
    except RuntimeError as ex:
        if "HTTP 404" in str(ex) and "page not found" in str(ex):
            return False
        raise


t = Table("5. exec: `exec true` round trip over the API (create, attached start, inspect)", "ms")
cands, keep = [], []
for e in engines:
    api = Api(e["sock"])
    try:
        c = api.call("POST", "/containers/create",
                     {"Image": "busybox", "Cmd": ["sleep", "3600"], "HostConfig": {"NetworkMode": "none"}})
        keep.append((api, c["Id"]))
        api.call("POST", "/containers/%s/start" % c["Id"])
        if has_exec(api, c["Id"]):
            cands.append((e["name"], exec_case(e, c["Id"])))
        else:
            t.add("exec true", e["name"], note="n/a (feature not in %s yet)" % e["name"])
    except RuntimeError as ex:
        t.add("exec true", e["name"], note="failed: %s" % str(ex)[:150])
times, errors = alternate(cands, cfg["runs"])
for n, _ in cands:
    t.add("exec true", n, times[n], errors.get(n))
for api, cid in keep:
    api.call("DELETE", "/containers/%s?force=1" % cid)
print(t.render())

size = cfg["log_mb"] * 1000 * 1000
t = Table("5b. logs: %d MB written to stdout until fully returned by GET /logs" % cfg["log_mb"], "s")
times, errors = alternate([(e["name"], logs_case(e, size)) for e in engines], cfg["log_runs"], warmup=0)
for e in engines:
    t.add("start to all bytes in logs", e["name"], [x / 1000 for x in times[e["name"]]] or None,
          errors.get(e["name"]))
for e in engines:
    if e["name"] not in errors:
        t.add("of which: start until the writer exited", e["name"], written.get(e["name"]))
print(t.render())
print("throughput (MB/s, from the medians): " + ", ".join(
    "%s %.0f" % (e["name"], cfg["log_mb"] / (sorted(times[e["name"]])[len(times[e["name"]]) // 2] / 1000))
    for e in engines if times[e["name"]]) + "\n")
