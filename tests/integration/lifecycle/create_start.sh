#!/bin/bash
# create / start / state / kill / delete / list, and the state each step leaves (runtime.md "Lifecycle").
. "$(dirname "$0")/../lib.sh"

# A process that says it started, then waits: its marker tells whether the user program ran yet.
marker_args=(sh -c 'echo started > /tmp/marker; exec sleep 60')

test_create_start_kill_delete() {
    requires_cmd create start state kill delete
    local b id pid
    b=$(new_bundle basic "${marker_args[@]}")
    id=$(new_id basic)
    rt create --bundle "$b" "$id"
    assert_eq "$(state_of "$id" status)" created "after create"
    pid=$(state_of "$id" pid)
    [ "$pid" -gt 0 ] || fail "created container has no pid: $pid"
    kill -0 "$pid" || fail "pid $pid of the created container does not exist"
    [ ! -e "$b/rootfs/tmp/marker" ] || fail "the user program ran before start"

    rt start "$id"
    wait_file "$b/rootfs/tmp/marker"
    assert_eq "$(state_of "$id" status)" running "after start"
    assert_eq "$(state_of "$id" pid)" "$pid" "pid after start"

    rt kill "$id" KILL
    wait_status "$id" stopped
    rt delete "$id"
    assert_fails rt state "$id"
    [ ! -e "$IT_ROOT/$id" ] || fail "state directory $IT_ROOT/$id left after delete"
}

test_state_fields() {
    requires_cmd create state delete
    local b id s
    b=$(new_bundle fields sleep 60)
    cfg "$b" '.annotations = {"org.ocirt.test": "yes", "x": "1"}'
    id=$(new_id fields)
    rt create -b "$b" "$id"
    s=$(rt state "$id")
    assert_eq "$(jq -r .id <<<"$s")" "$id" "state.id"
    assert_eq "$(jq -r .bundle <<<"$s")" "$b" "state.bundle"
    assert_eq "$(jq -r .status <<<"$s")" created "state.status"
    assert_eq "$(jq -r '.annotations["org.ocirt.test"]' <<<"$s")" yes "state.annotations"
    [ -n "$(jq -r '.ociVersion // empty' <<<"$s")" ] || fail "state has no ociVersion: $s"
    [ "$(jq -r .pid <<<"$s")" -gt 0 ] || fail "state.pid is not positive: $s"
    rt delete --force "$id"
}

test_bundle_defaults_to_cwd() {
    requires_cmd create state delete
    local b id
    b=$(new_bundle cwd sleep 60)
    id=$(new_id cwd)
    (cd "$b" && rt create "$id")
    assert_eq "$(state_of "$id" bundle)" "$b" "bundle taken from the working directory"
    rt delete --force "$id"
}

test_pid_file() {
    requires_cmd create state delete
    local b id
    b=$(new_bundle pidfile sleep 60)
    id=$(new_id pidfile)
    rt create --pid-file "$IT_TMP/pidfile" -b "$b" "$id"
    assert_file "$IT_TMP/pidfile"
    assert_eq "$(tr -d '\n' < "$IT_TMP/pidfile")" "$(state_of "$id" pid)" "pid file matches state.pid"
    rt delete --force "$id"
}

test_pid_file_relative() {
    requires_cmd create state delete
    local b id
    b=$(new_bundle pidrel sleep 60)
    id=$(new_id pidrel)
    (cd "$IT_TMP" && rt create --pid-file rel.pid -b "$b" "$id")
    assert_file "$IT_TMP/rel.pid"
    assert_eq "$(cat "$IT_TMP/rel.pid")" "$(state_of "$id" pid)" "relative pid file matches state.pid"
    rt delete --force "$id"
}

test_kill_default_is_term() {
    requires_cmd create start state kill delete
    local b id
    # pid 1 ignores signals it has no handler for, so the process installs one.
    b=$(new_bundle term sh -c 'trap "exit 0" TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done')
    id=$(new_id term)
    rt create -b "$b" "$id"
    rt start "$id"
    wait_file "$b/rootfs/tmp/ready"
    rt kill "$id"
    wait_status "$id" stopped
    rt delete "$id"
}

