#!/bin/bash
# CVE-2024-21626: a config (or `exec --cwd`) that sets the working directory to /proc/self/fd/N would land
# outside the container if the runtime leaked a directory fd N into it. For every low N, create and exec
# either refuse clearly or start inside the container; never with a working directory outside it. The same
# for the executable's path: /proc/self/fd/N/... (directly or through $PATH) is never followed.
. "$(dirname "$0")/../lib.sh"

check_cwd_output() { # OUT RC N
    if [ "$2" = 0 ]; then
        assert_eq "$1" "/" "working directory for /proc/self/fd/$3 (the only way in is inside the container)"
    else
        assert_contains "$1" "process.cwd" "the error for /proc/self/fd/$3 names the field"
    fi
}

test_cwd_through_fd_create() {
    requires_cmd run
    local b out rc n
    for n in 3 4 5 6 7 8 9 10; do
        b=$(new_bundle "cwd$n" sh -c 'cd -P . && pwd')
        cfg "$b" '.process.cwd = $c' --arg c "/proc/self/fd/$n"
        rc=0; out=$(rt run -b "$b" "$(new_id "cwd$n")" 2>&1) || rc=$?
        check_cwd_output "$out" "$rc" "$n"
    done
}

test_cwd_through_fd_exec() {
    requires_cmd run exec
    local b id out rc n
    b=$(new_bundle xcwd sleep 1000)
    id=$(new_id xcwd)
    rt run -d -b "$b" "$id" < /dev/null
    for n in 3 4 5 6 7 8 9 10; do
        rc=0; out=$(rt exec --cwd "/proc/self/fd/$n" "$id" sh -c 'cd -P . && pwd' 2>&1) || rc=$?
        check_cwd_output "$out" "$rc" "$n"
    done
}

test_exe_through_fd() {
    requires_cmd run exec
    local b id out rc n
    b=$(new_bundle xexe sleep 1000)
    id=$(new_id xexe)
    rt run -d -b "$b" "$id" < /dev/null
    for n in 3 4 5 6 7 8 9 10; do
        rc=0; out=$(rt exec --cap CAP_SYS_PTRACE "$id" "/proc/self/fd/$n/1/root/usr/bin/uname" -n 2>&1) || rc=$?
        assert_ne "$rc" 0 "exec of /proc/self/fd/$n/1/root/usr/bin/uname"
        assert_not_contains "$out" "$(uname -n)" "the host's uname ran"
        rc=0; out=$(rt exec --cap CAP_SYS_PTRACE -e "PATH=/proc/self/fd/$n/1/root/usr/bin" "$id" uname -n 2>&1) || rc=$?
        assert_ne "$rc" 0 "exec of uname with PATH=/proc/self/fd/$n/1/root/usr/bin"
    done
}

run_test "create: process.cwd /proc/self/fd/N never starts outside the container" test_cwd_through_fd_create
run_test "exec --cwd /proc/self/fd/N never starts outside the container" test_cwd_through_fd_exec
run_test "an executable path through /proc/self/fd/N (or such a \$PATH) is never followed" test_exe_through_fd
finish
