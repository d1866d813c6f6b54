#!/bin/bash
# podman-guest.sh: Podman checkpoints and restores a container through ocirt, with the real criu. Run inside
# the criu guest by criu-vm.sh (same boot, same output: `ok - NAME`, `not ok - NAME`, `ok - NAME # SKIP why`).
# A counter container (conmon gives it /dev/null for stdin and pipes for stdout and stderr) is checkpointed and
# restored with --tcp-established and --file-locks (which must reach ocirt: the runtime Podman runs records its
# command lines), then exported and imported into a container re-created from its image (a fresh rootfs); both must
# go on counting from where they stopped. Podman's image store, containers and configuration live in a
# temporary directory (as in tests/e2e/podman.sh), removed at the end.
#
# Environment: OCIRT_BIN (the runtime under test). Timings go to fd 3 as `# ...` lines.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/lib/guest.sh"
T=/tmp/ocirt-podman-criu
IMAGE=localhost/ocirt-criu-busybox:latest
NAME=ocirt-criu-counter
ms() { date +%s%3N; }

pm() {
    timeout -k 5 120 podman --root "$T/storage" --runroot "$T/runroot" --tmpdir "$T/tmp" --cgroup-manager cgroupfs \
        --events-backend file --runtime "$T/ocirt" "$@"
}

setup() {
    mkdir -p "$T/tmp"
    cat >"$T/containers.conf" <<CONF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/tmp"
[containers]
log_driver = "k8s-file"
CONF
    printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/runroot"\n' "$T" "$T" >"$T/storage.conf"
    export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf
    # The runtime Podman is given records its command lines, then runs ocirt.
    printf '#!/bin/sh\necho "$*" >>%s/rt-calls\nexec %s "$@"\n' "$T" "$OCIRT_BIN" >"$T/ocirt"
    chmod +x "$T/ocirt"
    "$repo/scripts/make-rootfs.sh" "$T/rootfs" >/dev/null
    chmod 755 "$T/rootfs"
    tar -C "$T/rootfs" --numeric-owner --owner=0 --group=0 -cf "$T/rootfs.tar" .
    pm import --change 'CMD ["/bin/sh"]' "$T/rootfs.tar" "$IMAGE" >/dev/null
}

cleanup() {
    pm rm -a -f -t 0 >/dev/null 2>&1
    pm rmi -a -f >/dev/null 2>&1
    awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
    find /sys/fs/cgroup -maxdepth 4 -depth -type d -path '*/libpod_parent*' -exec rmdir {} \; 2>/dev/null
    rm -rf "$T"
}

last() { pm logs "$NAME" 2>/dev/null | tail -n 1; }

# Waits until the counter has printed past $1 (at most ~15 s).
wait_past() {
    local n
    for n in $(seq 75); do
        [ "$(last || echo 0)" -gt "$1" ] 2>/dev/null && return 0
        sleep 0.2
    done
    echo "the counter did not get past $1 (log ends with '$(last)')"
    return 1
}

# The number after N in the log is N + 1 (or, in a log that starts after the restore, the first one is), and
# the counter never started again from 1.
counts_on_from() {
    pm logs "$NAME" | awk -v n="$1" 'NR == 1 && $0 != 1 && $0 != n { fresh = 1 }
        fresh || seen { if ($0 != n + 1) { print "after " n " came " $0; bad = 1 } exit }
        $0 == n { seen = 1 }
        END { exit bad }'
    [ "$(pm logs "$NAME" | grep -cx 1)" -le 1 ] || { echo "the counter started again from 1"; return 1; }
}

status_is() { [ "$(pm inspect --format '{{.State.Status}}' "$NAME")" = "$1" ]; }

t_run() {
    pm run -d --name "$NAME" --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$IMAGE" \
        sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done' >/dev/null
    wait_past 3
}

t_checkpoint() {
    local t0 n
    t0=$(ms)
    pm container checkpoint --tcp-established --file-locks "$NAME" >/dev/null
    echo "# podman container checkpoint: $(($(ms) - t0)) ms" >&3
    status_is exited
    grep -q '^checkpoint .*--tcp-established' "$T/rt-calls" && grep -q '^checkpoint .*--file-locks' "$T/rt-calls" ||
        { echo "ocirt was called as: $(grep '^checkpoint' "$T/rt-calls")"; return 1; }
    n=$(last)
    echo "$n" >"$T/at-checkpoint"
    sleep 1
    [ "$(last)" = "$n" ] || { echo "the counter went on after the checkpoint: $n -> $(last)"; return 1; }
}

t_restore() {
    local t0 n
    n=$(cat "$T/at-checkpoint")
    t0=$(ms)
    pm container restore --tcp-established --file-locks "$NAME" >/dev/null
    echo "# podman container restore: $(($(ms) - t0)) ms" >&3
    status_is running
    grep -q '^restore .*--tcp-established' "$T/rt-calls" && grep -q '^restore .*--file-locks' "$T/rt-calls" ||
        { echo "ocirt was called as: $(grep '^restore' "$T/rt-calls")"; return 1; }
    wait_past "$((n + 2))"
    counts_on_from "$n"
}

t_export_import() {
    local n
    pm container checkpoint --export "$T/export.tar.gz" "$NAME" >/dev/null
    n=$(last)
    [ -s "$T/export.tar.gz" ]
    pm rm -f "$NAME" >/dev/null
    pm container restore --import "$T/export.tar.gz" >/dev/null
    status_is running
    wait_past "$((n + 2))"
    counts_on_from "$n"
    pm rm -f -t 0 "$NAME" >/dev/null
}

main() {
    if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
        echo "ok - podman checkpoint and restore # SKIP podman or conmon is not installed"
        return
    fi
    trap cleanup EXIT
    mkdir -p "$T"
    if ! out=$(setup 2>&1); then
        echo "not ok - podman: import a busybox image"
        sed 's/^/#   /' <<<"$out"
        return
    fi
    export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf
    check "podman: a counter container runs (conmon gives it /dev/null and pipes)" t_run
    check "podman container checkpoint --tcp-established --file-locks: exited, the counter stops" t_checkpoint
    check "podman container restore --tcp-established --file-locks: running, counting on from where it stopped" t_restore
    check "podman checkpoint --export, rm, restore --import (a fresh rootfs): counting on" t_export_import
}

main
