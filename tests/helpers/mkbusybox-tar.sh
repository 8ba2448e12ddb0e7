#!/bin/sh
# Makes a busybox rootfs tarball from Debian's busybox-static, with no network:
#
#   tests/helpers/mkbusybox-tar.sh busybox.tar && ctrctl import busybox.tar busybox
#
# The tarball is reproducible (fixed owners, modes, times and order), so the
# image imported from it gets the same layer diffID on every machine with the
# same busybox build. Exit status 2 means busybox-static is missing.
set -eu

out=${1:?usage: mkbusybox-tar.sh OUTPUT.tar}
bb=${BUSYBOX:-/bin/busybox}

# ldd fails on a static binary; a dynamic busybox would not run inside the image.
if ! [ -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
        echo "mkbusybox-tar: need a static busybox at $bb (apt-get install busybox-static)" >&2
        exit 2
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/mkbusybox.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root" \
        "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/var/tmp" "$root/home"
chmod 0755 "$root"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$bb" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

# One symlink per applet, where busybox itself says the applet lives.
"$bb" --list-full | while read -r applet; do
        case "$applet" in
        bin/busybox|"") continue ;;
        esac
        [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
        >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 --format=gnu \
        -C "$root" -cf "$out" .
