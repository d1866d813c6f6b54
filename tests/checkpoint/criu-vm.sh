#!/bin/bash
# criu-vm.sh: ocirt checkpoint and restore with the real criu, in one ../shared/tools/cgroup2-vm guest
# (Debian's criu 3.17 cannot dump on this host's newer kernel; the guest boots the 6.1 kernel). A counter
# container (busybox sh printing 1, 2, 3... to a pipe, the host's /dev/null on stdin and stderr) is
# checkpointed, restored and must go on counting from where it stopped; --leave-running leaves it running; the
# restored container answers state, kill and delete; images restore into a fresh copy of the rootfs that lacks
# the bind mounts' destinations. A container with a terminal (its pty master held by a console-socket receiver,
# as conmon holds it) is checkpointed and restored with a new pty whose master goes to a second receiver: it
# goes on counting the lines typed into the new master, with the new pty as its controlling terminal, and a
# foreground restore relays the new terminal to its own stdio. The same terminal container in a user namespace
# of its own is checkpointed and restored with a console socket: input still counted, and its devpts owned and
# mounted as create made it. Podman then checkpoints and restores its own containers through ocirt
# (podman-guest.sh, in the same boot).
# The host runs the guest once and ends with `N passed, M failed, K skipped`; each case prints `ok - NAME`,
# `not ok - NAME` or `ok - NAME # SKIP why`, and the time each checkpoint and restore took as `# ...` lines.
#
# Environment: OCIRT_BIN (default BUILD_DIR/src/ocirt, BUILD_DIR default build), CGROUP2_VM (the tool).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/lib/guest.sh"
script=$repo/tests/checkpoint/criu-vm.sh

# ----------------------------------------------------------------------------------------------- host side
host_main() {
    local why=""
    command -v criu >/dev/null || why="criu is not installed (apt-get install criu)"
    [ -x "$CGROUP2_VM" ] && [ "$EUID" = 0 ] && [ -x "$OCIRT_BIN" ] || why="needs root, $CGROUP2_VM and $OCIRT_BIN"
    if [ -n "$why" ]; then
        echo "ok - checkpoint/restore in a guest # SKIP $why"
        echo "0 passed, 0 failed, 1 skipped"
        return 0
    fi
    cd "$repo" || return 1
    guest_run criu --timeout 900 -- env OCIRT_BIN="$OCIRT_BIN" bash "$script" --inside
    guest_summary
}

# ---------------------------------------------------------------------------------------------- guest side
T=/tmp/ocirt-criu
CG=/sys/fs/cgroup/ocirt-criu
rt() { timeout -k 5 120 "$OCIRT_BIN" --root "$T/state" "$@"; }
# rt with its errors in a log, for runs whose stdio is the container's; `|| show_log` after the redirections.
rt_logged() { rm -f "$T/ocirt.log"; rt --log "$T/ocirt.log" "$@"; }
show_log() { cat "$T/ocirt.log"; echo; return 1; }
state_of() { rt state "$1" | jq -r .status; }
last() { tail -n 1 "$T/ctr.out"; }
ms() { date +%s%3N; }

# The container's stdout is a pipe, as under containerd or conmon, and its stdin and stderr the host's
# /dev/null: checkpoint records them (a pipe, and an external file criu cannot reopen in the container) and
# restore hands criu ours of the same numbers in their place. The reader (cat) writes to the log and keeps
# no copy of the test's own stdout, so check() does not wait for it.
to_log() { exec cat >>"$T/ctr.out" 2>/dev/null; }

