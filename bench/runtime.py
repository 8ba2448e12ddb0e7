# Scenario 1: `ctrd-shim run` vs `runc run` vs `crun run` of /bin/true on one
# bundle, alternating run by run; then each runtime's peak RSS.
#
#   python3 runtime.py RUNS BUNDLE SHIM TMPDIR
#
# bench/runtime.sh runs this inside a private mount namespace where the empty
# cgroup2 mount of a hybrid host is hidden: crun 1.8 refuses hybrid hosts, and
# hiding it for all three keeps the comparison fair. The refusal on the host
# as it is gets its own row (runtime.sh tries it first).
#
# Peak RSS comes from GNU time in a separate pass, so time's own fork does not
# count in the latency, and not from python's wait4: a child forked from
# python inherits python's RSS high-water mark.
import os
import shutil
import sys

from benchlib import Table, alternate, run_cmd

runs, bundle, shim, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rootfs = os.path.join(bundle, "rootfs")

cands = [("ctrd-shim run", lambda i: [shim, "run", "--bundle", bundle, "--id", "bench%d" % i])]
for exe in ("runc", "crun"):
    path = shutil.which(exe)
    if path:
        root = os.path.join(tmp, exe + "-root")
        cands.append((exe + " run", lambda i, p=path, r=root:
                      [p, "--root", r, "run", "--bundle", bundle, "bench%d" % i]))
# The floor: the same namespaces, a chroot and the exec, nothing else.
cands.append(("unshare -mpfuin + chroot (floor)", lambda i:
              ["unshare", "-m", "-p", "-f", "-u", "-i", "-n", "chroot", rootfs, "/bin/true"]))

times, errors = alternate([(n, lambda i, a=a: run_cmd(a(i))) for n, a in cands], runs)

t = Table("1. runtime: run /bin/true on one bundle (cgroup2 mount hidden for all)", "ms")
for n, _ in cands:
    t.add("run /bin/true", n, times[n], errors.get(n))

rss = Table("1b. runtime: peak RSS of the runtime's process tree (GNU time, max of 5)", "KiB")
for n, argv in cands:
    if n in errors:
        continue
    out = os.path.join(tmp, "rss")
    peak = 0
    for i in range(5):
        run_cmd(["/usr/bin/time", "-f", "%M", "-o", out] + argv(100000 + i))
        with open(out) as f:
            peak = max(peak, int(f.read().split()[-1]))
    rss.add("peak RSS", n, [peak])
print(t.render())
print(rss.render())
