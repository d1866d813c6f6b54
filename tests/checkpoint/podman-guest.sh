#!/bin/bash
# podman-guest.sh: Podman checkpoints and restores a container through ocirt, with the real criu. Run inside
# the criu guest by criu-vm.sh (same boot, same output: `ok - NAME`, `not ok - NAME`, `ok - NAME # SKIP why`).
# A counter container (conmon gives it /dev/null for stdin and pipes for stdout and stderr) is checkpointed and
# restored with --tcp-established and --file-locks (which must reach ocirt: the runtime Podman runs records its
# command lines), then exported and imported into a container re-created from its image (a fresh rootfs); both must
# go on counting from where they stopped. A counter container with a terminal (podman run -dt: conmon holds the
# master) is checkpointed and restored: ocirt gets conmon's --console-socket and the counting goes on in
# `podman logs`, through the new pty. Podman's image store, containers and configuration live in a temporary
# directory (tests/lib/podman.sh, as for tests/e2e/podman.sh), removed at the end.
#
# Environment: OCIRT_BIN (the runtime under test). Timings go to fd 3 as `# ...` lines.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/lib/guest.sh"
. "$repo/tests/lib/podman.sh"
T=/tmp/ocirt-podman-criu
IMAGE=localhost/ocirt-criu-busybox:latest
NAME=ocirt-criu-counter
TTY=ocirt-criu-tty
ms() { date +%s%3N; }

pm() { timeout -k 5 120 podman "${PODMAN_FLAGS[@]}" --runtime "$T/ocirt" "$@"; }