test_kill_signal_spellings() {
    requires_cmd create start state kill delete
    local b id sig n=0
    for sig in 9 KILL SIGKILL; do
        n=$((n + 1))
        b=$(new_bundle "sig$n" sleep 60)
        id=$(new_id "sig$n")
        rt create -b "$b" "$id"
        rt start "$id"
        rt kill "$id" "$sig"
        wait_status "$id" stopped
        rt delete "$id"
    done
}

test_kill_created_container() {
    requires_cmd create state kill delete
    local b id
    b=$(new_bundle killcreated sleep 60)
    id=$(new_id killcreated)
    rt create -b "$b" "$id"
    rt kill "$id" KILL
    wait_status "$id" stopped
    rt delete "$id"
}

test_process_exit_means_stopped() {
    requires_cmd create start state delete
    local b id
    b=$(new_bundle exits true)
    id=$(new_id exits)
    rt create -b "$b" "$id"
    rt start "$id"
    wait_status "$id" stopped
    rt delete "$id"
    assert_fails rt state "$id"
}

test_list() {
    requires_cmd create list delete
    local b id out
    b=$(new_bundle list sleep 60)
    id=$(new_id list)
    rt create -b "$b" "$id"
    out=$(rt list)
    assert_contains "$out" "$id"
    assert_contains "$out" created
    out=$(rt list -q)
    assert_eq "$out" "$id" "list -q"
    out=$(rt list --format json)
    assert_eq "$(jq -r '.[0].id' <<<"$out")" "$id" "list --format json id"
    assert_eq "$(jq -r '.[0].status' <<<"$out")" created "list --format json status"
    rt delete --force "$id"
    out=$(rt list -q)
    assert_eq "$out" "" "list after delete"
}

test_delete_force_running() {
    requires_cmd create start state delete
    local b id pid
    b=$(new_bundle force sleep 60)
    id=$(new_id force)
    rt create -b "$b" "$id"
    rt start "$id"
    pid=$(state_of "$id" pid)
    rt delete --force "$id"
    assert_fails rt state "$id"
    # The init process is gone (it may linger as a zombie for a moment only if nobody reaps it).
    local tries=20
    while [ $tries -gt 0 ] && [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    [ $tries -gt 0 ] || fail "process $pid still runs after delete --force"
}

# containerd's shim passes --root /run/containerd/runc/NAMESPACE, whose parents may not exist yet.
test_root_parents_created() {
    requires_cmd run
    local b id deep=$IT_TMP/deep/a/b/root out
    b=$(new_bundle deeproot echo ran)
    id=$(new_id deeproot)
    out=$(timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$deep" run -b "$b" "$id") || {
        "$RUNTIME" --root "$deep" delete -f "$id" > /dev/null 2>&1 || true
        fail "run with --root $deep (parents missing) failed"
    }
    assert_eq "$out" ran
    [ -d "$deep" ] || fail "--root $deep was not created"
}

run_test "create, start, state, kill, delete" test_create_start_kill_delete
run_test "--root is created with its missing parents" test_root_parents_created
run_test "state reports id, bundle, status, pid, annotations, ociVersion" test_state_fields
run_test "create without --bundle uses the working directory" test_bundle_defaults_to_cwd
run_test "create --pid-file writes the container pid" test_pid_file
run_test "create --pid-file accepts a relative path" test_pid_file_relative
run_test "kill without a signal sends SIGTERM" test_kill_default_is_term
run_test "kill accepts 9, KILL and SIGKILL" test_kill_signal_spellings
run_test "kill a created container" test_kill_created_container
run_test "a container whose process exited is stopped" test_process_exit_means_stopped
run_test "list: table, -q and --format json" test_list
run_test "delete --force kills a running container" test_delete_force_running
finish