make_bundle() {
    local b=$T/ctr
    mkdir -p "$b"
    "$repo/scripts/make-rootfs.sh" "$T/rootfs" >/dev/null
    ln -sfn "$T/rootfs" "$b/rootfs"
    (cd "$b" && "$OCIRT_BIN" spec)
    # Binds of a directory and of a file whose destinations the image lacks: create makes them in the rootfs.
    mkdir -p "$T/vol"
    echo from-host >"$T/hostfile"
    jq --arg vol "$T/vol" --arg file "$T/hostfile" '.process.terminal=false | .root.readonly=false
        | .linux.cgroupsPath="/ocirt-criu/ctr"
        | .mounts += [{destination: "/data/vol", type: "bind", source: $vol, options: ["rbind"]},
                      {destination: "/etc/ocirt-file", type: "bind", source: $file, options: ["bind", "ro"]}]
        | .process.args=["sh","-c","i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done"]' \
        "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
    # The same bundle over a copy of the image made before create added the mount points: a rootfs made
    # afresh for a restore, as Podman's restore --import does.
    mkdir -p "$T/fresh"
    cp -a "$T/rootfs" "$T/rootfs-fresh"
    ln -sfn "$T/rootfs-fresh" "$T/fresh/rootfs"
    # With hooks that record their state (restore runs prestart and createRuntime when criu has made the
    # namespaces, poststart once the container runs), and a copy whose prestart hook fails.
    jq --arg t "$T" '.linux.cgroupsPath="/ocirt-criu/fresh"
        | .hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "cat >\($t)/hook-prestart.json"]}],
                    createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "cat >\($t)/hook-createRuntime.json"]}],
                    poststart: [{path: "/bin/sh", args: ["sh", "-c", "cat >\($t)/hook-poststart.json"]}]}' \
        "$b/config.json" >"$T/fresh/config.json"
    mkdir -p "$T/hookfail"
    ln -sfn "$T/rootfs-fresh" "$T/hookfail/rootfs"
    jq '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "echo no network for you >&2; exit 3"]}]' \
        "$T/fresh/config.json" >"$T/hookfail/config.json"
    # A terminal container that counts the lines typed at it and names its terminal; it stops at "exit".
    mkdir -p "$T/tty"
    ln -sfn "$T/rootfs" "$T/tty/rootfs"
    jq '.process.terminal=true | .linux.cgroupsPath="/ocirt-criu/tty"
        | .process.args=["sh","-c","i=0; while read -r l; do [ \"$l\" = exit ] && exit 7; i=$((i+1)); echo \"n=$i l=$l tty=$(tty)\"; done"]' \
        "$b/config.json" >"$T/tty/config.json"
    # The terminal container in a user namespace of its own (ids 0-65535 are 100000-165535 outside), on a copy
    # of the image owned by its root (-h: the applets' links to /bin/busybox point outside the copy).
    mkdir -p "$T/ttyns"
    cp -a "$T/rootfs" "$T/rootfs-ns"
    chown -R -h 100000:100000 "$T/rootfs-ns"
    ln -sfn "$T/rootfs-ns" "$T/ttyns/rootfs"
    jq '.linux.cgroupsPath="/ocirt-criu/ttyns" | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = .linux.uidMappings' \
        "$T/tty/config.json" >"$T/ttyns/config.json"
    mkdir -p "$T/postfail"
    ln -sfn "$T/rootfs-fresh" "$T/postfail/rootfs"
    jq '.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "exit 4"]}]' \
        "$T/fresh/config.json" >"$T/postfail/config.json"
}

# Waits until the counter has printed past $1 (at most ~10 s).
wait_past() {
    local n
    for n in $(seq 50); do
        [ "$(last 2>/dev/null || echo 0)" -gt "$1" ] 2>/dev/null && return 0
        sleep 0.2
    done
    echo "the counter did not get past $1 (log ends with '$(last)')"
    return 1
}

t_criu_check() { criu check; }

t_run() {
    rt_logged run -d -b "$T/ctr" ctr </dev/null > >(to_log) 2>/dev/null || show_log
    wait_past 3
    [ "$(state_of ctr)" = running ]
    # A limit changed after create: the restored container must keep it, not go back to the bundle's.
    rt update --pids-limit 50 ctr
    [ "$(cat "$CG/ctr/pids.max")" = 50 ]
}

t_checkpoint() {
    local t0 n
    t0=$(ms)
    rt checkpoint --image-path "$T/img1" ctr
    echo "# checkpoint (stopping): $(($(ms) - t0)) ms" >&3
    n=$(last)
    echo "$n" >"$T/at-checkpoint"
    # runc's behaviour: the checkpointed container is gone, with its cgroup.
    if out=$(rt state ctr 2>&1); then echo "state still answers: $out"; return 1; fi
    grep -q 'does not exist' <<<"$out"
    [ ! -e "$CG/ctr" ]
    sleep 1
    [ "$(last)" = "$n" ] || { echo "the counter went on after the checkpoint: $n -> $(last)"; return 1; }
    [ -s "$T/img1/descriptors.json" ] && [ -s "$T/img1/dump.log" ]
    # stdin and stderr were the host's /dev/null, recorded by their criu key; stdout was a pipe.
    jq -e '.[0] == "/dev/null" and (.[1] | startswith("pipe:"))' "$T/img1/descriptors.json" >/dev/null
    jq -e '(.[0] | startswith("file[")) and .[1] == "" and .[2] == .[0]' "$T/img1/ocirt-external-stdio.json" >/dev/null
}

