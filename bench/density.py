# Scenarios 3 and 4: density and API load. Per engine, one after the other (so
# each memory reading sees only that engine's containers):
#   start N containers running `sleep` one by one, read the RSS/PSS of every
#   per-container monitor process and of the daemons, load /_ping and
#   /containers/json (N containers listed) at concurrency 1 and 32 with
#   bench/loadgen, remove them all one by one; then start N again 8 at a time
#   and remove them 8 at a time.
#
#   python3 density.py CONFIG.json
#
# CONFIG: {"count": N, "load_secs": S, "loadgen": path, "ceiling": {conc: [rps,
# p50, p99]}, "engines": [{"name", "sock", "tag" (a string in the command line
# of this engine's processes only), "monitor": comm of its per-container
# process, "daemons": {label: pid}}]}.
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from benchlib import Api, Table, fmt, pids_named, smaps

cfg = json.load(open(sys.argv[1]))
count = cfg["count"]
local = threading.local()


def api_of(sock):
    """One keep-alive connection per thread, as 8 concurrent clients would have."""
    if getattr(local, "sock", None) != sock:
        local.api, local.sock = Api(sock), sock
    return local.api


def start_one(sock, i, prefix):
    t0 = time.perf_counter()
    api = api_of(sock)
    c = api.call("POST", "/containers/create?name=%s%d" % (prefix, i),
                 {"Image": "busybox", "Cmd": ["sleep", "3600"], "HostConfig": {"NetworkMode": "none"}})
    api.call("POST", "/containers/%s/start" % c["Id"])
    return c["Id"], (time.perf_counter() - t0) * 1000


def remove_one(sock, cid):
    t0 = time.perf_counter()
    api_of(sock).call("DELETE", "/containers/%s?force=1" % cid)
    return (time.perf_counter() - t0) * 1000


def timed_batch(fn, items, workers):
    """Runs fn over items with `workers` threads; (results, wall seconds)."""
    t0 = time.perf_counter()
    if workers == 1:
        res = [fn(x) for x in items]
    else:
        with ThreadPoolExecutor(workers) as ex:
            res = list(ex.map(fn, items))
    return res, time.perf_counter() - t0


def monitors(e):
    out = []
    for pid in pids_named(e["monitor"]):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                if e["tag"].encode() in f.read():
                    out.append(smaps(pid))
        except OSError:
            pass
    return out


def load(e, path, conc):
    out = subprocess.run([cfg["loadgen"], e["sock"], path, str(conc), str(cfg["load_secs"])],
                         capture_output=True, text=True)
    f = out.stdout.split()
    if out.returncode != 0 or len(f) < 5:
        return None
    return float(f[0]), float(f[1]), float(f[2]), int(f[4])


lat = Table("3. density: per-container latency, %d containers running sleep" % count, "ms")
wall = Table("3b. density: wall time for all %d containers" % count, "s")
mem = Table("3c. density: memory with %d containers running (smaps_rollup)" % count, "KiB")
apirows = []
for e in cfg["engines"]:
    name, sock = e["name"], e["sock"]
    try:
        res, secs = timed_batch(lambda i: start_one(sock, i, "seq"), range(count), 1)
    except Exception as ex:
        lat.add("start, one by one", name, note="failed: %s" % str(ex)[:150])
        continue
    ids = [r[0] for r in res]
    lat.add("start (create+start), one by one", name, [r[1] for r in res])
    wall.add("start all, one by one", name, [secs])
    time.sleep(1)  # let monitors settle after their start-up work
    # One case name per measure, the process names in the engine column, so
    # the ratio column compares ctrd-shim with conmon and containerd-shim.
    m = monitors(e)
    if m:
        who = "%s (%s x%d)" % (name, e["monitor"], len(m))
        mem.add("RSS per container monitor", who, [x[0] for x in m])
        mem.add("PSS per container monitor", who, [x[1] for x in m])
    daemons = {}
    for label, pid in e["daemons"].items():
        try:
            daemons[label] = smaps(pid)
        except OSError as ex:
            mem.add("daemons", name, note="%s: %s" % (label, ex))
    if daemons:
        who = "%s (%s)" % (name, " + ".join(daemons))
        mem.add("daemons RSS (sum)", who, [sum(x[0] for x in daemons.values())])
        mem.add("daemons PSS (sum)", who, [sum(x[1] for x in daemons.values())])
    for path in ("/_ping", "/v1.41/containers/json"):
        for conc in (1, 32):
            apirows.append((path, conc, name, load(e, path, conc)))
    rm, secs = timed_batch(lambda cid: remove_one(sock, cid), ids, 1)
    lat.add("remove (force), one by one", name, rm)
    wall.add("remove all, one by one", name, [secs])
    res, secs = timed_batch(lambda i: start_one(sock, i, "par"), range(count), 8)
    lat.add("start, 8 at a time", name, [r[1] for r in res])
    wall.add("start all, 8 at a time", name, [secs])
    rm, secs = timed_batch(lambda r: remove_one(sock, r[0]), res, 8)
    lat.add("remove, 8 at a time", name, rm)
    wall.add("remove all, 8 at a time", name, [secs])

print(lat.render())
print(wall.render())
print(mem.render())

out = ["### 4. API over the Unix socket, %d containers existing (bench/loadgen, %s s per cell)"
       % (count, cfg["load_secs"]), "",
       "| request | concurrency | engine | req/s | p50 ms | p99 ms | errors | req/s ctrd/peer |",
       "| --- | --- | --- | --- | --- | --- | --- | --- |"]
for conc, r in sorted(cfg["ceiling"].items()):
    out.append("| GET /_ping (trivial server: loadgen's ceiling) | %s | - | %s | %s | %s | | |"
               % (conc, fmt(r[0]), fmt(r[1]), fmt(r[2])))
ref = {(p, c): r[0] for p, c, n, r in apirows if n.startswith("ctrd") and r}
for path, conc, name, r in apirows:
    if not r:
        out.append("| GET %s | %d | %s | failed | | | | |" % (path, conc, name))
        continue
    ratio = "" if name.startswith("ctrd") or (path, conc) not in ref else "%.2f" % (ref[(path, conc)] / r[0])
    out.append("| GET %s | %d | %s | %s | %s | %s | %d | %s |"
               % (path, conc, name, fmt(r[0]), fmt(r[1]), fmt(r[2]), r[3], ratio))
print("\n".join(out) + "\n")
