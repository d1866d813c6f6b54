#!/bin/bash
# End-to-end: containerd (through `ctr` and the runc v2 shim) drives the runtime under test (RUNTIME, default
# build/src/ocirt) with `--runc-binary`. Installs containerd from Debian if missing and starts a private
# containerd (its own config, root, state and socket under a temporary directory; the CRI plugin off), which
# is stopped at the end. The image is an OCI layout built here from a busybox rootfs tarball and imported.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
[ -x "$RUNTIME" ] || { echo "not ok 1 - runtime $RUNTIME not found"; exit 1; }
e2e_require_cmds create start state kill delete exec
if ! command -v containerd > /dev/null || ! command -v ctr > /dev/null; then
    "$E2E_REPO/scripts/install-deps.sh" containerd >&2 || { echo "not ok 1 - install containerd"; exit 1; }
fi

T=$(mktemp -d /tmp/ocirt-e2e-containerd.XXXXXX)
NS=ocirt-e2e-$$
SOCK=$T/containerd.sock
IMAGE=localhost/ocirt-e2e-busybox:latest
had_run_containerd=0; [ -e /run/containerd ] && had_run_containerd=1
CTRD_PID=

ctr_() { timeout -k 5 "$E2E_TIMEOUT" ctr --address "$SOCK" --namespace "$NS" "$@"; }

cleanup() {
    if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
        local t
        for t in $(ctr_ task ls -q 2>/dev/null); do ctr_ task kill -s SIGKILL "$t" > /dev/null 2>&1; done
        sleep 0.5
        for t in $(ctr_ task ls -q 2>/dev/null); do ctr_ task rm -f "$t" > /dev/null 2>&1; done
        for t in $(ctr_ container ls -q 2>/dev/null); do ctr_ container rm "$t" > /dev/null 2>&1; done
        ctr_ images rm "$IMAGE" > /dev/null 2>&1
        kill -TERM "$CTRD_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$CTRD_PID" 2>/dev/null
        wait "$CTRD_PID" 2>/dev/null
    fi
    # Shims of ours (they carry our socket address and namespace on their command line).
    local p
    for p in $(pgrep -f -- "-namespace $NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    # ctr puts containers in the cgroup /<namespace>/<id>.
    find /sys/fs/cgroup -maxdepth 3 -depth -type d -path "*/$NS*" -exec rmdir {} \; 2>/dev/null || true
    [ "$had_run_containerd" = 1 ] || rm -rf /run/containerd
    rm -rf "$T"
    rm -f "$E2E_OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a private containerd
mkdir -p "$T/root" "$T/state" "$T/opt"
cat > "$T/config.toml" <<CONF
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
CONF
# The operator's snippet, as documented in the README (containerd must accept it).
[ -f "$E2E_REPO/contrib/containerd/ocirt.toml" ] && cat "$E2E_REPO/contrib/containerd/ocirt.toml" >> "$T/config.toml"
containerd --config "$T/config.toml" > "$T/containerd.log" 2>&1 &
CTRD_PID=$!
for _ in $(seq 100); do
    ctr --address "$SOCK" version > /dev/null 2>&1 && break
    sleep 0.1
done
if ! ctr --address "$SOCK" version > /dev/null 2>&1; then
    echo "not ok 1 - start a private containerd"
    tail -20 "$T/containerd.log" | sed 's/^/#   /'
    exit 1
fi
echo "# $(containerd --version | awk '{print $1, $3}') (private instance), runtime $RUNTIME"

# ---- an OCI image layout made by hand from the busybox rootfs
make_oci_archive() {
    local L=$T/oci d_layer d_diff d_cfg d_man s_layer s_cfg s_man arch
    arch=$(dpkg --print-architecture)
    mkdir -p "$L/blobs/sha256"
    e2e_rootfs_tar "$T/layer.tar"
    d_diff=$(sha256sum < "$T/layer.tar" | cut -d' ' -f1)
    gzip -n -c "$T/layer.tar" > "$T/layer.tar.gz"
    d_layer=$(sha256sum < "$T/layer.tar.gz" | cut -d' ' -f1)
    s_layer=$(stat -c %s "$T/layer.tar.gz")
    mv "$T/layer.tar.gz" "$L/blobs/sha256/$d_layer"
    rm -f "$T/layer.tar"
    jq -nc --arg arch "$arch" --arg diff "sha256:$d_diff" '{
        architecture: $arch, os: "linux",
        config: {Cmd: ["/bin/sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        rootfs: {type: "layers", diff_ids: [$diff]}}' > "$T/config.json"
    d_cfg=$(sha256sum < "$T/config.json" | cut -d' ' -f1)
    s_cfg=$(stat -c %s "$T/config.json")
    mv "$T/config.json" "$L/blobs/sha256/$d_cfg"
    jq -nc --arg cfg "sha256:$d_cfg" --argjson scfg "$s_cfg" --arg layer "sha256:$d_layer" --argjson slayer "$s_layer" '{
        schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cfg, size: $scfg},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer, size: $slayer}]}' \
        > "$T/manifest.json"
    d_man=$(sha256sum < "$T/manifest.json" | cut -d' ' -f1)
    s_man=$(stat -c %s "$T/manifest.json")
    mv "$T/manifest.json" "$L/blobs/sha256/$d_man"
    jq -nc --arg man "sha256:$d_man" --argjson sman "$s_man" --arg name "$IMAGE" '{
        schemaVersion: 2,
        manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $man, size: $sman,
                     annotations: {"io.containerd.image.name": $name, "org.opencontainers.image.ref.name": "latest"}}]}' \
        > "$L/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$L/oci-layout"
    tar -C "$L" -cf "$T/image.tar" .
    rm -rf "$L"
}
make_oci_archive
check "ctr images import of a hand-made OCI archive" ctr_ images import "$T/image.tar"
if ! ctr_ images check 2>/dev/null | grep -q "$IMAGE"; then
    echo "Bail out! no image to run"
    exit 1