t_restore() {
    local t0 n pid
    n=$(cat "$T/at-checkpoint")
    t0=$(ms)
    rt_logged restore -d --image-path "$T/img1" -b "$T/ctr" --pid-file "$T/ctr.pid" ctr </dev/null > >(to_log) 2>/dev/null || show_log
    echo "# restore: $(($(ms) - t0)) ms" >&3
    wait_past "$((n + 2))"
    # The first number printed after the restore follows the last one before it: no restart from 1.
    awk -v n="$n" 'seen { if ($0 != n + 1) { print "after " n " came " $0; exit 1 } exit 0 } $0 == n { seen = 1 }' "$T/ctr.out"
    [ "$(grep -cx 1 "$T/ctr.out")" = 1 ] || { echo "the counter started again from 1"; return 1; }
    [ "$(state_of ctr)" = running ]
    pid=$(rt state ctr | jq .pid)
    [ "$pid" = "$(cat "$T/ctr.pid")" ]
    grep -qx "$pid" "$CG/ctr/cgroup.procs" || { echo "pid $pid not in $CG/ctr: $(cat "$CG/ctr/cgroup.procs")"; return 1; }
    [ "$(rt ps --format json ctr | jq length)" -ge 1 ]
    [ "$(cat "$CG/ctr/pids.max")" = 50 ] || { echo "pids.max after restore: $(cat "$CG/ctr/pids.max")"; return 1; }
    # The restored init's stdin and stderr are this restore's /dev/null, its stdout the new pipe.
    [ "$(readlink "/proc/$pid/fd/0")" = /dev/null ] && [ "$(readlink "/proc/$pid/fd/2")" = /dev/null ]
    [ "$(stat -L -c %t:%T "/proc/$pid/fd/0")" = 1:3 ]
    case $(readlink "/proc/$pid/fd/1") in pipe:*) ;; *) echo "fd 1: $(readlink "/proc/$pid/fd/1")"; return 1 ;; esac
}

t_leave_running() {
    local t0 n
    t0=$(ms)
    rt checkpoint --leave-running --image-path "$T/img2" ctr
    echo "# checkpoint --leave-running: $(($(ms) - t0)) ms" >&3
    n=$(last)
    [ "$(state_of ctr)" = running ]
    wait_past "$((n + 2))"
    [ -s "$T/img2/inventory.img" ]
}

t_kill_delete() {
    rt kill ctr KILL
    for _ in $(seq 50); do [ "$(state_of ctr)" = stopped ] && break; sleep 0.1; done
    [ "$(state_of ctr)" = stopped ]
    rt delete ctr
    [ ! -e "$T/state/ctr" ] && [ ! -e "$CG/ctr" ]
}

