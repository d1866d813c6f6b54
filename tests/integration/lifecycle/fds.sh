#!/bin/bash
# File descriptors: --preserve-fds passes fds 3.. on, nothing else of the runtime's reaches the container,
# and a socket-activated caller's LISTEN_FDS are handed over with LISTEN_PID set to the container process.
. "$(dirname "$0")/../lib.sh"

test_preserve_fds_passes_fd3() {
    requires_cmd run
    local b out
    echo passed-through > "$IT_TMP/fd3"
    b=$(new_bundle pfd sh -c 'cat <&3')
    out=$(rt run --preserve-fds 1 -b "$b" "$(new_id pfd)" 3<"$IT_TMP/fd3")
    assert_eq "$out" passed-through "fd 3 content"
}

test_other_fds_do_not_leak() {
    requires_cmd run
    local b out
    echo secret > "$IT_TMP/fd5"
    # fd 5 is open in the caller but not preserved: the container must not see it.
    b=$(new_bundle leak sh -c 'if [ -e /proc/$$/fd/5 ]; then echo leaked; else echo clean; fi')
    out=$(rt run -b "$b" "$(new_id leak)" 5<"$IT_TMP/fd5")
    assert_eq "$out" clean "fd 5 in the container"
}

test_listen_fds() {
    requires_cmd run
    local b out
    echo socket-stand-in > "$IT_TMP/listen"
    b=$(new_bundle listen sh -c 'echo "$LISTEN_FDS $LISTEN_PID $(cat <&3)"')
    out=$(LISTEN_FDS=1 rt run --preserve-fds 1 -b "$b" "$(new_id listen)" 3<"$IT_TMP/listen")
    assert_eq "$out" "1 1 socket-stand-in" "LISTEN_FDS LISTEN_PID fd3"
}

test_exec_preserve_fds() {
    requires_cmd run exec
    local b id out
    b=$(new_bundle xpfd sleep 1000)
    id=$(new_id xpfd)
    rt run -d -b "$b" "$id" < /dev/null
    echo exec-fd3 > "$IT_TMP/xfd3"
    echo exec-fd4 > "$IT_TMP/xfd4"
    echo not-preserved > "$IT_TMP/xfd5"
    out=$(rt exec --preserve-fds 2 "$id" sh -c 'cat <&3; cat <&4; [ -e /proc/self/fd/5 ] && echo fd5-leaked || echo fd5-closed' \
          3<"$IT_TMP/xfd3" 4<"$IT_TMP/xfd4" 5<"$IT_TMP/xfd5")
    assert_eq "$(echo $out)" "exec-fd3 exec-fd4 fd5-closed" "fds 3 and 4 passed, 5 not"
}

run_test "--preserve-fds 1 passes fd 3 to the container process" test_preserve_fds_passes_fd3
run_test "an fd the caller did not preserve does not reach the container" test_other_fds_do_not_leak
run_test "LISTEN_FDS: the fds are passed with LISTEN_FDS and LISTEN_PID (1 in a pid namespace)" test_listen_fds
run_test "exec --preserve-fds 2 passes fds 3 and 4 to the exec'd process, nothing else" test_exec_preserve_fds
finish
