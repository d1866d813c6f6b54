#!/bin/bash
# checkpoint and restore where they must fail: one clear error line, and the container left as it was. The
# real checkpoint and restore run in a guest with a kernel criu supports (tests/checkpoint/criu-vm.sh).
. "$(dirname "$0")/../lib.sh"

# one_error_line CMD...: CMD fails and says why on exactly one line of stderr; prints it.
one_error_line() {
    local rc=0
    "$@" > "$IT_TMP/out" 2> "$IT_TMP/err" || rc=$?
    [ "$rc" != 0 ] || fail "'$*' succeeded"
    assert_eq "$(grep -c . "$IT_TMP/err")" 1 "stderr of '$*': $(cat "$IT_TMP/err")"
    cat "$IT_TMP/err"
}

# A running container whose process counts into /count (replaced whole, so a reader never sees it empty);
# prints its id.
counter() {
    local b id
    b=$(new_bundle "$1" sh -c 'i=0; while true; do i=$((i+1)); echo $i > /count.new; mv /count.new /count; sleep 0.1; done')
    id=$(new_id "$1")
    rt run -d -b "$b" "$id" < /dev/null > /dev/null 2>&1
    wait_status "$id" running
    echo "$id"
}

# The container is running, with the same pid, and its process still counts.
still_counting() {
    local id=$1 pid=$2 rootfs=$IT_TMP/bundles/$3/rootfs n
    assert_eq "$(state_of "$id" status)" running "status after the failed checkpoint"
    assert_eq "$(state_of "$id" pid)" "$pid" "pid after the failed checkpoint"
    n=$(cat "$rootfs/count")
    sleep 0.5
    [ "$(cat "$rootfs/count")" -gt "$n" ] || fail "the counter stopped at $n"
}

test_checkpoint_missing() {
    requires_cmd checkpoint
    local err
    err=$(one_error_line rt checkpoint --image-path "$IT_TMP/img" "$(new_id missing)")
    assert_contains "$err" "does not exist"
    [ ! -e "$IT_TMP/img" ] || fail "an image directory was made for a container that does not exist"
}

test_checkpoint_criu_fails() {
    requires_cmd checkpoint
    local id pid err fake=$IT_TMP/fake-criu
    # A criu that fails the way criu does: an error in its log (-o, in the directory of -D), exit status 1.
    cat > "$fake" <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in --images-dir) d=$2 ;; --log-file) l=$2 ;; esac; shift; done
echo "(00.000001) Error (criu/cr-dump.c:1): simulated failure" > "$d/$l"
exit 1
SH
    chmod +x "$fake"
    id=$(counter fakecriu)
    pid=$(state_of "$id" pid)
    err=$(one_error_line rt --criu "$fake" checkpoint --image-path "$IT_TMP/img" "$id")
    assert_contains "$err" "criu dump failed (exit status 1): simulated failure (log: $IT_TMP/img/dump.log)"
    still_counting "$id" "$pid" fakecriu
}

test_checkpoint_real_criu_fails() {
    requires_cmd checkpoint
    command -v criu > /dev/null || skip "criu is not installed"
    local id pid err
    id=$(counter realcriu)
    pid=$(state_of "$id" pid)
    if ! err=$(one_error_line rt checkpoint --image-path "$IT_TMP/img" "$id"); then
        fail "$err"
    fi
    # Here criu 3.17 cannot dump (this kernel's vDSO, or the host /dev/null the container's stdin is).
    assert_contains "$err" "criu dump failed"
    still_counting "$id" "$pid" realcriu
}

test_checkpoint_criu_missing() {
    requires_cmd checkpoint
    local id pid err
    id=$(counter nocriu)
    pid=$(state_of "$id" pid)
    err=$(one_error_line rt --criu "$IT_TMP/no-such-criu" checkpoint --image-path "$IT_TMP/img" "$id")
    assert_contains "$err" "no-such-criu not found"
    still_counting "$id" "$pid" nocriu
}

