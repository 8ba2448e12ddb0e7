#!/bin/sh
# The whole test suite, as CI runs it: a -Werror build with `make check`, the
# same under AddressSanitizer + UBSan, and `make distcheck` (the tarball
# builds and passes its tests out of tree). Builds go to build-check/ (or
# $CTRD_CHECK_DIR). Prints "N passed, N failed" at the end; exits non-zero on
# any failure.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${CTRD_CHECK_DIR:-$src/build-check}
jobs=$(nproc)
rm -rf "$out"
mkdir -p "$out"

(cd "$src" && autoreconf -fi >"$out/autoreconf.log" 2>&1) || { cat "$out/autoreconf.log"; exit 1; }

failed_lanes=""
lane() {
        name=$1
        shift
        dir="$out/$name"
        mkdir -p "$dir"
        echo "== $name: configure $*"
        if ! (cd "$dir" && "$src/configure" --enable-werror "$@" >configure.log 2>&1); then
                tail -n 30 "$dir/configure.log"
                failed_lanes="$failed_lanes $name"
                return 0
        fi
        echo "== $name: build"
        if ! (cd "$dir" && make -j"$jobs" >make.log 2>&1); then
                grep -E 'error|Error' "$dir/make.log" | head -n 40
                failed_lanes="$failed_lanes $name"
                return 0
        fi
        echo "== $name: make check"
        if ! (cd "$dir" && make -j"$jobs" check 2>&1 | grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL|#)'); then
                :
        fi
        if ! grep -q '^# FAIL: *0$' "$dir/test-suite.log" || ! grep -q '^# ERROR: *0$' "$dir/test-suite.log"; then
                # Show what failed, with its log.
                for log in $(cd "$dir" && grep -l -E '^:test-result: (FAIL|ERROR)' $(find . -name '*.trs') 2>/dev/null); do
                        echo "---- ${log%.trs}.log"
                        tail -n 40 "$dir/${log%.trs}.log"
                done
                failed_lanes="$failed_lanes $name"
        fi
}

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
lane default
lane asan --enable-asan

echo "== distcheck"
if ! (cd "$out/default" && make -j"$jobs" distcheck >distcheck.log 2>&1); then
        tail -n 40 "$out/default/distcheck.log"
        failed_lanes="$failed_lanes distcheck"
fi

pass=0 fail=0 skip=0
for f in "$out"/default/test-suite.log "$out"/asan/test-suite.log; do
        [ -f "$f" ] || continue
        p=$(sed -n 's/^# PASS: *//p' "$f"); x=$(sed -n 's/^# FAIL: *//p' "$f")
        e=$(sed -n 's/^# ERROR: *//p' "$f"); s=$(sed -n 's/^# SKIP: *//p' "$f")
        pass=$((pass + ${p:-0})); fail=$((fail + ${x:-0} + ${e:-0})); skip=$((skip + ${s:-0}))
done
[ -z "$failed_lanes" ] || { echo "failed lanes:$failed_lanes"; [ "$fail" -gt 0 ] || fail=1; }
echo "$pass passed, $fail failed, $skip skipped"
[ -z "$failed_lanes" ]
