#!/bin/bash
# Hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): order, namespaces, state on stdin,
# timeout, failure handling. The expectations are the spec's: runc 1.1.5 fails three of these tests because
# it runs poststart hooks during create and stops at a failing poststop hook.
. "$(dirname "$0")/../lib.sh"

# hook_bundle NAME ARGS...: a bundle whose six hook kinds each append their name to a log that hook_log NAME
# reads. The log directory is bind-mounted at the same path inside the container, so hooks that run after
# pivot_root reach it too.
hook_bundle() {
    local name=$1 b LOGDIR LOG
    shift
    b=$(new_bundle "$name" "$@")
    LOGDIR=$IT_TMP/hooklog-$name
    LOG=$LOGDIR/log
    mkdir -p "$LOGDIR"
    : > "$LOG"
    cfg "$b" '
      def hook(n): {"path": "/bin/sh", "args": ["sh", "-c", "echo " + n + " >> " + $log]};
      .mounts += [{"destination": $dir, "type": "bind", "source": $dir, "options": ["rbind", "rw"]}]
      | .hooks = {
          "prestart":        [hook("prestart")],
          "createRuntime":   [hook("createRuntime")],
          "createContainer": [hook("createContainer")],
          "startContainer":  [hook("startContainer")],
          "poststart":       [hook("poststart")],
          "poststop":        [hook("poststop")]
        }' --arg log "$LOG" --arg dir "$LOGDIR"
    echo "$b"
}

hook_log() { tr '\n' ' ' < "$IT_TMP/hooklog-$1/log" | sed 's/ $//'; }

test_hook_order() {
    requires_cmd create start kill delete state
    local b id
    b=$(hook_bundle order sleep 60)
    id=$(new_id order)
    rt create -b "$b" "$id"
    assert_eq "$(hook_log order)" "prestart createRuntime createContainer" "hooks run by create"
    rt start "$id"
    assert_eq "$(hook_log order)" "prestart createRuntime createContainer startContainer poststart" "hooks run by start"
    rt kill "$id" KILL
    wait_status "$id" stopped
    assert_eq "$(hook_log order)" "prestart createRuntime createContainer startContainer poststart" "kill runs no hook"
    rt delete "$id"
    assert_eq "$(hook_log order)" "prestart createRuntime createContainer startContainer poststart poststop" \
        "hooks run by delete"
}

test_hook_order_run() {
    requires_cmd run
    local b
    b=$(hook_bundle run true)
    rt run -b "$b" "$(new_id run)"
    assert_eq "$(hook_log run)" "prestart createRuntime createContainer startContainer poststart poststop"
}

test_hook_namespaces() {
    requires_cmd create start delete state
    local b id host ctr LOGDIR
    b=$(new_bundle hookns sleep 60)
    LOGDIR=$IT_TMP/hookns
    mkdir -p "$LOGDIR"
    cfg "$b" '
      def hook(n): {"path": "/bin/sh", "args": ["sh", "-c", "readlink /proc/self/ns/uts > " + $dir + "/" + n]};
      .mounts += [{"destination": $dir, "type": "bind", "source": $dir, "options": ["rbind", "rw"]}]
      | .hooks = {"createRuntime": [hook("createRuntime")], "createContainer": [hook("createContainer")],
                  "startContainer": [hook("startContainer")], "poststart": [hook("poststart")]}' \
        --arg dir "$LOGDIR"
    id=$(new_id hookns)
    rt create -b "$b" "$id"
    rt start "$id"
    host=$(readlink /proc/self/ns/uts)
    ctr=$(readlink "/proc/$(state_of "$id" pid)/ns/uts")
    assert_eq "$(cat "$LOGDIR/createRuntime")" "$host" "createRuntime runs in the runtime namespace"
    assert_eq "$(cat "$LOGDIR/poststart")" "$host" "poststart runs in the runtime namespace"
    assert_eq "$(cat "$LOGDIR/createContainer")" "$ctr" "createContainer runs in the container namespace"
    assert_eq "$(cat "$LOGDIR/startContainer")" "$ctr" "startContainer runs in the container namespace"
    rt delete --force "$id"
}

test_hook_state_on_stdin() {
    requires_cmd create delete
    local b id s
    b=$(new_bundle hookstate sleep 60)
    cfg "$b" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > " + $f]}]' \
        --arg f "$IT_TMP/state.json"
    id=$(new_id hookstate)
    rt create -b "$b" "$id"
    s=$(cat "$IT_TMP/state.json")
    assert_eq "$(jq -r .id <<<"$s")" "$id" "state.id on the hook's stdin"
    assert_eq "$(jq -r .bundle <<<"$s")" "$b" "state.bundle on the hook's stdin"
    assert_eq "$(jq -r .status <<<"$s")" creating "state.status during createRuntime"
    [ "$(jq -r .pid <<<"$s")" -gt 0 ] || fail "no pid in the hook's state: $s"
    rt delete --force "$id"
}

test_hook_args_env() {
    requires_cmd run
    local b
    b=$(new_bundle hookenv true)
    cfg "$b" '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo \"$0 $1 $HOOKVAR\" > " + $f, "a0", "a1"],
                                  "env": ["HOOKVAR=hv"]}]' --arg f "$IT_TMP/hookenv"
    rt run -b "$b" "$(new_id hookenv)"
    assert_eq "$(cat "$IT_TMP/hookenv")" "a0 a1 hv" "hook args and env"
}

test_hook_timeout() {
    requires_cmd create
    local b id t0
    b=$(new_bundle hooktimeout sleep 60)
    cfg "$b" '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "20"], "timeout": 1}]'
    id=$(new_id hooktimeout)
    t0=$SECONDS
    assert_fails rt create -b "$b" "$id"
    [ $((SECONDS - t0)) -lt 10 ] || fail "create waited $((SECONDS - t0))s for a hook with a 1 s timeout"
}

test_failing_poststop_is_a_warning() {
    requires_cmd create delete state
    local b id
    b=$(new_bundle poststopfail sleep 60)
    cfg "$b" '.hooks.poststop = [{"path": "/bin/false"}, {"path": "/bin/sh", "args": ["sh", "-c", "touch " + $f]}]' \
        --arg f "$IT_TMP/second-poststop"
    id=$(new_id poststopfail)
    rt create -b "$b" "$id"
    rt delete --force "$id"
    assert_fails rt state "$id"
    assert_file "$IT_TMP/second-poststop"
}

test_failing_create_runtime() {
    requires_cmd create
    local b id
    b=$(new_bundle crfail sleep 60)
    cfg "$b" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
    id=$(new_id crfail)
    assert_fails rt create -b "$b" "$id"
    [ ! -e "$IT_ROOT/$id" ] || fail "state left after a failing createRuntime hook"
}

run_test "hooks run in lifecycle order across create, start, kill, delete" test_hook_order
run_test "run invokes all six hook kinds in order" test_hook_order_run
run_test "hooks run in the runtime or the container namespace as the spec says" test_hook_namespaces
run_test "hooks get the state on stdin" test_hook_state_on_stdin
run_test "hooks get their args (argv[0] included) and env" test_hook_args_env
run_test "a hook that exceeds its timeout fails create" test_hook_timeout
run_test "a failing poststop hook is a warning: delete succeeds, later hooks run" test_failing_poststop_is_a_warning
run_test "a failing createRuntime hook fails create and leaves nothing" test_failing_create_runtime
finish