test_checkpoint_bad_flags() {
    requires_cmd checkpoint
    local id pid err
    id=$(counter badflags)
    pid=$(state_of "$id" pid)
    err=$(one_error_line rt checkpoint --lazy-pages --image-path "$IT_TMP/img" "$id")
    assert_contains "$err" "--lazy-pages is not supported"
    err=$(one_error_line rt checkpoint --manage-cgroups-mode bogus --image-path "$IT_TMP/img" "$id")
    assert_contains "$err" "--manage-cgroups-mode"
    still_counting "$id" "$pid" badflags
}

test_restore_criu_missing() {
    requires_cmd restore
    local b id err
    b=$(new_bundle rstmissing sleep 60)
    id=$(new_id rstmissing)
    cfg "$b" '.linux.cgroupsPath = "/ocirt-test/" + $id' --arg id "$id"
    mkdir -p "$IT_TMP/img"
    echo '["/dev/null","pipe:[1]","pipe:[1]"]' > "$IT_TMP/img/descriptors.json"
    err=$(one_error_line rt --criu "$IT_TMP/no-such-criu" restore -d -b "$b" --image-path "$IT_TMP/img" "$id")
    assert_contains "$err" "not found"
    assert_fails rt state "$id"
}

# images_with_terminal DIR: what checkpoint records of an init whose stdio was a pty slave (no criu images).
images_with_terminal() {
    mkdir -p "$1"
    echo '["/dev/pts/0","/dev/pts/0","/dev/pts/0"]' > "$1/descriptors.json"
    echo '["tty[8800:26]","tty[8800:26]","tty[8800:26]"]' > "$1/ocirt-external-stdio.json"
}

test_restore_terminal_refused() {
    requires_cmd restore
    local b id err
    b=$(new_bundle rsttty sleep 60)
    id=$(new_id rsttty)
    images_with_terminal "$IT_TMP/timg"
    cfg "$b" '.linux.cgroupsPath = "/ocirt-test/" + $id | .process.terminal = true' --arg id "$id"
    # Detached, the new terminal's master has nowhere to go (runc refuses this too).
    err=$(one_error_line rt restore -d -b "$b" --image-path "$IT_TMP/timg" "$id")
    assert_contains "$err" "needs --console-socket"
    # A socket nobody listens on.
    err=$(one_error_line rt restore -d --console-socket "$IT_TMP/no-such.sock" -b "$b" --image-path "$IT_TMP/timg" "$id")
    assert_contains "$err" "--console-socket"
    # A config whose process.terminal does not match the checkpoint, either way.
    cfg "$b" '.process.terminal = false'
    err=$(one_error_line rt restore -d -b "$b" --image-path "$IT_TMP/timg" "$id")
    assert_contains "$err" "process.terminal is false"
    cfg "$b" '.process.terminal = true'
    echo '["","",""]' > "$IT_TMP/timg/ocirt-external-stdio.json"
    err=$(one_error_line rt restore -d --console-socket "$IT_TMP/no-such.sock" -b "$b" --image-path "$IT_TMP/timg" "$id")
    assert_contains "$err" "recorded no terminal"
    assert_fails rt state "$id"
}

test_delete_force_gone() {
    requires_cmd delete
    # What Podman does after a checkpoint, which removed the container (runc's behaviour).
    rt delete --force "$(new_id gone)"
    assert_fails rt delete "$(new_id gone)"
}

run_test "delete --force of a container that is gone succeeds (Podman's cleanup after a checkpoint)" test_delete_force_gone
run_test "checkpoint of a container that does not exist: one error line, no image directory" test_checkpoint_missing
run_test "checkpoint when criu fails: its log's reason on one line, the container running and unchanged" test_checkpoint_criu_fails
run_test "checkpoint with this host's criu, which fails here: one line, the container unchanged" test_checkpoint_real_criu_fails
run_test "checkpoint without a criu binary: one line naming it, the container unchanged" test_checkpoint_criu_missing
run_test "checkpoint flags criu cannot take: one line naming the flag, the container unchanged" test_checkpoint_bad_flags
run_test "restore without a criu binary: one line, no state or cgroup left" test_restore_criu_missing
run_test "restore of a terminal: -d without --console-socket, a dead socket, process.terminal not as checkpointed: one line each, nothing left" test_restore_terminal_refused
finish
