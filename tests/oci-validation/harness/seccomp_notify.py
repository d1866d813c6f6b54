"""config-linux.md "Seccomp": listenerPath and listenerMetadata. A listener on a unix socket must receive the
container process state (fds ["seccompFd"], pid, metadata, state) with the notify fd in SCM_RIGHTS during
create; once the listener closes that fd, a notified syscall fails instead of running."""
import json
import os
import socket
import threading

from .cases import case
from .lifecycle import create, life_bundle, shared_file, wait_for

PROGRAM = 'mkdir /ocv-shared/made 2>/dev/null; echo $? > /ocv-shared/rc'


def serve_once(srv, got):
    try:
        conn, _ = srv.accept()
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
            got['msg'] = msg
            got['nfds'] = len(fds)
            for fd in fds:
                os.close(fd)  # no agent: every notified syscall now fails with ENOSYS
    except OSError as e:
        got['error'] = str(e)


@case('linux/seccomp-notify-listener')
def _(s, n):
    r = s.results
    b = life_bundle(s, n, args=['/bin/sh', '-c', PROGRAM])
    path = os.path.join(b.dir, 'listener.sock')
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(15)
    got = {}
    t = threading.Thread(target=serve_once, args=(srv, got), daemon=True)
    t.start()
    b.config.setdefault('linux', {})['seccomp'] = {
        'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': path, 'listenerMetadata': 'ocv-metadata',
        'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}
    try:
        p = create(s, b)
        if not r.check(f'{n}: create succeeds', p.rc == 0, p.err.strip()[-300:]):
            return
        t.join(15)
        st = {}
        try:
            st = json.loads(got.get('msg') or b'{}')
        except ValueError:
            pass
        r.expect_eq(f'{n}: the listener received one fd', 1, got.get('nfds'))
        r.expect_eq(f'{n}: process state fds', ['seccompFd'], st.get('fds'))
        r.expect_eq(f'{n}: process state metadata', 'ocv-metadata', st.get('metadata'))
        r.check(f'{n}: process state pid', isinstance(st.get('pid'), int) and st.get('pid', 0) > 0, str(st.get('pid')))
        r.expect_eq(f'{n}: process state state.id', b.id, (st.get('state') or {}).get('id'))
        r.check(f'{n}: start succeeds', s.runtime('start', b.id).rc == 0)
        wait_for(lambda: shared_file(b, 'rc') is not None)
        rc = (shared_file(b, 'rc') or '').strip()
        r.check(f'{n}: the notified mkdir failed', rc not in ('', '0'), f'mkdir exit status {rc!r}')
        r.check(f'{n}: ... and made nothing', not os.path.exists(os.path.join(b.shared, 'made')), 'it made the dir')
    finally:
        srv.close()
        s.destroy(b.id)
