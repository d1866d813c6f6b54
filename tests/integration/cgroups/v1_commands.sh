#!/bin/bash
# The cgroup commands on this cgroup v1 (hybrid) host: pause/resume through the v1 freezer, ps, events --stats
# and OOM events, delete of a container that ignores SIGTERM, the default and relative cgroupsPath, limits hit
# from inside, and the errors for what the host cannot give.
. "$(dirname "$0")/../lib.sh"

V1=/sys/fs/cgroup

# start NAME CGROUPS_PATH JQ_RESOURCES ARGS...: a detached container; prints its id.
start() {
    local name=$1 path=$2 res=$3 b id
    shift 3
    id=$(new_id "$name")
    b=$(new_bundle "$name" "$@")
    cfg "$b" ".linux.resources=$res"
    [ -z "$path" ] || cfg "$b" '.linux.cgroupsPath=$p' --arg p "${path//@ID@/$id}"
    rt run -d -b "$b" "$id" </dev/null >/dev/null
    echo "$id"
}

test_pause_resume_freezer() {
    requires_cmd pause resume
    local id
    id=$(start frz "/@ID@" '{}' sleep 1000)
    rt pause "$id"
    assert_eq "$(state_of "$id" status)" paused
    assert_eq "$(cat "$V1/freezer/$id/freezer.state")" FROZEN
    rt resume "$id"
    assert_eq "$(state_of "$id" status)" running
    assert_eq "$(cat "$V1/freezer/$id/freezer.state")" THAWED
}

test_ps_and_events_stats() {
    requires_cmd ps events
    local id pid
    id=$(start ps "/@ID@" '{"memory":{"limit":67108864},"pids":{"limit":10}}' sleep 1000)
    pid=$(state_of "$id" pid)
    assert_eq "$(rt ps --format json "$id" | jq -c .)" "[$pid]"
    rt events --stats "$id" | jq -e --argjson lim 67108864 \
        '.type == "stats" and .data.memory.usage.limit == $lim and .data.pids.current == 1 and .data.pids.limit == 10' \
        >/dev/null || fail "events --stats: $(rt events --stats "$id")"
}

test_limits_hit_inside() {
    [ -d "$V1/pids" ] || skip "no v1 pids controller"
    local id out
    # 30 background sleeps against pids.max 10: forks fail once the cgroup is full.
    id=$(start pidsin "/@ID@" '{"pids":{"limit":10}}' sh -c \
        'i=0; while [ $i -lt 30 ]; do sleep 100 & i=$((i+1)); done 2>/dev/null; sleep 100')
    sleep 1
    out=$(cat "$V1/pids/$id/pids.current")
    [ "$out" -le 10 ] || fail "pids.current $out above the limit"
    [ "$(cat "$V1/pids/$id/pids.events" | awk '/^max/ {print $2}')" -gt 0 ] || fail "no fork was refused"
}

test_oom_event() {
    requires_cmd events
    [ -f "$V1/memory/memory.oom_control" ] || skip "no v1 memory controller"
    local id ev
    # tail keeps /dev/zero's endless line in memory until the limit kills it. Without memsw (no swap
    # accounting) the limit alone applies, and the kernel may swap: only then is a kill not certain.
    id=$(start oom "/@ID@" '{"memory":{"limit":33554432}}' tail /dev/zero)
    ev=$IT_TMP/oom.events
    timeout 20 "$RUNTIME" --root "$IT_ROOT" events --interval 60s "$id" >"$ev" 2>&1 || true
    grep -q '"type":"oom"' "$ev" || fail "no oom event: $(cat "$ev")"
    grep -Eq 'oom_kill [1-9]' "$V1/memory/$id/memory.oom_control" || fail "memory.oom_control counts no kill"
}

test_delete_kills_term_ignoring() {
    local id
    id=$(start stubborn "/@ID@" '{}' sh -c "trap '' TERM; sleep 1000 & trap '' TERM; wait")
    rt exec -d "$id" sh -c "trap '' TERM; sleep 1000" </dev/null >/dev/null 2>&1
    rt kill "$id" TERM || true
    sleep 0.3
    assert_eq "$(state_of "$id" status)" running "SIGTERM is ignored"
    rt delete --force "$id"
    local c
    for c in freezer memory pids; do
        [ ! -e "$V1/$c/$id" ] || fail "$V1/$c/$id is left"
    done
    [ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$id")" ] || fail "a cgroup named $id is left"
}

test_default_and_relative_paths() {
    local id own rel
    # No cgroupsPath: a path under the runtime's own cgroup, named after the container.
    id=$(start def "" '{"pids":{"limit":12}}' sleep 1000)
    own=$(awk -F: '$2 == "pids" {print $3}' /proc/self/cgroup)
    [ -n "$(find "$V1/pids$own" -maxdepth 3 -type d -name "*$id*")" ] || fail "no cgroup for $id under $V1/pids$own"
    rt delete --force "$id"
    # A relative cgroupsPath is under the runtime's own cgroup too.
    id=$(start rel "ocirt-it-rel/@ID@" '{"pids":{"limit":13}}' sleep 1000)
    rel=$V1/pids${own%/}/ocirt-it-rel/$id
    assert_eq "$(cat "$rel/pids.max")" 13
    rt delete --force "$id"
    [ ! -e "$rel" ] || fail "$rel is left"
    [ ! -e "$V1/pids${own%/}/ocirt-it-rel" ] || fail "the parent delete made is left"
}

