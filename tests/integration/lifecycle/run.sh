#!/bin/bash
# `run`: create + start + wait; exit status, output, --detach, signal forwarding, process settings.
. "$(dirname "$0")/../lib.sh"

test_run_exit_status() {
    requires_cmd run
    local b code
    for code in 0 1 42 255; do
        b=$(new_bundle "exit$code" sh -c "exit $code")
        assert_status "$code" rt run -b "$b" "$(new_id "exit$code")"
    done
}

test_run_killed_by_signal() {
    requires_cmd run
    local b
    # A shell as pid 1 cannot be killed by its own signal, so a child kills itself.
    b=$(new_bundle sig sh -c 'sh -c "kill -KILL \$\$"; exit $?')
    assert_status 137 rt run -b "$b" "$(new_id sig)"
}

test_run_output() {
    requires_cmd run
    local b out err
    b=$(new_bundle out sh -c 'echo to-stdout; echo to-stderr >&2')
    out=$(rt run -b "$b" "$(new_id out)" 2>"$IT_TMP/err")
    err=$(cat "$IT_TMP/err")
    assert_eq "$out" to-stdout "stdout"
    assert_contains "$err" to-stderr "stderr"
}

test_run_stdin() {
    requires_cmd run
    local b out
    b=$(new_bundle stdin cat)
    out=$(echo through-stdin | rt run -b "$b" "$(new_id stdin)")
    assert_eq "$out" through-stdin
}

test_run_deletes_container() {
    requires_cmd run state
    local b id
    b=$(new_bundle gone true)
    id=$(new_id gone)
    rt run -b "$b" "$id"
    assert_fails rt state "$id"
    [ ! -e "$IT_ROOT/$id" ] || fail "state left behind by run"
}

test_run_detach() {
    requires_cmd run state kill delete
    local b id
    b=$(new_bundle detach sleep 60)
    id=$(new_id detach)
    rt run --detach --pid-file "$IT_TMP/d.pid" -b "$b" "$id" > /dev/null
    assert_eq "$(state_of "$id" status)" running
    assert_eq "$(cat "$IT_TMP/d.pid")" "$(state_of "$id" pid)" "pid file"
    rt kill "$id" KILL
    wait_status "$id" stopped
    rt delete "$id"
}

test_run_forwards_signals() {
    requires_cmd run
    local b id pid rc=0
    b=$(new_bundle fwd sh -c 'trap "exit 5" TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done')
    id=$(new_id fwd)
    # Not through rt: timeout(1) would signal its whole process group, not just the runtime.
    "$RUNTIME" --root "$IT_ROOT" run -b "$b" "$id" &
    pid=$!
    wait_file "$b/rootfs/tmp/ready"
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    assert_eq "$rc" 5 "exit status after SIGTERM was forwarded"
}

test_run_process_settings() {
    requires_cmd run
    local b out
    b=$(new_bundle settings sh -c 'echo "cwd=$(pwd) host=$(hostname) foo=$FOO id=$(id -u):$(id -g) nofile=$(ulimit -n)"')
    cfg "$b" '.process.cwd = "/tmp" | .process.env += ["FOO=bar"] | .hostname = "itest"
              | .process.user = {"uid": 65534, "gid": 65534}
              | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]'
    out=$(rt run -b "$b" "$(new_id settings)")
    assert_eq "$out" "cwd=/tmp host=itest foo=bar id=65534:65534 nofile=256"
}

test_run_pid_namespace() {
    requires_cmd run
    local b out
    b=$(new_bundle pidns sh -c 'echo $$')
    out=$(rt run -b "$b" "$(new_id pidns)")
    assert_eq "$out" 1 "the process is pid 1 in its pid namespace"
}

test_run_missing_program() {
    requires_cmd run state
    local b id
    b=$(new_bundle noprog /no/such/program)
    id=$(new_id noprog)
    assert_fails rt run -b "$b" "$id"
    assert_fails rt state "$id"
}

# Podman turns these words of the runtime's error into exit codes 127 and 126 (it matches them without case).
test_run_exec_error_messages() {
    requires_cmd run
    local b err
    b=$(new_bundle enoent /no/such/program)
    err=$(rt run -b "$b" "$(new_id enoent)" 2>&1 >/dev/null) && fail "run of a missing program succeeded"
    grep -qi 'no such file or directory' <<<"$err" || fail "no 'no such file or directory' in: $err"
    b=$(new_bundle eacces /etc/passwd)
    err=$(rt run -b "$b" "$(new_id eacces)" 2>&1 >/dev/null) && fail "run of a non-executable file succeeded"
    grep -qi 'permission denied' <<<"$err" || fail "no 'permission denied' in: $err"
}

test_run_readonly_rootfs() {
    requires_cmd run
    local b out
    b=$(new_bundle ro sh -c 'touch /x 2>/dev/null && echo writable || echo readonly')
    cfg "$b" '.root.readonly = true'
    out=$(rt run -b "$b" "$(new_id ro)")
    assert_eq "$out" readonly
}

run_test "run returns the process's exit status" test_run_exit_status
run_test "run returns 128+N when the process dies of signal N" test_run_killed_by_signal
run_test "run passes stdout and stderr through" test_run_output
run_test "run passes stdin through" test_run_stdin
run_test "run deletes the container when the process exits" test_run_deletes_container
run_test "run --detach leaves a running container and writes --pid-file" test_run_detach
run_test "run forwards SIGTERM to the container process" test_run_forwards_signals
run_test "run applies cwd, env, hostname, user and rlimits" test_run_process_settings
run_test "the process is pid 1 of a new pid namespace" test_run_pid_namespace
run_test "run of a missing program fails and leaves nothing" test_run_missing_program
run_test "exec errors say 'no such file or directory' and 'permission denied'" test_run_exec_error_messages
run_test "root.readonly makes / read-only" test_run_readonly_rootfs
finish
