#!/bin/bash
# install-deps.sh [EXTRA PACKAGE...]: install, from Debian's archive, whatever of ocirt's build and test
# dependencies (plus the EXTRA packages) is missing. Runs `apt-get update` once, and only when something is
# missing; prints nothing else when all is there. Needs root on Debian 12.
set -euo pipefail

packages=(meson ninja-build pkg-config g++ ccache rapidjson-dev libseccomp-dev libcap-dev libcli11-dev catch2
          libsystemd-dev busybox-static jq "$@")

missing=()
for p in "${packages[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for a dpkg lock held by another apt run instead of failing at once.
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -qq
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" > /tmp/ocirt-apt.log 2>&1 || {
    tail -30 /tmp/ocirt-apt.log >&2
    exit 1
}
