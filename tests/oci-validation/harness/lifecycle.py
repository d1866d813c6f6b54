"""runtime.md: state, create, start, kill, delete, errors; runtime-linux.md fds."""
import json
import os
import time

from .cases import case

LIFE_SCRIPT = """#!/bin/sh
echo started > /ocv-shared/started
trap 'echo USR1 >> /ocv-shared/signals' USR1
trap 'echo TERM >> /ocv-shared/signals; exit 3' TERM
while :; do sleep 0.1; done
"""


def life_bundle(s, name, args=None):
    b = s.bundle(name)
    b.write_file('/ocv/life.sh', LIFE_SCRIPT, 0o755)
    b.shared = b.host_dir('shared')
    b.add_mount('/ocv-shared', b.shared, ['rbind', 'rw'])
    b.process['args'] = args or ['/bin/sh', '/ocv/life.sh']
    b.config['annotations'] = {'com.example.ocv': 'lifecycle', 'empty': ''}
    return b


def shared_file(b, name):
    try:
        with open(os.path.join(b.shared, name)) as f:
            return f.read()
    except OSError:
        return None


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def create(s, b, *extra):
    b.write()
    return s.runtime('create', *extra, '--bundle', b.dir, b.id)


def check_state_fields(s, n, b, st, status):
    r = s.results
    r.check(f'{n}: state.ociVersion is a string', isinstance(st.get('ociVersion'), str) and st['ociVersion'])
    r.expect_eq(f'{n}: state.id', b.id, st.get('id'))
    r.expect_eq(f'{n}: state.status', status, st.get('status'))
    r.expect_eq(f'{n}: state.bundle is the absolute bundle path', b.dir, st.get('bundle'))
    r.expect_eq(f'{n}: state.annotations', b.config.get('annotations'), st.get('annotations'))
    pid = st.get('pid')
    r.check(f'{n}: state.pid is a live process ({status})', isinstance(pid, int) and pid > 0 and alive(pid),
            f'pid {pid!r}')


@case('lifecycle/create-start-kill-delete')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    p = create(s, b)
    if not r.check(f'{n}: create succeeds', p.rc == 0, p.why()):
        return
    st = s.state(b.id) or {}
    check_state_fields(s, n, b, st, 'created')
    time.sleep(0.3)
    r.check(f'{n}: create does not run process.args', shared_file(b, 'started') is None, 'program already ran')
    p = s.runtime('start', b.id)
    r.check(f'{n}: start succeeds', p.rc == 0, p.why())
    r.check(f'{n}: start runs process.args', wait_for(lambda: shared_file(b, 'started')), 'no marker')
    st = s.state(b.id) or {}
    check_state_fields(s, n, b, st, 'running')
    p = s.runtime('start', b.id)
    r.check(f'{n}: start on a running container fails', p.rc != 0, 'accepted')
    r.expect_eq(f'{n}: ... and leaves it running', 'running', (s.state(b.id) or {}).get('status'))
    p = s.runtime('delete', b.id)
    r.check(f'{n}: delete on a running container fails', p.rc != 0, 'accepted')
    r.expect_eq(f'{n}: ... and leaves it running', 'running', (s.state(b.id) or {}).get('status'))
    s.runtime('kill', b.id, 'USR1')
    r.check(f'{n}: kill USR1 reaches the process', wait_for(lambda: 'USR1' in (shared_file(b, 'signals') or '')),
            'no USR1 recorded')
    s.runtime('kill', b.id, 'TERM')
    st = s.wait_status(b.id, 'stopped')
    r.check(f'{n}: kill TERM reaches the process', 'TERM' in (shared_file(b, 'signals') or ''), 'no TERM recorded')
    r.expect_eq(f'{n}: state after the process exits', 'stopped', (st or {}).get('status'))
    r.check(f'{n}: kill on a stopped container fails', s.runtime('kill', b.id, 'KILL').rc != 0, 'accepted')
    r.check(f'{n}: start on a stopped container fails', s.runtime('start', b.id).rc != 0, 'accepted')
    p = s.runtime('delete', b.id)
    r.check(f'{n}: delete on a stopped container succeeds', p.rc == 0, p.why())
    left = s.leftovers(b)
    r.check(f'{n}: delete removes what create made', not left, '; '.join(left))


@case('lifecycle/kill-created')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    if not r.check(f'{n}: create succeeds', create(s, b).rc == 0):
        return
    r.check(f'{n}: kill on a created container succeeds', s.runtime('kill', b.id, 'KILL').rc == 0)
    r.expect_eq(f'{n}: state after kill', 'stopped', (s.wait_status(b.id, 'stopped') or {}).get('status'))
    r.check(f'{n}: the program never ran', shared_file(b, 'started') is None, 'it ran')
    r.check(f'{n}: delete succeeds', s.runtime('delete', b.id).rc == 0)
    r.check(f'{n}: nothing left behind', not s.leftovers(b), '; '.join(s.leftovers(b)))


@case('lifecycle/delete-created-refused')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    if not r.check(f'{n}: create succeeds', create(s, b).rc == 0):
        return
    r.check(f'{n}: delete on a created (not stopped) container fails', s.runtime('delete', b.id).rc != 0,
            'deleted it')
    r.expect_eq(f'{n}: ... and has no effect', 'created', (s.state(b.id) or {}).get('status'))
    s.destroy(b.id)


