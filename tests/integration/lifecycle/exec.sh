#!/bin/bash
# `exec` into a running container: output, exit status, --process, --env, --cwd, --user, --detach,
# --pid-file, and that it joins the container's namespaces.
. "$(dirname "$0")/../lib.sh"

# start_sleeper NAME: a running container whose process sleeps; prints its id.
start_sleeper() {
    local b id
    b=$(new_bundle "$1" sleep 60)
    cfg "$b" '.hostname = "exec-host"'
    id=$(new_id "$1")
    rt run -d -b "$b" "$id" > /dev/null
    echo "$id"
}

test_exec_output_and_status() {
    requires_cmd run exec
    local id out
    id=$(start_sleeper out)
    out=$(rt exec "$id" echo hello)
    assert_eq "$out" hello
    assert_status 3 rt exec "$id" sh -c 'exit 3'
    out=$(echo piped | rt exec "$id" cat)
    assert_eq "$out" piped "stdin reaches the exec'd process"
}

test_exec_joins_namespaces() {
    requires_cmd run exec
    local id out
    id=$(start_sleeper ns)
    out=$(rt exec "$id" hostname)
    assert_eq "$out" exec-host "uts namespace"
    out=$(rt exec "$id" cat /proc/1/cmdline | tr '\0' ' ')
    assert_eq "$out" "sleep 60 " "pid namespace: pid 1 is the container's process"
    out=$(rt exec "$id" sh -c 'ls /bin/busybox')
    assert_eq "$out" /bin/busybox "mount namespace: the container's rootfs"
    local host_net ctr_net
    host_net=$(readlink /proc/self/ns/net)
    ctr_net=$(rt exec "$id" readlink /proc/self/ns/net)
    assert_ne "$ctr_net" "$host_net" "network namespace"
    assert_eq "$ctr_net" "$(readlink "/proc/$(state_of "$id" pid)/ns/net")" "same network namespace as init"
}

test_exec_options() {
    requires_cmd run exec
    local id out
    id=$(start_sleeper opts)
    out=$(rt exec --env FOO=bar "$id" sh -c 'echo $FOO')
    assert_eq "$out" bar "--env"
    out=$(rt exec --cwd /tmp "$id" pwd)
    assert_eq "$out" /tmp "--cwd"
    out=$(rt exec --user 65534:65534 "$id" id -u)
    assert_eq "$out" 65534 "--user"
}

test_exec_process_file() {
    requires_cmd run exec
    local id out
    id=$(start_sleeper procfile)
    cat > "$IT_TMP/process.json" <<'JSON'
{
  "terminal": false,
  "user": { "uid": 0, "gid": 0 },
  "args": [ "sh", "-c", "echo from-process-json $X; pwd" ],
  "env": [ "PATH=/bin", "X=y" ],
  "cwd": "/etc"
}
JSON
    out=$(rt exec --process "$IT_TMP/process.json" "$id")
    assert_eq "$out" "from-process-json y
/etc"
}

test_exec_detach_pid_file() {
    requires_cmd run exec
    local id pid
    id=$(start_sleeper detach)
    rt exec --detach --pid-file "$IT_TMP/exec.pid" "$id" sh -c 'echo done > /tmp/exec-done; sleep 60'
    assert_file "$IT_TMP/exec.pid"
    pid=$(cat "$IT_TMP/exec.pid")
    kill -0 "$pid" || fail "exec'd process $pid is not running"
    wait_file "$IT_TMP/bundles/detach/rootfs/tmp/exec-done"
}

test_exec_stopped_fails() {
    requires_cmd create start exec state
    local b id
    b=$(new_bundle stopped true)
    id=$(new_id stopped)
    rt create -b "$b" "$id"
    rt start "$id"
    wait_status "$id" stopped
    assert_fails rt exec "$id" true
    assert_fails rt exec "$(new_id no-such-container)" true
}

test_exec_missing_program() {
    requires_cmd run exec state
    local id
    id=$(start_sleeper noprog)
    assert_fails rt exec "$id" /no/such/program
    assert_eq "$(state_of "$id" status)" running "the container survives a failed exec"
}

run_test "exec prints output, returns the exit status, passes stdin" test_exec_output_and_status
run_test "exec joins the container's uts, pid, mount and network namespaces" test_exec_joins_namespaces
run_test "exec --env, --cwd, --user" test_exec_options
run_test "exec --process FILE" test_exec_process_file
run_test "exec --detach --pid-file" test_exec_detach_pid_file
run_test "exec into a stopped or unknown container fails" test_exec_stopped_fails
run_test "exec of a missing program fails, the container keeps running" test_exec_missing_program
finish
