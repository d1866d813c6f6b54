#!/bin/bash
# process.execCPUAffinity (config.md): `initial` is where the runtime's own process runs before the container's
# cgroup takes over (seen by a createRuntime hook, which the runtime starts, and by a running `exec`), `final`
# is where the container's process runs.
. "$(dirname "$0")/../lib.sh"

cpus_allowed() { awk '/^Cpus_allowed_list/ { print $2 }' "$1"; }

need_two_cpus() {
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    [ "$(cpus_allowed /proc/self/status)" = "0-$(( $(nproc) - 1 ))" ] || skip "this shell is pinned already"
}

test_create_initial_and_final() {
    requires_cmd run
    need_two_cpus
    local b out
    b=$(new_bundle aff sh -c 'grep Cpus_allowed_list /proc/self/status')
    cfg "$b" '.process.execCPUAffinity = {initial: "1", final: "0"}
              | .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status > \($f)"]}]' \
        --arg f "$IT_TMP/hook-affinity"
    out=$(rt run -b "$b" "$(new_id aff)")
    assert_eq "$(awk '{print $2}' <<<"$out")" 0 "the container process's CPUs (final)"
    assert_eq "$(awk '{print $2}' "$IT_TMP/hook-affinity")" 1 "the runtime's CPUs before the cgroup (initial), seen by its hook"
}

test_exec_initial_and_final() {
    requires_cmd run exec
    need_two_cpus
    local b id pid= rt_pid out p
    b=$(new_bundle affx sleep 1000)
    id=$(new_id affx)
    rt run -d -b "$b" "$id"
    jq -n '{args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status; sleep 2"], cwd: "/",
            env: ["PATH=/bin:/usr/bin"], user: {uid: 0, gid: 0},
            execCPUAffinity: {initial: "1", final: "0"}}' > "$IT_TMP/process.json"
    rt exec --process "$IT_TMP/process.json" "$id" > "$IT_TMP/exec-out" &
    rt_pid=$!
    sleep 1
    # The runtime process: argv[0] is its path (its parents are this shell's subshell and `timeout`).
    for p in $(pgrep -f -- "$IT_TMP/process.json"); do
        [ "$(tr '\0' '\n' 2>/dev/null < "/proc/$p/cmdline" | head -1)" = "$RUNTIME" ] && pid=$p
    done
    [ -n "${pid:-}" ] || fail "no runtime process found"
    assert_eq "$(cpus_allowed "/proc/$pid/status")" 1 "the exec runtime process's CPUs (initial)"
    wait "$rt_pid"
    assert_eq "$(awk '{print $2}' "$IT_TMP/exec-out")" 0 "the exec'd process's CPUs (final)"
}

run_test "execCPUAffinity on create: initial for the runtime (its hook), final for the process" test_create_initial_and_final
run_test "execCPUAffinity on exec: initial for the runtime, final for the process" test_exec_initial_and_final
finish