@case('lifecycle/duplicate-id')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    if not r.check(f'{n}: first create succeeds', create(s, b).rc == 0):
        return
    other = life_bundle(s, n + '-other')
    other.write()
    p = s.runtime('create', '--bundle', other.dir, b.id)
    r.check(f'{n}: create with an existing id fails', p.rc != 0, 'accepted')
    st = s.state(b.id) or {}
    r.check(f'{n}: ... and the first container is untouched',
            st.get('status') == 'created' and st.get('bundle') == b.dir, f'state {st}')
    s.destroy(b.id)


@case('lifecycle/id-reuse-after-delete')
def _(s, n):
    r, b = s.results, life_bundle(s, n, ['/bin/true'])
    create(s, b)
    s.runtime('start', b.id)
    s.wait_status(b.id, 'stopped')
    r.expect_eq(f'{n}: a process that exits leaves the container stopped', 'stopped',
                (s.state(b.id) or {}).get('status'))
    s.runtime('delete', b.id)
    p = s.runtime('create', '--bundle', b.dir, b.id)
    r.check(f'{n}: the id can be used again after delete', p.rc == 0, p.why())
    s.destroy(b.id)


@case('lifecycle/operations-need-an-id')
def _(s, n):
    for op in ['state', 'start', 'kill', 'delete', 'create']:
        p = s.runtime(op)
        s.results.check(f'{n}: {op} without a container id fails', p.rc != 0, 'accepted')


@case('lifecycle/unknown-container')
def _(s, n):
    for op in [['state'], ['start'], ['kill'], ['delete']]:
        extra = ['KILL'] if op == ['kill'] else []
        p = s.runtime(*op, 'ocv-no-such-container', *extra)
        s.results.check(f'{n}: {op[0]} of an unknown container fails', p.rc != 0, 'accepted')


@case('lifecycle/invalid-id')
def _(s, n):
    b = life_bundle(s, n)
    b.write()
    for bad in ['../ocv-escape', 'a/b', '']:
        p = s.runtime('create', '--bundle', b.dir, bad)
        if p.rc == 0:
            s.destroy(bad)
        s.results.check(f'{n}: create with id {bad!r} fails', p.rc != 0, 'accepted')
    s.results.check(f'{n}: nothing created outside the state root',
                    not os.path.exists(os.path.join(s.workdir, 'ocv-escape')), 'escaped')


@case('lifecycle/pid-file')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    pid_file = os.path.join(s.workdir, f'{b.id}.pid')
    if not r.check(f'{n}: create --pid-file succeeds', create(s, b, '--pid-file', pid_file).rc == 0):
        return
    content = open(pid_file).read().strip() if os.path.exists(pid_file) else ''
    r.expect_eq(f'{n}: pid file holds the state pid', str((s.state(b.id) or {}).get('pid')), content)
    s.destroy(b.id)


@case('lifecycle/config-changes-after-create-ignored')
def _(s, n):
    r, b = s.results, life_bundle(s, n)
    if not r.check(f'{n}: create succeeds', create(s, b).rc == 0):
        return
    changed = dict(b.config, process=dict(b.process, args=['/bin/sh', '-c', 'echo x > /ocv-shared/changed']))
    with open(os.path.join(b.dir, 'config.json'), 'w') as f:
        json.dump(changed, f)
    s.runtime('start', b.id)
    r.check(f'{n}: start runs the process of create time',
            wait_for(lambda: shared_file(b, 'started')) and shared_file(b, 'changed') is None, 'config re-read')
    s.destroy(b.id)


@case('lifecycle/start-without-process')
def _(s, n):
    b = life_bundle(s, n)
    del b.config['process']
    p = create(s, b)
    if p.rc == 0:
        s.results.check(f'{n}: start without process fails', s.runtime('start', b.id).rc != 0, 'started')
    else:
        s.results.ok(f'{n}: create without process refused (start cannot be reached)')
    s.destroy(b.id)


@case('lifecycle/exit-status')
def _(s, n):
    for code, script in [(7, 'exit 7'), (0, 'true'), (255, 'exit 255')]:
        b = life_bundle(s, f'{n}-{code}', ['/bin/sh', '-c', script])
        b.write()
        p = s.runtime('run', '--bundle', b.dir, b.id)
        s.destroy(b.id)
        s.results.expect_eq(f'{n}: run returns the process status ({script})', code, p.rc)


@case('lifecycle/bad-config-invalid-json')
def _(s, n):
    b = life_bundle(s, n)
    b.write()
    with open(os.path.join(b.dir, 'config.json'), 'w') as f:
        f.write('{"ociVersion": "1.0.2", "process": ')
    p = s.runtime('create', '--bundle', b.dir, b.id)
    s.results.check(f'{n}: create fails', p.rc != 0, 'accepted')
    s.results.check(f'{n}: nothing left behind', not s.leftovers(b), '; '.join(s.leftovers(b)))


@case('lifecycle/bad-config-missing')
def _(s, n):
    b = life_bundle(s, n)
    p = s.runtime('create', '--bundle', b.dir, b.id)
    s.results.check(f'{n}: create without config.json fails', p.rc != 0, 'accepted')
    s.results.check(f'{n}: nothing left behind', not s.leftovers(b), '; '.join(s.leftovers(b)))
