#!/bin/sh
# bench/runtime.sh [RUNS] — scenario 1 on its own: `ctrd-shim run` vs `runc run`
# vs `crun run` of /bin/true on one busybox bundle (tests/helpers/mkbundle.sh),
# alternating runtimes run by run, then their peak RSS (GNU time, Debian
# package "time") and the resident size of a foreground ctrd-shim holding an
# idle container. Prints Markdown. bench/run calls it with its own RUNS.
#
# crun 1.8 refuses a cgroup v1 hybrid host (it sees the empty cgroup2 mount);
# the script shows that refusal, then measures all runtimes in a private mount
# namespace where /sys/fs/cgroup/unified is unmounted, and says so.
# Needs root; CTRD_BUILDDIR points at a build tree (default: the current directory).
set -eu
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree

runs=${1:-50}
builddir=${CTRD_BUILDDIR:-$PWD}
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
shim="$builddir/shim/ctrd-shim"
[ -x "$shim" ] || { echo "no $shim: set CTRD_BUILDDIR" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ctrd-bench-rt.XXXXXX)
cg="ctrd-bench-rt-$$"
cleanup() {
        for d in /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg"; do
                [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        done
        rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$srcdir/tests/helpers/mkbundle.sh" "$tmp/b" /bin/true
# The device rules runc adds to every container on its own (null, zero, full,
# random, urandom, tty, ptmx, pts), written out so that a runtime which only
# applies what the spec says can create /dev too.
jq ".linux.cgroupsPath = \"/$cg/c\"
    | .linux.resources.devices += ([[1,3],[1,5],[1,7],[1,8],[1,9],[5,0],[5,2]]
        | map({allow: true, type: \"c\", major: .[0], minor: .[1], access: \"rwm\"}))
        + [{allow: true, type: \"c\", major: 136, access: \"rwm\"}]" \
        "$tmp/b/config.json" > "$tmp/c" && mv "$tmp/c" "$tmp/b/config.json"

if command -v crun >/dev/null; then
        if out=$(crun --root "$tmp/crun-host" run --bundle "$tmp/b" bench-host 2>&1); then
                echo "crun run on this host as it is: works"
        else
                echo "crun run on this host as it is: refused: $(printf '%s' "$out" | tail -1)"
        fi
        echo
fi

hide=""
if [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
        [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
        hide="umount -l /sys/fs/cgroup/unified;"
fi
unshare -m --propagation private sh -c "$hide exec python3 '$here/runtime.py' '$runs' '$tmp/b' '$shim' '$tmp'"

# The foreground shim's own footprint while its container idles.
jq '.process.args = ["sleep", "3"]' "$tmp/b/config.json" > "$tmp/c" && mv "$tmp/c" "$tmp/b/config.json"
"$shim" run --bundle "$tmp/b" --id bench-idle & pid=$!
sleep 1
if mem=$(awk '/^(Rss|Pss):/ { printf "%s %s KiB, ", $1, $2 }' /proc/$pid/smaps_rollup 2>/dev/null); then
        echo "resident \`ctrd-shim run\` in the foreground (idle container): ${mem%, }"
else
        echo "resident \`ctrd-shim run\`: the shim exited before it could be measured"
fi
wait $pid || true
echo
