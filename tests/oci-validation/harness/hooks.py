"""config.md hooks: order, namespaces, state on stdin, args, env, failures, timeout."""
import json
import os
import time

from .cases import case
from .lifecycle import create, life_bundle, shared_file, wait_for

# Records what a hook saw; the same script runs on the host (dash) and in the container (busybox).
HOOK_SCRIPT = """#!/bin/sh
name=$1; dir=$2
cat > "$dir/$name.state"
readlink /proc/self/ns/mnt > "$dir/$name.mntns"
env > "$dir/$name.env"
echo "$@" > "$dir/$name.args"
echo "$name" >> "$dir/order"
"""
CREATE_HOOKS = ['prestart', 'createRuntime', 'createContainer']
RUNTIME_NS = {'prestart', 'createRuntime', 'poststart', 'poststop'}
HOOK_ENV = ['OCV_HOOK=yes', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin']


def hooked_bundle(s, n, failing=None, extra=None):
    b = life_bundle(s, n)
    script = os.path.join(b.dir, 'hook.sh')
    with open(script, 'w') as f:
        f.write(HOOK_SCRIPT)
    b.write_file('/ocv/hook.sh', HOOK_SCRIPT, 0o755)
    hooks = {}
    for name in CREATE_HOOKS + ['poststart', 'poststop']:
        hooks[name] = [{'path': '/bin/sh', 'args': ['sh', script, name, b.shared], 'env': HOOK_ENV}]
    hooks['startContainer'] = [{'path': '/ocv/hook.sh', 'args': ['hook.sh', 'startContainer', '/ocv-shared'],
                                'env': HOOK_ENV}]
    if failing:
        hooks[failing].insert(0, {'path': '/bin/sh', 'args': ['sh', '-c', 'exit 1']})
    for name, entries in (extra or {}).items():
        hooks[name] = entries + hooks[name]
    b.config['hooks'] = hooks
    return b


def order(b):
    return (shared_file(b, 'order') or '').split()


def check_hook(s, n, b, name, container_pid):
    r = s.results
    try:
        st = json.loads(shared_file(b, f'{name}.state') or '')
    except ValueError:
        r.fail(f'{n}: {name} gets the state on stdin', 'no JSON on stdin')
        return
    r.check(f'{n}: {name} state has id, bundle, ociVersion',
            st.get('id') == b.id and st.get('bundle') == b.dir and st.get('ociVersion'), str(st))
    statuses = {'prestart': ('creating', 'created'), 'createRuntime': ('creating', 'created'),
                'createContainer': ('creating', 'created'), 'startContainer': ('created', 'running'),
                'poststart': ('running',), 'poststop': ('stopped',)}[name]
    r.check(f'{n}: {name} state.status', st.get('status') in statuses, f'{st.get("status")!r} not in {statuses}')
    if name in ('createContainer', 'startContainer'):
        r.expect_eq(f'{n}: {name} state.pid as seen in the container (pid namespace)', 1, st.get('pid'))
    elif name != 'poststop':
        r.expect_eq(f'{n}: {name} state.pid as seen by the runtime', container_pid, st.get('pid'))
    want_ns = f'mnt:[{s.host.namespaces["mnt"]}]' if name in RUNTIME_NS else b.container_mntns
    r.expect_eq(f'{n}: {name} runs in the {"runtime" if name in RUNTIME_NS else "container"} mount namespace',
                want_ns, (shared_file(b, f'{name}.mntns') or '').strip())
    args_dir = '/ocv-shared' if name == 'startContainer' else b.shared
    r.expect_eq(f'{n}: {name} args', f'{name} {args_dir}', (shared_file(b, f'{name}.args') or '').strip())
    env = (shared_file(b, f'{name}.env') or '').split('\n')
    r.check(f'{n}: {name} env is the configured one', 'OCV_HOOK=yes' in env and
            not any(e.startswith('OCV_LEAK=') for e in env), 'missing OCV_HOOK or runtime env leaked')


@case('hooks/order-state-namespaces')
def _(s, n):
    r, b = s.results, hooked_bundle(s, n)
    if not r.check(f'{n}: create succeeds', create(s, b).rc == 0):
        return
    r.expect_eq(f'{n}: hooks run by create, in order', CREATE_HOOKS, order(b))
    st = s.state(b.id) or {}
    pid = st.get('pid')
    b.container_mntns = os.readlink(f'/proc/{pid}/ns/mnt') if pid else '?'
    p = s.runtime('start', b.id)
    r.check(f'{n}: start succeeds', p.rc == 0, p.why())
    r.expect_eq(f'{n}: hooks run by start, in order (poststart before start returns)',
                CREATE_HOOKS + ['startContainer', 'poststart'], order(b))
    r.check(f'{n}: startContainer ran before the program', wait_for(lambda: shared_file(b, 'started')))
    s.runtime('kill', b.id, 'KILL')
    s.wait_status(b.id, 'stopped')
    r.check(f'{n}: delete succeeds', s.runtime('delete', b.id).rc == 0)
    r.expect_eq(f'{n}: poststop runs by delete', CREATE_HOOKS + ['startContainer', 'poststart', 'poststop'],
                order(b))
    for name in CREATE_HOOKS + ['startContainer', 'poststart', 'poststop']:
        check_hook(s, n, b, name, pid)


def create_phase_failure(name):
    @case(f'hooks/{name}-fails')
    def _(s, n):
        r, b = s.results, hooked_bundle(s, n, failing=name)
        p = create(s, b)
        r.check(f'{n}: create fails', p.rc != 0, 'accepted')
        s.wait_status(b.id, 'stopped', timeout=1)
        s.runtime('delete', b.id)
        left = s.leftovers(b)
        r.check(f'{n}: the container is destroyed', not left, '; '.join(left))
        r.check(f'{n}: poststop hooks still run (lifecycle step 12-13)', 'poststop' in order(b), str(order(b)))
        r.check(f'{n}: the program never ran', shared_file(b, 'started') is None, 'it ran')
        s.destroy(b.id)


for _name in CREATE_HOOKS:
    create_phase_failure(_name)


def start_phase_failure(name):
    @case(f'hooks/{name}-fails')
    def _(s, n):
        r, b = s.results, hooked_bundle(s, n, failing=name)
        if not r.check(f'{n}: create succeeds', create(s, b).rc == 0):
            return
        p = s.runtime('start', b.id)
        r.check(f'{n}: start fails', p.rc != 0, 'accepted')
        st = s.wait_status(b.id, 'stopped', timeout=3)
        r.check(f'{n}: the container is stopped', st is None or st.get('status') == 'stopped', str(st))
        if name == 'startContainer':
            r.check(f'{n}: the program never ran', shared_file(b, 'started') is None, 'it ran')
        s.destroy(b.id)


for _name in ['startContainer', 'poststart']:
    start_phase_failure(_name)


@case('hooks/poststop-fails-is-a-warning')
def _(s, n):
    r, b = s.results, hooked_bundle(s, n, failing='poststop')
    create(s, b)
    s.runtime('kill', b.id, 'KILL')
    s.wait_status(b.id, 'stopped')
    r.check(f'{n}: delete still succeeds', s.runtime('delete', b.id).rc == 0)
    r.check(f'{n}: the next poststop hook still runs', 'poststop' in order(b), str(order(b)))
    r.check(f'{n}: nothing left behind', not s.leftovers(b), '; '.join(s.leftovers(b)))


@case('hooks/timeout')
def _(s, n):
    r = s.results
    slow = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exec sleep 30'], 'timeout': 1}]}
    b = hooked_bundle(s, n, extra=slow)
    start = time.time()
    p = create(s, b)
    r.check(f'{n}: create fails when a hook exceeds its timeout', p.rc != 0, 'accepted')
    r.check(f'{n}: ... soon after the timeout', time.time() - start < 15, f'{time.time() - start:.1f}s')
    s.destroy(b.id)