t_restore_fresh() {
    local pid
    # The images of a --leave-running checkpoint restore as a second container, into the fresh rootfs.
    [ ! -e "$T/rootfs-fresh/data" ] || { echo "the fresh rootfs has /data"; return 1; }
    rt_logged restore -d --image-path "$T/img2" -b "$T/fresh" ctr2 </dev/null > >(to_log) 2>/dev/null || show_log
    [ "$(state_of ctr2)" = running ] || { echo "ctr2 is $(state_of ctr2)"; return 1; }
    [ -d "$T/rootfs-fresh/data/vol" ] || { echo "no /data/vol in the fresh rootfs"; return 1; }
    [ -f "$T/rootfs-fresh/etc/ocirt-file" ] || { echo "no /etc/ocirt-file in the fresh rootfs"; return 1; }
    pid=$(rt state ctr2 | jq .pid)
    [ "$(cat "/proc/$pid/root/etc/ocirt-file")" = from-host ] || { echo "/etc/ocirt-file: '$(cat "/proc/$pid/root/etc/ocirt-file")'"; return 1; }
    [ "$(stat -c %d:%i "/proc/$pid/root/data/vol")" = "$(stat -c %d:%i "$T/vol")" ] || { echo "/data/vol is not $T/vol"; return 1; }
    local h
    for h in prestart createRuntime; do
        jq -e --argjson pid "$pid" '.status == "creating" and .pid == $pid and .id == "ctr2"' "$T/hook-$h.json" >/dev/null ||
            { echo "$h hook's state: $(cat "$T/hook-$h.json")"; return 1; }
    done
    jq -e --argjson pid "$pid" '.status == "running" and .pid == $pid' "$T/hook-poststart.json" >/dev/null ||
        { echo "poststart hook's state: $(cat "$T/hook-poststart.json")"; return 1; }
    if out=$(: | rt restore -d --image-path "$T/img2" -b "$T/fresh" ctr2 2>&1); then echo "a second restore as ctr2 succeeded"; return 1; fi
    grep -q 'already exists' <<<"$out" || { echo "second restore as ctr2: $out"; return 1; }
    rt delete --force ctr2
    [ ! -e "$T/state/ctr2" ] || { echo "delete --force left $(ls "$T/state/ctr2")"; return 1; }
}

t_bad_images() {
    mkdir -p "$T/empty"
    echo '[]' >"$T/empty/descriptors.json"
    if out=$(: | rt restore -d --image-path "$T/empty" -b "$T/ctr" bad 2>&1); then echo "restore succeeded"; return 1; fi
    echo "$out"
    grep -q 'criu restore failed' <<<"$out" && [ "$(grep -c . <<<"$out")" = 1 ]
    [ ! -e "$T/state/bad" ] && [ ! -e "$CG/ctr" ]
}

t_hook_fails() {
    if out=$(: | rt restore -d --image-path "$T/img2" -b "$T/hookfail" hookfail 2>&1); then echo "restore succeeded"; return 1; fi
    echo "$out"
    grep -q 'prestart hook' <<<"$out" && [ "$(grep -c . <<<"$out")" = 1 ]
    [ ! -e "$T/state/hookfail" ] && [ ! -e "$CG/fresh" ]
}

t_poststart_fails() {
    # stdio as the image's was (restore hands criu its own): a pipe for stdout, /dev/null for the others.
    if rt_logged restore -d --image-path "$T/img2" -b "$T/postfail" postfail </dev/null > >(to_log) 2>/dev/null; then
        echo "restore succeeded"; return 1
    fi
    cat "$T/ocirt.log"; echo
    grep -q 'poststart hook /bin/sh: exit status 4' "$T/ocirt.log"
    [ "$(state_of postfail)" = stopped ] || { echo "postfail is $(state_of postfail)"; return 1; }
    rt delete postfail
    [ ! -e "$T/state/postfail" ] && [ ! -e "$CG/fresh" ]
}

# ---------------------------------------------------------------------------- terminal (console socket)
# receiver NAME: starts tests/checkpoint/console-receiver.py on $T/NAME/sock (output in $T/NAME/out, input
# through the fifo $T/NAME/in) and waits until it listens. Its stdio is not the test's, so check() does not
# wait for it; cleanup kills it.
receiver() {
    local d=$T/$1
    mkdir -p "$d"
    python3 "$repo/tests/checkpoint/console-receiver.py" "$d/sock" "$d" </dev/null >"$d/log" 2>&1 &
    echo $! >"$d/pid"
    for _ in $(seq 50); do [ -S "$d/sock" ] && return 0; sleep 0.1; done
    echo "receiver $1 did not start: $(cat "$d/log")"
    return 1
}

# wait_line FILE TEXT: waits until FILE has a line containing TEXT (at most ~10 s).
wait_line() {
    for _ in $(seq 50); do grep -qF "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
    echo "no '$2' in $1:"; cat -A "$1"
    return 1
}

t_tty_run() {
    local pid
    receiver tty1
    rt_logged run -d --console-socket "$T/tty1/sock" -b "$T/tty" tty </dev/null >/dev/null 2>&1 || show_log
    printf 'a\nb\n' >"$T/tty1/in"
    wait_line "$T/tty1/out" "n=2 l=b tty=/dev/pts/0"
    pid=$(rt state tty | jq .pid)
    stat -L -c %d "/proc/$pid/fd/0" >"$T/tty-devpts-before"
}