test_missing_controller_error() {
    local b id out
    [ -d "$V1/rdma" ] && skip "this host has a v1 rdma hierarchy"
    id=$(new_id nordma)
    b=$(new_bundle nordma true)
    cfg "$b" '.linux.cgroupsPath=$p | .linux.resources={"rdma":{"mlx5_0":{"hcaHandles":1}}}' --arg p "/$id"
    if out=$(rt run -b "$b" "$id" 2>&1); then fail "run succeeded without an rdma controller"; fi
    assert_contains "$out" "linux.resources.rdma"
}

test_systemd_not_running() {
    [ -d /run/systemd/system ] && skip "systemd runs on this host"
    local b id out
    id=$(new_id nosd)
    b=$(new_bundle nosd true)
    cfg "$b" '.linux.cgroupsPath=$p' --arg p "system.slice:ocirt:$id"
    if out=$(rt --systemd-cgroup run -b "$b" "$id" 2>&1); then fail "run succeeded without systemd"; fi
    assert_contains "$out" "systemd is not running"
}

# Every hierarchy, v1 and the hybrid host's v2 tree, holds the container's first process and an exec'd one, and
# no process is migrated from outside (that waits for an RCU grace period, 9-17 ms here): each enters its v1
# cgroups itself by writing "0" to `tasks`, and the v2 tree through CLONE_INTO_CGROUP.
test_processes_enter_every_hierarchy() {
    command -v strace >/dev/null || "$IT_REPO/scripts/install-deps.sh" strace >&2 || skip "strace cannot be installed"
    local id pid epid trace=$IT_TMP/entry.trace line
    id=$(start entry "/@ID@" '{"pids":{"limit":50}}' sleep 1000)
    # A process that stays would keep strace waiting: the traced start and exec run `true`.
    strace -f -qq -e trace=openat,write,clone3 -o "$trace" "$RUNTIME" --root "$IT_ROOT" exec "$id" true ||
        fail "exec under strace failed"
    cfg "$IT_TMP/bundles/entry" '.process.args=["true"] | .linux.cgroupsPath="/\($id)-true"' --arg id "$id"
    strace -f -qq -e trace=openat,write,clone3 -o "$trace.run" "$RUNTIME" --root "$IT_ROOT" run -b "$IT_TMP/bundles/entry" \
        "$id-true" </dev/null >/dev/null || fail "run under strace failed"
    cat "$trace.run" >>"$trace"
    pid=$(state_of "$id" pid)
    rt exec -d --pid-file "$IT_TMP/entry.pid" "$id" sleep 1000
    epid=$(cat "$IT_TMP/entry.pid")
    for p in "$pid" "$epid"; do
        [ "$(wc -l </proc/"$p"/cgroup)" -ge 2 ] || fail "too few hierarchies for $p: $(cat /proc/"$p"/cgroup)"
        while read -r line; do
            [[ $line == *":/$id" ]] || fail "process $p is not in /$id in every hierarchy: $line"
        done </proc/"$p"/cgroup
    done
    if grep -E 'openat\(.*/(cgroup\.procs|tasks)", O_WRONLY' "$trace" | grep -Ev "/$id(-true)?/tasks\"" | grep -q .; then
        fail "a cgroup.procs file was opened for writing: $(grep -E 'cgroup\.procs", O_WRONLY' "$trace")"
    fi
    grep -Eq 'write\([0-9]+, "0", 1\) += 1' "$trace" || fail "the container process did not write \"0\" to its tasks files"
    if [ -d /sys/fs/cgroup/unified ]; then
        grep -q 'clone3(.*CLONE_INTO_CGROUP' "$trace" || fail "not cloned into the v2 tree: $(grep clone3 "$trace")"
    fi
}

run_test "pause/resume through the v1 freezer" test_pause_resume_freezer
run_test "ps --format json and events --stats" test_ps_and_events_stats
run_test "pids limit hit from inside: forks fail at pids.max" test_limits_hit_inside
run_test "memory limit hit from inside: an oom event and memory.oom_control" test_oom_event
run_test "delete --force kills processes that ignore SIGTERM and removes every cgroup" test_delete_kills_term_ignoring
run_test "cgroupsPath absent and relative: under the runtime's own cgroup, removed by delete" test_default_and_relative_paths
run_test "create and exec: every hierarchy entered without a migration from outside" test_processes_enter_every_hierarchy
run_test "a controller the host lacks is an error naming the field" test_missing_controller_error
run_test "--systemd-cgroup without systemd: a clear error" test_systemd_not_running
finish
