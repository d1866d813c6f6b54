#!/bin/bash
# CVE-2019-5736: a container image whose entrypoint is "#!/proc/self/exe" makes the runtime execute its own
# binary inside the container. A process of the container that opens /proc/<pid>/exe of that process, and
# reopens it for writing once the process has exited, would rewrite the host's runtime binary. Each test
# makes that attack for real against a copy of the runtime and demands that the write fails with EROFS
# (ocirt runs from a read-only bind mount of itself) and that the copy is unchanged.
#
# The runtime's process inside the container is held still by a full FIFO on its stderr: its first error
# message blocks, so the attacker can open its exe without a race.
. "$(dirname "$0")/../lib.sh"

# attack_setup NAME ARGS...: a bundle whose rootfs has /evil and the runtime's shared libraries (the
# re-executed runtime must be able to start in there); sets b, id, victim, sum0 and fd 7 (a full FIFO).
attack_setup() {
    local name=$1 f
    shift
    victim=$IT_TMP/victim-$name
    cp "$RUNTIME" "$victim"
    sum0=$(sha256sum < "$victim")
    b=$(new_bundle "$name" "$@")
    printf '#!/proc/self/exe\n' > "$b/rootfs/evil"
    chmod 755 "$b/rootfs/evil"
    for f in $(ldd "$victim" | grep -o '/[^ ]*'); do
        mkdir -p "$b/rootfs${f%/*}"
        cp -L "$f" "$b/rootfs$f"
    done
    id=$(new_id "$name")
    mkfifo "$IT_TMP/full-$name"
    exec 7<>"$IT_TMP/full-$name"
    head -c 65536 /dev/zero >&7   # a pipe holds 64 KiB: the next write blocks
}

# wait_victim PIDS_CMD: poll until a process whose command line names /evil exists; prints its pid.
find_victim_in() {
    local p
    for _ in $(seq 100); do
        for p in "$@"; do
            if tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -q /evil; then echo "$p"; return 0; fi
        done
        sleep 0.05
    done
    return 1
}

test_exec_attack() {
    requires_cmd run exec
    local b id victim sum0 out
    attack_setup exec sleep 1000
    RUNTIME=$victim rt run -d -b "$b" "$id"
    RUNTIME=$victim rt exec -d "$id" /evil 2>&7
    # The attacker: a process of the container, as root, with the container's capabilities.
    # Through the untouched runtime: the copy must be busy with nothing but the victim.
    out=$(rt exec "$id" sh -c '
        pid=
        for _ in $(seq 100); do
            for p in /proc/[0-9]*; do
                case "$(tr "\0" " " < $p/cmdline 2>/dev/null)" in "/proc/self/exe /evil "*) pid=${p#/proc/} ;; esac
            done
            [ -n "$pid" ] && break
            sleep 0.05
        done
        [ -n "$pid" ] || { echo "no victim process"; exit 1; }
        exec 3< /proc/$pid/exe || { echo "cannot open /proc/$pid/exe"; exit 1; }
        kill -9 $pid
        while [ -e /proc/$pid ] && ! grep -q "^State:.*Z" /proc/$pid/status 2>/dev/null; do sleep 0.05; done
        if echo pwned >> /proc/self/fd/3; then echo WROTE; else echo REFUSED; fi
    ' 2>&1) || true
    exec 7>&-
    echo "$out"
    assert_contains "$out" REFUSED "writing the runtime binary through /proc/<pid>/exe"
    assert_contains "$out" "Read-only file system" "the reason the write failed"
    assert_eq "$(sha256sum < "$victim")" "$sum0" "the runtime binary"
}

test_create_attack() {
    requires_cmd create start
    local b id victim sum0 pid out
    attack_setup create /evil
    RUNTIME=$victim rt create -b "$b" "$id" 2>&7
    RUNTIME=$victim rt start "$id"
    pid=$(state_of "$id" pid)
    find_victim_in "$pid" > /dev/null || fail "the container's process never became the runtime binary"
    exec 8< "/proc/$pid/exe"
    kill -KILL "$pid"
    wait_status "$id" stopped
    out=$( { echo pwned >> /proc/self/fd/8; } 2>&1 && echo WROTE || echo REFUSED)
    exec 8<&- 7>&-
    echo "$out"
    assert_contains "$out" REFUSED "writing the runtime binary through /proc/<pid>/exe"
    assert_contains "$out" "Read-only file system" "the reason the write failed"
    assert_eq "$(sha256sum < "$victim")" "$sum0" "the runtime binary"
}

run_test "CVE-2019-5736 via exec: a container process cannot rewrite the runtime binary" test_exec_attack
run_test "CVE-2019-5736 via create: the container's init cannot lead to a rewritten runtime binary" test_create_attack
finish
