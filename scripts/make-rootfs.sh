#!/bin/bash
# make-rootfs.sh DIR: fill DIR with a minimal root filesystem built from Debian's busybox-static:
# /bin/busybox plus one symlink per applet, the usual empty mount points, and an /etc/passwd and
# /etc/group that know root and nobody. Used by the demo bundle, the tests, the e2e images and the benchmark.
set -euo pipefail

dir=${1:?usage: make-rootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}

if [ ! -x "$busybox" ]; then
    echo "make-rootfs.sh: $busybox not found: apt-get install busybox-static" >&2
    exit 1
fi
# A dynamically linked busybox (Debian's 'busybox' package) would not run inside an empty rootfs.
if ldd "$busybox" >/dev/null 2>&1; then
    echo "make-rootfs.sh: $busybox is dynamically linked: apt-get install busybox-static" >&2
    exit 1
fi

mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin etc proc sys dev tmp root home var/tmp usr/bin usr/sbin
chmod 1777 tmp var/tmp
chmod 700 root
cp "$busybox" bin/busybox
# One symlink per applet, all in /bin, pointing at /bin/busybox (one process instead of one ln per applet).
# busybox links to the path it runs from (/usr/bin/busybox on a merged-/usr host): put a hard link there too.
"$busybox" --install -s "$PWD/bin"
target=$(readlink bin/sh)
if [ "${target#/}" != "$target" ] && [ ! -e ".$target" ]; then
    mkdir -p ".$(dirname "$target")"
    ln bin/busybox ".$target"
fi
cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
users:x:100:
nogroup:x:65534:
GROUP
echo "ocirt" > etc/hostname
: > etc/hosts
: > etc/resolv.conf
