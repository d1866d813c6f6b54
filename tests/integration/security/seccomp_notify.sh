#!/bin/bash
# SCMP_ACT_NOTIFY with linux.seccomp.listenerPath: a real listener (a small Python agent here) receives the
# container's state and the notify fd from ocirt, then answers the container's mkdir itself: it reports
# success without creating anything. The container sees mkdir return 0 and no directory, which only the
# listener's answer can explain.
. "$(dirname "$0")/../lib.sh"

command -v python3 > /dev/null || skip_all "python3 is needed for the listener"

LISTENER='
import json, socket, struct, fcntl, sys
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101   # _IOWR("!", 0, 80 bytes), _IOWR("!", 1, 24 bytes)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(1); srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
state = json.loads(msg)
out = open(sys.argv[2], "w")
print("metadata", state.get("metadata"), "fds", state.get("fds"), "got", len(fds), file=out, flush=True)
buf = bytearray(80)
fcntl.ioctl(fds[0], NOTIF_RECV, buf, True)
nid, pid, flags, nr = struct.unpack_from("<QIIi", buf)
print("notified syscall", nr, file=out, flush=True)
fcntl.ioctl(fds[0], NOTIF_SEND, bytearray(struct.pack("<QqiI", nid, 0, 0, 0)), True)
print("answered", file=out, flush=True)
'

test_listener_answers_mkdir() {
    requires_cmd run
    local b out sock=$IT_TMP/listener.sock log=$IT_TMP/listener.log
    python3 -c "$LISTENER" "$sock" "$log" &
    lpid=$!   # global: the EXIT trap runs after this function returned
    trap 'kill $lpid 2>/dev/null || true; wait $lpid 2>/dev/null || true' EXIT
    for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
    b=$(new_bundle notify sh -c 'mkdir /made && echo rc=0 || echo rc=$?; [ -d /made ] && echo exists || echo absent')
    cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s, listenerMetadata: "it-meta",
                                syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg s "$sock"
    out=$(rt run -b "$b" "$(new_id notify)" 2>&1)
    echo "$out"
    cat "$log"
    assert_eq "$(echo $out)" "rc=0 absent" "mkdir as the container saw it"
    assert_contains "$(cat "$log")" 'metadata it-meta fds ['"'"'seccompFd'"'"'] got 1' "what the listener received"
    assert_contains "$(cat "$log")" answered "the listener answered"
    grep -Eq 'notified syscall (83|258)$' "$log" || fail "the notified syscall was not mkdir/mkdirat"
}

run_test "a seccomp notify listener receives the fd and answers the container's mkdir" test_listener_answers_mkdir
finish
