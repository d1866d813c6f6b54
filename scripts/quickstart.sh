#!/bin/bash
# quickstart.sh [BUNDLE_DIR]: on a fresh Debian 12 machine, as root: install the dependencies, build ocirt
# into build/, make a demo bundle (default /tmp/ocirt-demo) and run a container from it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bundle=${1:-/tmp/ocirt-demo}

scripts/install-deps.sh
[ -f build/build.ninja ] || CXX="ccache g++" meson setup build
ninja -C build
scripts/demo-bundle.sh "$bundle"
exec build/src/ocirt run -b "$bundle" "demo-$$"