fi

# ---- ctr run
check "run --rm true" ctr_ run --rm --runc-binary "$RUNTIME" "$IMAGE" "e2e-true-$$" true
check_status "run returns the exit status (3)" 3 ctr_ run --rm --runc-binary "$RUNTIME" "$IMAGE" "e2e-exit-$$" sh -c 'exit 3'
out=$(ctr_ run --rm --runc-binary "$RUNTIME" "$IMAGE" "e2e-out-$$" sh -c 'echo hello; echo $$' 2>&1 < /dev/null)
check_eq "run prints the output, the process is pid 1" "$(echo $out)" "hello 1"
# A process that cannot start: the shim passes `--log <bundle>/log.json --log-format json`, reads the last
# error line of that file when create fails and puts its msg in the error ctr prints. So the person at ctr
# sees ocirt's own one-line reason, not only "exit status 1".
# has TEXT PART: "yes", or "no" and TEXT as # lines (what ctr said, for the failure report)
has() { if [[ $1 == *"$2"* ]]; then echo yes; else echo no; sed 's/^/#   ctr: /' <<<"$1" >&2; fi; }
rc=0
out=$(ctr_ run --rm --runc-binary "$RUNTIME" "$IMAGE" "e2e-nobin-$$" /nonexistent-binary 2>&1 < /dev/null) || rc=$?
check_eq "run of a missing binary fails" "$([ "$rc" != 0 ] && echo failed || echo "exit $rc")" failed
case $(basename "$RUNTIME") in
    ocirt) reason='exec "/nonexistent-binary": No such file or directory' ;;
    *) reason='/nonexistent-binary' ;;   # other runtimes word it their own way
esac
check_eq "ctr shows the runtime's reason ($reason)" "$(has "$out" "$reason")" yes
rc=0
out=$(ctr_ run --rm --runc-binary "$RUNTIME" --cwd /proc/nonexistent-dir "$IMAGE" "e2e-nocwd-$$" true 2>&1 < /dev/null) || rc=$?
check_eq "run with a cwd that cannot be made fails" "$([ "$rc" != 0 ] && echo failed || echo "exit $rc")" failed
check_eq "ctr shows the runtime's reason (names the cwd)" "$(has "$out" /proc/nonexistent-dir)" yes

# ---- detached task, exec, kill
id=e2e-task-$$
check "run -d" ctr_ run -d --runc-binary "$RUNTIME" "$IMAGE" "$id" sleep 1000
check_eq "the task is RUNNING" "$(ctr_ task ls 2>&1 | awk -v id="$id" '$1 == id { print $3 }')" RUNNING
out=$(ctr_ task exec --exec-id e1 "$id" cat /proc/1/cmdline 2>&1 < /dev/null | tr '\0' ' ')
check_eq "task exec prints output (and sees the container's pid 1)" "$out" "sleep 1000 "
check_status "task exec returns the exit status (4)" 4 ctr_ task exec --exec-id e2 "$id" sh -c 'exit 4'
check "task kill -s SIGKILL" ctr_ task kill -s SIGKILL "$id"
st=""
for _ in $(seq 50); do
    st=$(ctr_ task ls 2>/dev/null | awk -v id="$id" '$1 == id { print $3 }')
    [ "$st" = STOPPED ] && break
    sleep 0.1
done
check_eq "the killed task is STOPPED" "$st" STOPPED
check "task rm" ctr_ task rm "$id"
check "container rm" ctr_ container rm "$id"
# contrib/containerd/ocirt.toml is part of this containerd's config (above): containerd accepts it. Its runtime
# is the runc v2 shim with options.BinaryName; the CRI plugin that offers it to Kubernetes as the "ocirt"
# handler is off here (no kubelet, no crictl), so ctr passes the same shim and option: --runtime
# io.containerd.runc.v2 --runc-binary BinaryName, BinaryName standing for a wrapper that records its calls and
# runs RUNTIME (ocirt is not installed at /usr/local/sbin here).
snippet=$E2E_REPO/contrib/containerd/ocirt.toml
if [ -f "$snippet" ]; then
    printf '#!/bin/sh\necho "$*" >> %s/rt-calls\nexec %s "$@"\n' "$T" "$RUNTIME" > "$T/ocirt"
    chmod +x "$T/ocirt"
    rtype=$(sed -n 's/^ *runtime_type = "\(.*\)"/\1/p' "$snippet")
    binary=$(sed -n 's/^ *BinaryName = "\(.*\)"/\1/p' "$snippet")
    check_eq "contrib/containerd/ocirt.toml: runtime_type is the runc v2 shim" "$rtype" io.containerd.runc.v2
    check_eq "contrib/containerd/ocirt.toml: BinaryName is where meson installs ocirt" "$binary" /usr/local/sbin/ocirt
    out=$(ctr_ run --rm --runtime "$rtype" --runc-binary "$T/ocirt" "$IMAGE" "e2e-snippet-$$" echo via-snippet 2>&1 < /dev/null)
    check_eq "run through the snippet's shim and BinaryName" "$out" via-snippet
    check_eq "... and it was ocirt that created the container" "$(grep -c -w create "$T/rt-calls" 2>/dev/null)" 1
else
    skip_test "containerd with contrib/containerd/ocirt.toml" "no such file"
fi

check_eq "no task left" "$(ctr_ task ls -q 2>&1)" ""
check_eq "no container left" "$(ctr_ container ls -q 2>&1)" ""
finish_e2e
