#!/bin/bash
# End-to-end: Podman drives the runtime under test (RUNTIME, default build/src/ocirt) with `--runtime`.
# Installs podman from Debian if missing. Everything Podman keeps (image store, containers, its database,
# runroot, tmpdir, events) lives under one temporary directory, removed at the end; the host's
# /var/lib/containers and /run/containers are not used. The image is imported from a local busybox tarball.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
[ -x "$RUNTIME" ] || { echo "not ok 1 - runtime $RUNTIME not found"; exit 1; }
e2e_require_cmds create start state kill delete exec
if ! command -v podman > /dev/null || ! command -v conmon > /dev/null || ! command -v catatonit > /dev/null; then
    "$E2E_REPO/scripts/install-deps.sh" podman conmon catatonit >&2 || { echo "not ok 1 - install podman"; exit 1; }
fi

T=$(mktemp -d /tmp/ocirt-e2e-podman.XXXXXX)
# What Podman creates outside its --root whatever we say: the blob info cache and, with cgroupfs, the
# libpod_parent cgroups. Removed at the end if they were not there before.
had_var_lib_containers=0; [ -e /var/lib/containers ] && had_var_lib_containers=1
had_libpod_parent=0; [ -n "$(find /sys/fs/cgroup -maxdepth 2 -name libpod_parent 2>/dev/null)" ] && had_libpod_parent=1
IMAGE=localhost/ocirt-e2e-busybox:latest
. "$E2E_REPO/tests/lib/podman.sh"
podman_private "$T"

pm_noruntime() { timeout -k 5 "$E2E_TIMEOUT" podman "${PODMAN_FLAGS[@]}" "$@"; }
pm() { pm_noruntime --runtime "$RUNTIME" "$@"; }