setup() {
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

# The container's log (a terminal's lines end in \r\n) and its last line.
logs() { pm logs "$1" 2>/dev/null | tr -d '\r'; }
last() { logs "$1" | tail -n 1; }

# wait_past NAME N: waits until the counter has printed past N (at most ~15 s).
wait_past() {
    local n
    for n in $(seq 75); do
        [ "$(last "$1" || echo 0)" -gt "$2" ] 2>/dev/null && return 0
        sleep 0.2
    done
    echo "the counter did not get past $2 (log ends with '$(last "$1")')"
    return 1
}

# counts_on_from NAME N: the number after N in the log is N + 1 (or, in a log that starts after the restore,
# the first one is), and the counter never started again from 1.
counts_on_from() {
    logs "$1" | awk -v n="$2" 'NR == 1 && $0 != 1 && $0 != n { fresh = 1 }
        fresh || seen { if ($0 != n + 1) { print "after " n " came " $0; bad = 1 } exit }
        $0 == n { seen = 1 }
        END { exit bad }'
    [ "$(logs "$1" | grep -cx 1)" -le 1 ] || { echo "the counter started again from 1"; return 1; }
}

status_is() { [ "$(pm inspect --format '{{.State.Status}}' "$1")" = "$2" ]; }

# run_counter NAME PODMAN_RUN_FLAGS...: a container printing 1, 2, 3... every 0.2 s.
run_counter() {
    local name=$1
    shift
    pm run -d --name "$name" --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@" "$IMAGE" \
        sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done' >/dev/null
}

t_run() {
    run_counter "$NAME"
    wait_past "$NAME" 3
}

t_checkpoint() {
    local t0 n
    t0=$(ms)
    pm container checkpoint --tcp-established --file-locks "$NAME" >/dev/null
    echo "# podman container checkpoint: $(($(ms) - t0)) ms" >&3
    status_is "$NAME" exited
    grep -q '^checkpoint .*--tcp-established' "$T/rt-calls" && grep -q '^checkpoint .*--file-locks' "$T/rt-calls" ||
        { echo "ocirt was called as: $(grep '^checkpoint' "$T/rt-calls")"; return 1; }
    n=$(last "$NAME")
    echo "$n" >"$T/at-checkpoint"
    sleep 1
    [ "$(last "$NAME")" = "$n" ] || { echo "the counter went on after the checkpoint: $n -> $(last "$NAME")"; return 1; }
}

t_restore() {
    local t0 n
    n=$(cat "$T/at-checkpoint")
    t0=$(ms)
    pm container restore --tcp-established --file-locks "$NAME" >/dev/null
    echo "# podman container restore: $(($(ms) - t0)) ms" >&3
    status_is "$NAME" running
    grep -q '^restore .*--tcp-established' "$T/rt-calls" && grep -q '^restore .*--file-locks' "$T/rt-calls" ||
        { echo "ocirt was called as: $(grep '^restore' "$T/rt-calls")"; return 1; }
    wait_past "$NAME" "$((n + 2))"
    counts_on_from "$NAME" "$n"
}

t_export_import() {
    local n
    pm container checkpoint --export "$T/export.tar.gz" "$NAME" >/dev/null
    n=$(last "$NAME")
    [ -s "$T/export.tar.gz" ]
    pm rm -f "$NAME" >/dev/null
    pm container restore --import "$T/export.tar.gz" >/dev/null
    status_is "$NAME" running
    wait_past "$NAME" "$((n + 2))"
    counts_on_from "$NAME" "$n"
    pm rm -f -t 0 "$NAME" >/dev/null
}

# The container's init (pid 1 inside) has a terminal: pts 0 (136:0) of its devpts on stdio, as the
# controlling terminal of its session (tty_nr in /proc/1/stat) with its group in the foreground. By device
# numbers: after a restore /proc/1/fd/0 reads "/0", the slave having been opened on restore's own devpts
# mount, detached since (the container's /dev/pts is a bind of the same instance).
has_terminal() {
    local out
    out=$(pm exec "$TTY" sh -c 'stat -L -c %t:%T /proc/1/fd/0; cut -d " " -f 6-8 /proc/1/stat' | xargs)
    [ "$out" = "88:0 1 $((136 * 256)) 1" ] || { echo "pid 1: fd 0's device, session, tty_nr, tpgid: $out"; return 1; }
}

t_tty_run() {
    run_counter "$TTY" -t
    wait_past "$TTY" 3
}

t_tty_checkpoint() {
    local t0 n
    t0=$(ms)
    pm container checkpoint "$TTY" >/dev/null
    echo "# podman container checkpoint with a terminal: $(($(ms) - t0)) ms" >&3
    status_is "$TTY" exited
    last "$TTY" >"$T/tty-at-checkpoint"
}

# conmon gives a terminal container's runtime a console socket of its own (-t), on restore as on create, and
# logs what it reads from the master it receives: the counter going on in `podman logs` is output that went
# through the new pty.
t_tty_restore() {
    local t0 n
    n=$(cat "$T/tty-at-checkpoint")
    t0=$(ms)
    pm container restore "$TTY" >/dev/null
    echo "# podman container restore with a terminal: $(($(ms) - t0)) ms" >&3
    status_is "$TTY" running
    grep -q '^restore .*--console-socket' "$T/rt-calls" ||
        { echo "ocirt was called as: $(grep '^restore' "$T/rt-calls")"; return 1; }
    wait_past "$TTY" "$((n + 2))"
    counts_on_from "$TTY" "$n"
    has_terminal
    pm rm -f -t 0 "$TTY" >/dev/null
}

main() {
    if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
        echo "ok - podman checkpoint and restore # SKIP podman or conmon is not installed"
        return
    fi
    mkdir -p "$T"
    podman_private "$T"
    trap cleanup EXIT
    if ! out=$(setup 2>&1); then
        echo "not ok - podman: import a busybox image"
        sed 's/^/#   /' <<<"$out"
        return
    fi
    check "podman: a counter container runs (conmon gives it /dev/null and pipes)" t_run
    check "podman container checkpoint --tcp-established --file-locks: exited, the counter stops" t_checkpoint
    check "podman container restore --tcp-established --file-locks: running, counting on from where it stopped" t_restore
    check "podman checkpoint --export, rm, restore --import (a fresh rootfs): counting on" t_export_import
    check "podman run -dt: a counter container with a terminal (conmon holds the master)" t_tty_run
    check "podman container checkpoint of the terminal container: exited" t_tty_checkpoint
    check "podman container restore of the terminal container: ocirt gets conmon's --console-socket; counting on in podman logs; pid 1's controlling terminal" t_tty_restore
}

main
