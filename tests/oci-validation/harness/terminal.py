"""config.md process.terminal and consoleSize through --console-socket; /dev/console."""
import os
import select
import socket
import threading

from .cases import case


def console_receiver(path, result):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(20)

    def accept():
        try:
            conn, _ = server.accept()
            _, fds, _, _ = socket.recv_fds(conn, 4096, 4)
            result['fds'] = fds
            conn.close()
        except OSError as e:
            result['error'] = str(e)
        finally:
            server.close()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return thread


def read_all(fd, timeout=20):
    out = b''
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the last slave closes
            break
        if not chunk:
            break
        out += chunk
    return out.decode(errors='replace')


@case('terminal/console-socket')
def _(s, n):
    r = s.results
    b = s.bundle(n)
    b.process['terminal'] = True
    b.process['consoleSize'] = {'height': 30, 'width': 100}
    b.write()
    sock = os.path.join(s.workdir, f'{b.id}.sock')
    result = {}
    thread = console_receiver(sock, result)
    p = s.runtime('create', '--console-socket', sock, '--bundle', b.dir, b.id)
    thread.join(20)
    if not r.check(f'{n}: create with --console-socket succeeds', p.rc == 0, p.why()):
        return
    fds = result.get('fds', [])
    if not r.check(f'{n}: the console socket receives one fd (SCM_RIGHTS)', len(fds) == 1,
                   result.get('error', f'{len(fds)} fds')):
        s.destroy(b.id)
        return
    master = fds[0]
    rdev = os.fstat(master).st_rdev
    r.check(f'{n}: the fd is a pseudoterminal master', (os.major(rdev), os.minor(rdev)) == (5, 2),
            f'device {os.major(rdev)}:{os.minor(rdev)}')
    s.runtime('start', b.id)
    out = read_all(master)
    os.close(master)
    lines, plan = r.absorb_tap(n, out, ('process.terminal', '/dev/console', 'process.consoleSize', 'process.args'))
    r.check(f'{n}: checker output arrives through the pty', lines > 0 and plan == lines, out[-300:])
    s.destroy(b.id)