t_tty_checkpoint() {
    local t0
    t0=$(ms)
    rt checkpoint --image-path "$T/timg" tty
    echo "# checkpoint with a terminal: $(($(ms) - t0)) ms" >&3
    if out=$(rt state tty 2>&1); then echo "state still answers: $out"; return 1; fi
    # The slave was recorded by its criu key on the three stdio fds.
    jq -e '(.[0] | startswith("tty[")) and .[1] == .[0] and .[2] == .[0]' "$T/timg/ocirt-external-stdio.json" >/dev/null
    # The first receiver's master hung up with the container gone.
    for _ in $(seq 50); do kill -0 "$(cat "$T/tty1/pid")" 2>/dev/null || return 0; sleep 0.1; done
    echo "the first receiver still runs"; return 1
}

t_tty_needs_socket() {
    if out=$(rt restore -d --image-path "$T/timg" -b "$T/tty" tty 2>&1 </dev/null); then echo "restore succeeded"; return 1; fi
    echo "$out"
    grep -q 'needs --console-socket' <<<"$out" && [ "$(grep -c . <<<"$out")" = 1 ]
    [ ! -e "$T/state/tty" ] && [ ! -e "$CG/tty" ]
}

t_tty_restore() {
    local t0 pid ptn stat
    receiver tty2
    t0=$(ms)
    rt_logged restore -d --console-socket "$T/tty2/sock" --image-path "$T/timg" -b "$T/tty" tty </dev/null >/dev/null 2>&1 || show_log
    echo "# restore with a terminal: $(($(ms) - t0)) ms" >&3
    [ "$(state_of tty)" = running ]
    printf 'c\n' >"$T/tty2/in"
    # Counting on from 2, on the new pty: /dev/pts/N of the devpts instance restore mounted.
    ptn=$(cat "$T/tty2/ptn")
    wait_line "$T/tty2/out" "n=3 l=c tty=/dev/pts/$ptn"
    pid=$(rt state tty | jq .pid)
    # /proc/PID/stat: session, tty_nr (the controlling terminal, 136:N encoded) and its foreground group.
    read -r -a stat <"/proc/$pid/stat"
    [ "${stat[5]}" = "$pid" ] || { echo "session ${stat[5]}, not $pid"; return 1; }
    [ "${stat[6]}" = $((136 * 256 + ptn)) ] || { echo "tty_nr ${stat[6]}, pts $ptn"; return 1; }
    [ "${stat[7]}" = "$pid" ] || { echo "foreground group ${stat[7]}, not $pid"; return 1; }
    [ "$(stat -L -c %d "/proc/$pid/fd/0")" != "$(cat "$T/tty-devpts-before")" ] || { echo "the same devpts as before"; return 1; }
    # /dev/console in the container is the new slave too.
    [ "$(stat -L -c %d:%i "/proc/$pid/root/dev/console")" = "$(stat -L -c %d:%i "/proc/$pid/fd/0")" ] ||
        { echo "/dev/console is not the terminal"; return 1; }
    # The restore's own devpts mount point is gone from the state directory.
    [ ! -e "$T/state/tty/criu-devpts" ] || { echo "criu-devpts left in the state directory"; return 1; }
}

t_tty_foreground() {
    local rc=0
    rt kill tty KILL
    for _ in $(seq 50); do [ "$(state_of tty)" = stopped ] && break; sleep 0.1; done
    rt delete tty
    # Without a console socket, restore keeps the master and relays it to its stdio, as run does.
    printf 'd\nexit\n' | rt restore --image-path "$T/timg" -b "$T/tty" tty >"$T/tty-fg.out" 2>&1 || rc=$?
    [ "$rc" = 7 ] || { echo "status $rc:"; cat -A "$T/tty-fg.out"; return 1; }
    grep -q "n=3 l=d tty=/dev/pts/" "$T/tty-fg.out" || { cat -A "$T/tty-fg.out"; return 1; }
    [ ! -e "$T/state/tty" ] && [ ! -e "$CG/tty" ]
}