cleanup() {
    pm rm -a -f -t 0 > /dev/null 2>&1 || true
    pm rmi -a -f > /dev/null 2>&1 || true
    # conmon processes of ours, if a container was stuck.
    pkill_ours() { local p; for p in $(pgrep -f "$T" 2>/dev/null); do [ "$p" != $$ ] && kill -KILL "$p" 2>/dev/null; done; }
    pkill_ours || true
    awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    # Cgroups of our containers: podman names them libpod-<id> under machine.slice or /libpod_parent.
    for id in $(cat "$T/ids" 2>/dev/null); do
        find /sys/fs/cgroup -maxdepth 6 -depth -type d -name "*$id*" -exec rmdir {} \; 2>/dev/null || true
    done
    if [ "$had_libpod_parent" = 0 ]; then
        find /sys/fs/cgroup -maxdepth 4 -depth -type d -path '*/libpod_parent*' -exec rmdir {} \; 2>/dev/null || true
    fi
    [ "$had_var_lib_containers" = 1 ] || rm -rf /var/lib/containers
    if [ -n "${RL_USER:-}" ]; then
        rpm rm -a -f -t 0 > /dev/null 2>&1 || true
        for p in $(pgrep -u "$RL_USER" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        awk -v t="$RLH" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
            umount -l "$m" 2>/dev/null || true
        done
        userdel "$RL_USER" > /dev/null 2>&1 || true
        sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
        rm -rf "$RLH"
    fi
    [ -z "${added_containers_range:-}" ] || sed -i '/^containers:600000:200000$/d' /etc/subuid /etc/subgid
    rm -rf "$T"
    rm -f "$E2E_OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# podman $(podman --version | awk '{print $3}') with runtime $RUNTIME"
e2e_rootfs_tar "$T/rootfs.tar"
check "podman import of a busybox rootfs tarball" pm import --change 'CMD ["/bin/sh"]' "$T/rootfs.tar" "$IMAGE"
if ! pm image exists "$IMAGE"; then
    echo "Bail out! no image to run"
    exit 1
fi

# The ulimits: Podman's default (the host's hard limits) cannot be set inside this machine's sandbox.
d_flags=(--network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
run_flags=(--rm "${d_flags[@]}")
check "run --rm true" pm run "${run_flags[@]}" "$IMAGE" true
check_status "run returns the exit status (3)" 3 pm run "${run_flags[@]}" "$IMAGE" sh -c 'exit 3'
out=$(pm run "${run_flags[@]}" "$IMAGE" sh -c 'echo hello; echo $$' 2>&1 < /dev/null)
check_eq "run prints the output, the process is pid 1" "$(echo $out)" "hello 1"
check_status "run of a missing command exits 127" 127 pm run "${run_flags[@]}" "$IMAGE" /no/such/command
check_status "run of a non-executable file exits 126" 126 pm run "${run_flags[@]}" "$IMAGE" /etc/passwd
out=$(echo from-stdin | pm run -i "${run_flags[@]}" "$IMAGE" cat 2>&1)
check_eq "run -i passes stdin" "$out" from-stdin

# Detached container, exec, stop, rm.
name=ocirt-e2e-$$
check "run -d" pm run -d --name "$name" "${d_flags[@]}" "$IMAGE" sleep 1000
pm inspect --format '{{.Id}}' "$name" >> "$T/ids" 2>/dev/null || true
check_eq "the detached container is running" "$(pm inspect --format '{{.State.Status}}' "$name" 2>&1)" running
check_eq "exec prints output" "$(pm exec "$name" cat /proc/1/cmdline 2>&1 | tr '\0' ' ')" "sleep 1000 "
check_status "exec returns the exit status (4)" 4 pm exec "$name" sh -c 'exit 4'
check "exec -d" pm exec -d "$name" sleep 1
check "stop (sleep ignores SIGTERM as pid 1: SIGKILL after 2 s)" pm stop -t 2 "$name"
check_eq "the stopped container has exited" "$(pm inspect --format '{{.State.Status}}' "$name" 2>&1)" exited
check "rm" pm rm "$name"
check_status "the removed container is gone" 1 pm container exists "$name"

# A terminal: podman -t hands the runtime a console socket.
out=$(pm run -t "${run_flags[@]}" "$IMAGE" sh -c 'tty; stty size' 2>&1 < /dev/null | tr -d '\r')
check_eq "run -t gets a pty as its terminal" "$(head -1 <<<"$out" | sed 's/[0-9]*$/N/')" "/dev/pts/N"

# contrib/podman/containers.conf makes ocirt the default runtime: with it (its path pointed at a wrapper that
# records its calls and runs RUNTIME), podman runs a container without --runtime.
snippet=$E2E_REPO/contrib/podman/containers.conf
if [ -f "$snippet" ]; then
    printf '#!/bin/sh\necho "$*" >> %s/rt-calls\nexec %s "$@"\n' "$T" "$RUNTIME" > "$T/ocirt"
    chmod +x "$T/ocirt"
    # The snippet's [engine] table, its first path replaced, plus this test's own settings.
    sed "0,/\"\/usr\/local\/sbin\/ocirt\"/s||\"$(sed 's/[\/&]/\\&/g' <<<"$T/ocirt")\"|" "$snippet" |
        sed "/^\[engine\]$/a cgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\nevents_logfile_path = \"$(sed 's/[\/&]/\\&/g' <<<"$T/events.log")\"" \
        > "$T/snippet.conf"
    check_eq "with contrib/podman/containers.conf the default runtime is ocirt" \
        "$(CONTAINERS_CONF=$T/snippet.conf pm_noruntime info --format '{{.Host.OCIRuntime.Name}}' 2>&1)" ocirt
    out=$(CONTAINERS_CONF=$T/snippet.conf pm_noruntime run "${run_flags[@]}" "$IMAGE" echo via-containers-conf 2>&1 < /dev/null)
    check_eq "with contrib/podman/containers.conf, run without --runtime" "$out" via-containers-conf
    check_eq "... and it was ocirt (the configured path) that created the container" \
        "$(grep -c -w create "$T/rt-calls" 2>/dev/null)" 1
else
    skip_test "podman with contrib/podman/containers.conf" "no such file"
fi

# ---- beyond the basics (issue 6): what Podman asks of a runtime in daily use
name=ocirt-e2e-x-$$
check "run -d (second container)" pm run -d --name "$name" "${d_flags[@]}" "$IMAGE" sleep 1000
pm inspect --format '{{.Id}}' "$name" >> "$T/ids" 2>/dev/null || true
if runtime_has pause && runtime_has resume; then
    check "pause" pm pause "$name"
    check_eq "the paused container is paused" "$(pm inspect --format '{{.State.Status}}' "$name" 2>&1)" paused
    check "unpause" pm unpause "$name"
    check_eq "the unpaused container is running" "$(pm inspect --format '{{.State.Status}}' "$name" 2>&1)" running
else
    skip_test "pause, unpause" "$(basename "$RUNTIME") has no pause/resume command yet"
fi
out=$(pm top "$name" 2>&1)
check_eq "top lists the container's process" "$(grep -c 'sleep 1000' <<<"$out")" 1
check "stats --no-stream" pm stats --no-stream --format '{{.MemUsage}}' "$name"
if runtime_has update; then
    check "update --memory 64m" pm update --memory 64m "$name"
    pid=$(pm inspect --format '{{.State.Pid}}' "$name" 2>/dev/null)
    memcg=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)
    if [ -n "$memcg" ] && [ -f "/sys/fs/cgroup/memory$memcg/memory.limit_in_bytes" ]; then
        check_eq "... the memory cgroup's limit is 64 MiB" "$(cat "/sys/fs/cgroup/memory$memcg/memory.limit_in_bytes")" 67108864
    elif [ -f "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null)/memory.max" ]; then
        check_eq "... the cgroup's memory.max is 64 MiB" \
            "$(cat "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")/memory.max")" 67108864
    else
        skip_test "... the memory limit reached the cgroup" "no memory cgroup found for pid $pid"
    fi
else
    skip_test "update --memory" "$(basename "$RUNTIME") has no update command yet"
fi
check "kill -s KILL" pm kill -s KILL "$name"
check_eq "wait reports 137 after SIGKILL" "$(pm wait "$name" 2>&1)" 137
pm rm -f "$name" > /dev/null 2>&1

pm run -d --name "$name-w" "${d_flags[@]}" "$IMAGE" sh -c 'sleep 1; exit 7' > /dev/null 2>&1
check_eq "wait reports the exit status (7)" "$(pm wait "$name-w" 2>&1)" 7
pm rm -f "$name-w" > /dev/null 2>&1

out=$(pm run "${run_flags[@]}" --init "$IMAGE" cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
check_eq "--init: pid 1 is Podman's init (catatonit, mounted at /run/podman-init)" "$(grep -c '^/run/podman-init -- cat' <<<"$out")" 1
out=$(pm run "${run_flags[@]}" --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null && echo writable || echo read-only' 2>&1)
check_eq "--read-only" "$out" read-only
out=$(pm run "${run_flags[@]}" --cap-drop all "$IMAGE" sh -c 'grep CapEff /proc/self/status' 2>&1)
check_eq "--cap-drop all leaves no effective capability" "$(awk '{print $2}' <<<"$out")" 0000000000000000
cat > "$T/seccomp.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": [ "mkdir", "mkdirat" ], "action": "SCMP_ACT_ERRNO" } ] }
JSON
out=$(pm run "${run_flags[@]}" --security-opt seccomp="$T/seccomp.json" "$IMAGE" \
      sh -c 'mkdir /tmp/d 2>/dev/null && echo allowed || echo denied' 2>&1)
