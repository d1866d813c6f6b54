#!/bin/bash
# demo-bundle.sh DIR: make an OCI bundle in DIR: a busybox-static root filesystem and the config.json of
# `ocirt spec`, changed to run a short non-interactive command without a terminal.
# OCIRT=/path/to/runtime picks the binary whose `spec` is used (default: the build in build/).
set -euo pipefail

dir=${1:?usage: demo-bundle.sh DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
ocirt=${OCIRT:-$repo/${BUILD_DIR:-build}/src/ocirt}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/rootfs" "$dir/config.json"
"$repo/scripts/make-rootfs.sh" "$dir/rootfs"
(cd "$dir" && "$ocirt" spec)
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo \"Hello from an ocirt container: pid $$, hostname $(hostname), $(ls /bin | wc -l) busybox applets\""]' \
    "$dir/config.json" > "$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
echo "bundle ready: $dir (run it with: $ocirt run -b $dir demo)"
