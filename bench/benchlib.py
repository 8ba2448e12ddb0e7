# Shared by the bench/ scenarios: a Docker API client over a Unix socket,
# an alternating timer, memory readings from /proc and the Markdown tables.
#
# Engines are measured turn by turn (ctrd, then each peer, then ctrd again...)
# so that drift on a noisy machine (another build, page cache, thermal) hits
# them all alike; only ratios from one run compare.
import http.client
import json
import os
import socket
import statistics
import subprocess
import time

REF = "ctrd"


class UnixHTTP(http.client.HTTPConnection):
    """http.client over an AF_UNIX socket (the engines' API sockets)."""

    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Api:
    """A keep-alive Docker Engine API client, as the docker CLI and SDKs are."""

    def __init__(self, sock, version="v1.41"):
        self.sock, self.prefix, self.conn = sock, "/" + version, None

    def call(self, method, path, body=None, ok=(200, 201, 204, 304), raw_body=False):
        hdrs = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = UnixHTTP(self.sock)
            try:
                self.conn.request(method, self.prefix + path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                # A server may close an idle keep-alive connection; retry once.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if r.status not in ok:
            raise RuntimeError("%s %s: HTTP %d: %s" % (method, path, r.status, raw[:200].decode(errors="replace")))
        if raw and not raw_body and r.getheader("Content-Type", "").startswith("application/json"):
            return json.loads(raw)
        return raw

    def run_true(self, cmd=("/bin/true",), network="none", image="busybox"):
        """create + start + wait + remove, what `docker run --rm` does over the API."""
        c = self.call("POST", "/containers/create",
                      {"Image": image, "Cmd": list(cmd), "HostConfig": {"NetworkMode": network}})
        cid = c["Id"]
        self.call("POST", "/containers/%s/start" % cid)
        w = self.call("POST", "/containers/%s/wait" % cid)
        self.call("DELETE", "/containers/%s?force=1" % cid)
        if w.get("StatusCode") != 0:
            raise RuntimeError("container exited %s" % w.get("StatusCode"))


def alternate(cands, runs, warmup=1):
    """cands: [(name, fn)]; fn(i) runs once and raises on failure.
    Runs every candidate once per round, `runs` rounds (after `warmup`
    untimed rounds). Returns {name: [ms...]} and {name: error text}."""
    times = {n: [] for n, _ in cands}
    errors = {}
    for i in range(-warmup, runs):
        for name, fn in cands:
            if name in errors:
                continue
            t0 = time.perf_counter()
            try:
                fn(i)
            except Exception as e:  # a peer refusing is a result, not a crash
                errors[name] = str(e).strip().splitlines()[-1][:160] if str(e).strip() else type(e).__name__
                continue
            if i >= 0:
                times[name].append((time.perf_counter() - t0) * 1000)
    return times, errors


def run_cmd(argv, env=None):
    """Runs argv with no stdio; raises with the last stderr line on failure."""
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        last = p.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["exit %d" % p.returncode]
        raise RuntimeError(last[0])


def smaps(pid):
    """(RSS KiB, PSS KiB) of one process, from /proc/PID/smaps_rollup."""
    rss = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "Rss":
                rss = int(v.split()[0])
            elif k == "Pss":
                pss = int(v.split()[0])
    return rss, pss


def pids_named(comm):
    """Pids whose /proc/PID/comm is `comm` (15 characters at most)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().strip() == comm[:15]:
                        out.append(int(d))
            except OSError:
                pass
    return out


def fmt(v, unit=""):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return ("%.2f" % v if v < 10 else "%.1f" % v if v < 100 else "%.0f" % v) + unit


class Table:
    """One Markdown table: rows of a measure per engine, with min/max/N and
    the ratio ctrd/peer of the medians (below 1: ctrd is faster/smaller)."""

    def __init__(self, title, unit, lower_is_better=True):
        self.title, self.unit, self.rows = title, unit, []
        self.lower = lower_is_better

    def add(self, case, engine, samples=None, note=None):
        self.rows.append((case, engine, samples, note))

    def add_results(self, case, names, times, errors):
        for n in names:
            self.add(case, n, times.get(n), errors.get(n))

    def render(self):
        ref = {}
        for case, eng, s, note in self.rows:
            if eng.startswith(REF) and s and not note:
                ref.setdefault(case, statistics.median(s))
        out = ["### " + self.title, "",
               "| case | engine | median %s | min | max | N | ctrd/peer |" % self.unit,
               "| --- | --- | --- | --- | --- | --- | --- |"]
        for case, eng, s, note in self.rows:
            if note or not s:
                out.append("| %s | %s | %s | | | | |" % (case, eng, (note or "no samples").replace("|", "/")))
                continue
            med = statistics.median(s)
            ratio = ""
            if not eng.startswith(REF) and case in ref and med:
                ratio = "%.2f" % (ref[case] / med)
            out.append("| %s | %s | %s | %s | %s | %d | %s |" % (
                case, eng, fmt(med), fmt(min(s)), fmt(max(s)), len(s), ratio))
        return "\n".join(out) + "\n"


def na(title, why):
    return "### %s\n\nn/a (%s)\n" % (title, why)