check_eq "--security-opt seccomp=PROFILE denies mkdir" "$out" denied
out=$(pm run "${run_flags[@]}" --tmpfs /scratch:size=1m "$IMAGE" sh -c 'grep " /scratch " /proc/mounts | cut -d" " -f3' 2>&1)
check_eq "--tmpfs mounts a tmpfs" "$out" tmpfs
mkdir -p "$T/vol"
echo from-host > "$T/vol/in"
out=$(pm run "${run_flags[@]}" -v "$T/vol:/vol" "$IMAGE" sh -c 'cat /vol/in; echo from-container > /vol/out' 2>&1)
check_eq "-v bind volume: the container reads the host's file" "$out" from-host
check_eq "-v bind volume: the host reads the container's file" "$(cat "$T/vol/out" 2>&1)" from-container
check_status "an error of podman itself exits 125" 125 pm run "${run_flags[@]}" --no-such-flag "$IMAGE" true

# --userns=auto as root: Podman takes the ranges from the 'containers' user's /etc/subuid and /etc/subgid entries
# (added for the test when missing, removed at the end).
if ! grep -q '^containers:' /etc/subuid 2>/dev/null; then
    echo "containers:600000:200000" >> /etc/subuid
    echo "containers:600000:200000" >> /etc/subgid
    added_containers_range=1