# The owners and modes (outside ids) of the terminal's devpts as pid $1 sees it: its root, ptmx and the
# slave on its stdio; and the devpts mount's options (ids outside too).
devpts_view() {
    local r=/proc/$1/root/dev/pts
    stat -c '%n %u:%g %a' "$r" "$r/ptmx" "$r/$(basename "$(readlink "/proc/$1/fd/0")")" | sed "s|^/proc/$1/root||"
    awk '$5 == "/dev/pts" { print $NF }' "/proc/$1/mountinfo"
}

t_ttyns_checkpoint() {
    local pid
    receiver ttyns1
    rt_logged run -d --console-socket "$T/ttyns1/sock" -b "$T/ttyns" ttyns </dev/null >/dev/null 2>&1 || show_log
    printf 'a\n' >"$T/ttyns1/in"
    wait_line "$T/ttyns1/out" "n=1 l=a tty=/dev/pts/0"
    pid=$(rt state ttyns | jq .pid)
    devpts_view "$pid" >"$T/ttyns-devpts"
    rt checkpoint --image-path "$T/nsimg" ttyns
}

t_ttyns_restore() {
    local pid
    receiver ttyns2
    rt_logged restore -d --console-socket "$T/ttyns2/sock" --image-path "$T/nsimg" -b "$T/ttyns" ttyns </dev/null >/dev/null 2>&1 || show_log
    printf 'b\n' >"$T/ttyns2/in"
    wait_line "$T/ttyns2/out" "n=2 l=b tty=/dev/pts/0"
    pid=$(rt state ttyns | jq .pid)
    [ "$(cat "/proc/$pid/uid_map" | xargs)" = "0 100000 65536" ] || { echo "uid_map: $(cat "/proc/$pid/uid_map")"; return 1; }
    diff "$T/ttyns-devpts" <(devpts_view "$pid") || { echo "the restored devpts differs from the created one"; return 1; }
    rt delete --force ttyns
}

cleanup() {
    local id p
    for p in "$T"/tty*/pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
    for id in $(rt list -q 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1; done
    rmdir "$CG" 2>/dev/null
    rm -rf "$T"
}

guest_main() {
    mkdir -p "$T/state"
    trap cleanup EXIT
    exec 3>&1
    if ! criu check >/dev/null 2>&1; then
        echo "ok - checkpoint and restore # SKIP criu check fails in this guest: $(criu check 2>&1 | tail -1)"
        return
    fi
    make_bundle
    check "a counter container runs with a pipe for stdout, the host's /dev/null for stdin and stderr; update --pids-limit" t_run
    check "checkpoint: criu dumps it, the container and its cgroup are gone, the counter stops" t_checkpoint
    check "restore -d: running again in its cgroup, counting on from where it stopped, pid file, ps, updated pids limit, stdio" t_restore
    check "checkpoint --leave-running: still running and counting" t_leave_running
    check "the restored container: kill, then delete removes state and cgroup" t_kill_delete
    check "restore of --leave-running images into a fresh rootfs: the binds' mount points are made; prestart, createRuntime and poststart hooks get the restored pid; the same id twice is refused" t_restore_fresh
    check "restore from images criu cannot use: one error line, nothing left behind" t_bad_images
    check "restore with a prestart hook that fails: the hook's error on one line, nothing left behind" t_hook_fails
    check "restore with a poststart hook that fails: its error, the container stopped (as after start), delete cleans up" t_poststart_fails
    check "a terminal container runs with its master sent to a console-socket receiver and counts the lines typed" t_tty_run
    check "checkpoint of the terminal container: the pty slave recorded as external, the receiver's master hangs up" t_tty_checkpoint
    check "restore -d of a terminal without --console-socket: one error line, nothing left behind" t_tty_needs_socket
    check "restore -d --console-socket: a new pty, its master sent to a second receiver; counting goes on from typed input; session, controlling terminal, foreground group, /dev/console" t_tty_restore
    check "foreground restore of a terminal without a socket: the master relayed to its stdio, the exit status returned" t_tty_foreground
    check "a terminal container with its own user namespace is checkpointed" t_ttyns_checkpoint
    check "... and restored with --console-socket: typed input counted on; the devpts owned and mounted as create made it" t_ttyns_restore
    OCIRT_BIN=$OCIRT_BIN bash "$repo/tests/checkpoint/podman-guest.sh"
}

if [ "${1:-}" = --inside ]; then guest_main; else host_main; fi
