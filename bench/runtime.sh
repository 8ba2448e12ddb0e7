#!/bin/sh
# bench/runtime.sh [RUNS] — `ctrd-shim run` vs `runc run` vs `crun run` of
# /bin/true on one busybox bundle (tests/helpers/mkbundle.sh), plus the
# resident size of a foreground ctrd-shim holding an idle container.
#
# Prints a Markdown table: median and p90 wall time per run, and the peak RSS
# of the runtime's process tree as GNU time reports it (the largest of the
# runtime and whatever it reaped, e.g. runc's `runc init`), measured in a
# separate pass so time's own fork does not count in the latency. A process
# forked from python would inherit python's RSS high-water mark, hence GNU
# time (Debian package "time"). Needs root; CTRD_BUILDDIR points at a
# build tree (default: the current directory). A runtime that is missing or
# refuses the bundle (crun 1.8 on a cgroup v1 hybrid host) gets a row saying so.
set -eu

runs=${1:-50}
builddir=${CTRD_BUILDDIR:-$PWD}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
shim="$builddir/shim/ctrd-shim"
[ -x "$shim" ] || { echo "no $shim: set CTRD_BUILDDIR" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ctrd-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$srcdir/tests/helpers/mkbundle.sh" "$tmp/b" /bin/true
jq '.linux.cgroupsPath = "/ctrd-bench-'$$'/c"' "$tmp/b/config.json" > "$tmp/c" && mv "$tmp/c" "$tmp/b/config.json"

echo "machine: $(nproc) cores, kernel $(uname -r), cgroup $(stat -fc %T /sys/fs/cgroup), $(date -u +%F)"
echo
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
echo "| runtime | runs | median ms | p90 ms | peak RSS KiB |"
echo "| --- | --- | --- | --- | --- |"
python3 - "$runs" "$tmp" "$shim" <<'PY'
import os, subprocess, sys, time
runs, tmp, shim = int(sys.argv[1]), sys.argv[2], sys.argv[3]
bundle = os.path.join(tmp, "b")
cands = [("ctrd-shim run", lambda i: [shim, "run", "--bundle", bundle, "--id", "bench%d" % i]),
         # The floor: the same namespaces, a chroot and the exec, nothing else.
         ("unshare -mpfuin + chroot (floor)",
          lambda i: ["unshare", "-m", "-p", "-f", "-u", "-i", "-n", "chroot",
                     os.path.join(bundle, "rootfs"), "/bin/true"])]
for name, exe in (("runc run", "runc"), ("crun run", "crun")):
    path = subprocess.run(["sh", "-c", "command -v " + exe], capture_output=True, text=True).stdout.strip()
    if not path:
        print("| %s | - | not installed | | |" % name)
        continue
    root = os.path.join(tmp, exe + "-root")
    cands.append((name, lambda i, p=path, r=root: [p, "--root", r, "run", "--bundle", bundle, "bench%d" % i]))
    if exe == "crun":
        # crun 1.8 refuses hybrid hosts; without cgroups it still gives a comparison point.
        cands.append(("crun run --cgroup-manager=disabled (no cgroup)",
                      lambda i, p=path, r=root: [p, "--cgroup-manager=disabled", "--root", r, "run",
                                                 "--bundle", bundle, "benchnc%d" % i]))
for name, argv in cands:
    times, rss, err = [], 0, None
    for i in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(argv(i), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        _, status = os.waitpid(p.pid, 0)
        times.append((time.perf_counter() - t0) * 1000)
        p.returncode = 0
        if status != 0:
            err = p.stderr.read().decode(errors="replace").strip().splitlines()[-1:] or ["exit %d" % status]
            break
    if not err:
        for i in range(5):
            out = os.path.join(tmp, "rss")
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + argv(runs + i),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            rss = max(rss, int(open(out).read().split()[-1]))
    if err:
        print("| %s | - | refused: %s | | |" % (name, err[0][:100].replace("|", "/")))
        continue
    times.sort()
    print("| %s | %d | %.1f | %.1f | %d |" % (name, runs, times[len(times) // 2],
                                            times[int(len(times) * 0.9)], rss))
PY

# The foreground shim's own footprint while its container idles.
jq '.process.args = ["sleep", "3"]' "$tmp/b/config.json" > "$tmp/c" && mv "$tmp/c" "$tmp/b/config.json"
"$shim" run --bundle "$tmp/b" --id bench-idle & pid=$!
sleep 1
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
pss=$(awk '/^Pss:/ { print $2 }' /proc/$pid/smaps_rollup)
wait $pid
echo
echo "resident ctrd-shim run (idle container): RSS $rss KiB, PSS $pss KiB"
rmdir /sys/fs/cgroup/*/ctrd-bench-$$ /sys/fs/cgroup/ctrd-bench-$$ 2>/dev/null || true