fi
out=$(pm run "${run_flags[@]}" --userns=auto "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map' 2>&1 | tr '\n' ' ' | tr -s ' ')
check_eq "--userns=auto (root): uid 0 inside is a subordinate id outside" "$(awk '{print $1, $2, ($3 >= 600000)}' <<<"$out")" "0 0 1"

# Rootless Podman: a user of our own (ocirt-pm-<pid>, subordinate ids 400000-465535) runs ocirt as root of
# Podman's user namespace; its storage and XDG_RUNTIME_DIR live under RLH, removed at the end.
RL_USER=ocirt-pm-$$
RLH=$(mktemp -d /tmp/ocirt-e2e-rootless.XXXXXX)
chmod 755 "$RLH"
rootless_ready=0
if ! command -v newuidmap > /dev/null; then "$E2E_REPO/scripts/install-deps.sh" uidmap >&2 || true; fi
if command -v newuidmap > /dev/null && useradd -M -d "$RLH" -s /bin/sh "$RL_USER" 2>/dev/null; then
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
    echo "$RL_USER:400000:65536" >> /etc/subuid
    echo "$RL_USER:400000:65536" >> /etc/subgid
    mkdir -p "$RLH/run" && chmod 700 "$RLH/run"
    cp "$T/rootfs.tar" "$RLH/rootfs.tar"
    chown -R "$RL_USER:" "$RLH"
    rootless_ready=1
fi
rpm() {
    (cd "$RLH" && timeout -k 5 "$E2E_TIMEOUT" setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RLH" USER="$RL_USER" XDG_RUNTIME_DIR="$RLH/run" \
        podman --cgroup-manager cgroupfs --events-backend file --runtime "$RUNTIME" "$@")
}
if [ "$rootless_ready" = 1 ]; then
    check "rootless: podman import" rpm import --change 'CMD ["/bin/sh"]' "$RLH/rootfs.tar" "$IMAGE"
    out=$(rpm run "${run_flags[@]}" "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map' 2>&1 | tr '\n' ' ' | tr -s ' ')
    check_eq "rootless: run; root inside is the user outside, the rest its subordinate range" \
        "$out" "0 0 $(id -u "$RL_USER") 1 1 400000 65536 "
    check "rootless: run -d" rpm run -d --name rl "${d_flags[@]}" "$IMAGE" sleep 1000
    check_eq "rootless: exec" "$(rpm exec rl sh -c 'echo exec-ok' 2>&1)" exec-ok
    check "rootless: stop" rpm stop -t 1 rl
    check "rootless: rm" rpm rm rl
    out=$(rpm run "${run_flags[@]}" --userns=keep-id "$IMAGE" id -u 2>&1)
    check_eq "rootless: --userns=keep-id runs as the user's own uid" "$out" "$(id -u "$RL_USER")"
    out=$(rpm run "${run_flags[@]}" --userns=auto "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map' 2>&1 | tr '\n' ' ' | tr -s ' ')
    check_eq "rootless: --userns=auto maps a block of the user's range" "$(awk '{print $1, $2}' <<<"$out")" "0 0"
    check_eq "rootless: no container left" "$(rpm ps -a -q 2>&1)" ""
else
    skip_test "rootless podman" "no newuidmap or cannot create a test user"
fi

# Nothing of ours may be left running.
check_eq "no container left" "$(pm ps -a -q 2>&1)" ""
finish_e2e
