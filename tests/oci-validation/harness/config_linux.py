"""config-linux.md: namespaces, id mappings, time offsets, devices, sysctl, seccomp,
personality, memory policy, net devices, Intel RDT, LSM labels; config.md scheduler and ioPriority."""
import os
import subprocess
import time

from .cases import config_case, rejected_case
from .suite import Skip

ALL_NS = ['pid', 'network', 'mount', 'ipc', 'uts', 'cgroup', 'time']
CAP_SYS_NICE = 23


def namespaces(b, types):
    b.linux['namespaces'] = [{'type': t} for t in types]


@config_case('namespaces/mount-only', ('linux.namespaces',))
def _(b, s):
    namespaces(b, ['mount'])
    b.config.pop('hostname', None)
    # Without its own network namespace sysfs cannot be mounted fresh.
    b.config['mounts'] = [m for m in b.config['mounts'] if m['destination'] not in ('/sys', '/sys/fs/cgroup')]


@config_case('namespaces/all-but-user', ('linux.namespaces', 'linux.cgroupsPath'))
def _(b, s):
    # time has its own case, so a runtime without it still gets the others checked.
    namespaces(b, [t for t in ALL_NS if t != 'time'])


def userns(b, uid_maps, gid_maps):
    namespaces(b, ALL_NS[:6] + ['user'])
    b.linux['uidMappings'] = uid_maps
    b.linux['gidMappings'] = gid_maps


@config_case('namespaces/user', ('linux.namespaces', 'linux.uidMappings', 'linux.gidMappings'))
def _(b, s):
    m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
    userns(b, m, m)


@config_case('namespaces/user-multiple-ranges', ('linux.namespaces', 'linux.uidMappings', 'linux.gidMappings'))
def _(b, s):
    userns(b, [{'containerID': 0, 'hostID': 200000, 'size': 1000},
               {'containerID': 1000, 'hostID': 300000, 'size': 1000}],
           [{'containerID': 0, 'hostID': 200000, 'size': 2000}])
    b.process['user'] = {'uid': 1000, 'gid': 1000}
    b.process['capabilities'] = {}


def ns_holder(s, flags):
    """A sleeping process in fresh namespaces whose /proc/<pid>/ns files a config can join."""
    proc = s.helper(['unshare', *flags, 'sleep', '600'])
    time.sleep(0.2)
    if proc.poll() is not None:
        raise Skip(f'unshare {" ".join(flags)} failed on this host')
    pid = proc.pid
    if '--fork' in flags:
        children = open(f'/proc/{pid}/task/{pid}/children').read().split()
        pid = int(children[0])
    return pid


def join(b, s, pid, types):
    proc_names = {'network': 'net', 'mount': 'mnt'}
    for entry in b.linux['namespaces']:
        if entry['type'] in types:
            path = f'/proc/{pid}/ns/{proc_names.get(entry["type"], entry["type"])}'
            entry['path'] = path
            b.host['nsPaths'][path] = os.stat(path).st_ino


@config_case('namespaces/join-net-ipc-uts', ('linux.namespaces',))
def _(b, s):
    join(b, s, ns_holder(s, ['--net', '--ipc', '--uts']), ['network', 'ipc', 'uts'])


@config_case('namespaces/join-pid', ('linux.namespaces',))
def _(b, s):
    join(b, s, ns_holder(s, ['--pid', '--fork']), ['pid'])


@rejected_case('namespaces/path-of-wrong-type')
def _(b, s):
    pid = ns_holder(s, ['--uts'])
    for entry in b.linux['namespaces']:
        if entry['type'] == 'network':
            entry['path'] = f'/proc/{pid}/ns/uts'


@rejected_case('namespaces/duplicate-type')
def _(b, s):
    b.linux['namespaces'].append({'type': 'ipc'})


@config_case('namespaces/time-offsets', ('linux.namespaces', 'linux.timeOffsets'))
def _(b, s):
    if 'time' not in s.host.namespaces:
        raise Skip('the kernel has no time namespace')
    b.linux['namespaces'].append({'type': 'time'})
    b.linux['timeOffsets'] = {'monotonic': {'secs': 86400, 'nanosecs': 0},
                              'boottime': {'secs': 3600, 'nanosecs': 500}}


DEVICE_NODES = [
    {'path': '/dev/ocv-null', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 0o666, 'uid': 0, 'gid': 0},
    {'path': '/dev/ocv-fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 0o600, 'uid': 1000, 'gid': 1000},
    {'path': '/dev/ocv-loop', 'type': 'b', 'major': 7, 'minor': 0, 'fileMode': 0o660, 'uid': 0, 'gid': 6},
    {'path': '/dev/ocv-unbuffered', 'type': 'u', 'major': 1, 'minor': 9, 'fileMode': 0o644},
    {'path': '/dev/ocv-fifo', 'type': 'p', 'fileMode': 0o640},
    {'path': '/ocv/dev-outside-dev', 'type': 'c', 'major': 1, 'minor': 5},
]


@config_case('devices/nodes', ('linux.devices',))
def _(b, s):
    b.linux['devices'] = DEVICE_NODES
    b.linux['resources']['devices'] = [{'allow': False, 'access': 'rwm'},
                                       {'allow': True, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'}]


def fuse_rules(rules):
    def patch(b, s):
        b.linux['devices'] = [{'path': '/dev/ocv-fuse', 'type': 'c', 'major': 10, 'minor': 229, 'fileMode': 0o666}]
        b.linux['resources']['devices'] = rules
    return patch


config_case('devices/cgroup-allow-read-only', ('linux.resources.devices',))(fuse_rules(
    [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'r'}]))
config_case('devices/cgroup-listed-order', ('linux.resources.devices',))(fuse_rules(
    [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'},
     {'allow': False, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'w'}]))
config_case('devices/cgroup-wildcards', ('linux.resources.devices',))(fuse_rules(
    [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'access': 'rw'}]))
config_case('devices/cgroup-deny-all', ('linux.resources.devices',))(fuse_rules(
    [{'allow': True, 'access': 'rwm'}, {'allow': False, 'access': 'rwm'}]))


@rejected_case('devices/path-conflicts-with-file')
def _(b, s):
    b.write_file('/dev-conflict/ocv-node', 'a regular file')
    b.linux['devices'] = [{'path': '/dev-conflict/ocv-node', 'type': 'c', 'major': 1, 'minor': 3}]


@config_case('linux/sysctl', ('linux.sysctl',))
def _(b, s):
    b.linux['sysctl'] = {'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '256',
                         'net.ipv4.ip_local_port_range': '20000 30000', 'kernel.msgmax': '4096',
                         'fs.mqueue.msg_max': '20', 'kernel.shmmni': '1024'}


@rejected_case('linux/sysctl-unknown-key')
def _(b, s):
    b.linux['sysctl'] = {'net.ipv4.ocv_does_not_exist': '1'}


def seccomp(b, default, rules, **extra):
    b.linux['seccomp'] = {'defaultAction': default, 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86',
                                                                      'SCMP_ARCH_X32'], 'syscalls': rules, **extra}


@config_case('seccomp/errno', ('linux.seccomp',))
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38},
                                  {'names': ['getpgrp', 'sched_yield'], 'action': 'SCMP_ACT_ERRNO'},
                                  {'names': ['getsid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 77}])


@config_case('seccomp/args', ('linux.seccomp',))
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [
        {'names': ['getpriority'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13,
         'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]},
        {'names': ['getpgid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 5, 'op': 'SCMP_CMP_LT'}]},
        {'names': ['getsid'], 'action': 'SCMP_ACT_ERRNO',
         'args': [{'index': 0, 'value': 1, 'valueTwo': 0, 'op': 'SCMP_CMP_MASKED_EQ'}]}])


@config_case('seccomp/kill-and-trap', ('linux.seccomp',))
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [{'names': ['getppid'], 'action': 'SCMP_ACT_KILL_PROCESS'},
                                  {'names': ['getpgrp'], 'action': 'SCMP_ACT_KILL_THREAD'},
                                  {'names': ['sched_yield'], 'action': 'SCMP_ACT_TRAP'},
                                  {'names': ['getsid'], 'action': 'SCMP_ACT_KILL'}])


@config_case('seccomp/trace-log-flags', ('linux.seccomp',))
def _(b, s):
    seccomp(b, 'SCMP_ACT_LOG', [{'names': ['getppid'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 5},
                                {'names': ['getpgrp'], 'action': 'SCMP_ACT_LOG'},
                                {'names': ['getsid'], 'action': 'SCMP_ACT_ALLOW'}],
            flags=['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'])


@rejected_case('seccomp/defaultErrnoRet-on-allow')
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}], defaultErrnoRet=1)


@rejected_case('seccomp/errnoRet-on-allow')
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [{'names': ['getppid'], 'action': 'SCMP_ACT_ALLOW', 'errnoRet': 5}])


@rejected_case('seccomp/unknown-action')
def _(b, s):
    seccomp(b, 'SCMP_ACT_ALLOW', [{'names': ['getppid'], 'action': 'SCMP_ACT_OCV_BOGUS'}])


@config_case('linux/personality-LINUX32', ('linux.personality',))
def _(b, s):
    b.linux['personality'] = {'domain': 'LINUX32'}


@config_case('linux/personality-LINUX', ('linux.personality',))
def _(b, s):
    b.linux['personality'] = {'domain': 'LINUX', 'flags': []}


def scheduler_case(name, sched, needs_nice=False):
    @config_case(f'process/scheduler-{name}', ('process.scheduler',))
    def _(b, s):
        if needs_nice and not s.host.has_cap(CAP_SYS_NICE):
            raise Skip('real-time policies need CAP_SYS_NICE, which the runtime lacks')
        b.process['scheduler'] = sched
        if sched['policy'] in ('SCHED_FIFO', 'SCHED_RR') and s.host.cgroup_file('cpu', 'cpu.rt_runtime_us'):
            # With RT group scheduling a cgroup without a budget refuses real-time tasks.
            b.linux['resources']['cpu'] = {'realtimeRuntime': 10000, 'realtimePeriod': 1000000}


scheduler_case('batch-nice', {'policy': 'SCHED_BATCH', 'nice': 5})
scheduler_case('idle', {'policy': 'SCHED_IDLE'})
scheduler_case('other-reset-on-fork', {'policy': 'SCHED_OTHER', 'nice': 2, 'flags': ['SCHED_FLAG_RESET_ON_FORK']})
scheduler_case('fifo', {'policy': 'SCHED_FIFO', 'priority': 10}, needs_nice=True)
scheduler_case('rr', {'policy': 'SCHED_RR', 'priority': 1}, needs_nice=True)


def ioprio_case(cls, prio):
    @config_case(f'process/ioPriority-{cls}-{prio}', ('process.ioPriority',))
    def _(b, s):
        b.process['ioPriority'] = {'class': cls, 'priority': prio}


for _cls, _prio in [('IOPRIO_CLASS_BE', 3), ('IOPRIO_CLASS_IDLE', 7), ('IOPRIO_CLASS_RT', 0)]:
    ioprio_case(_cls, _prio)


def cpu_affinity_case(name, affinity):
    @config_case(f'process/execCPUAffinity-{name}', ('process.execCPUAffinity',))
    def _(b, s):
        b.process['execCPUAffinity'] = affinity


# CPU 0 exists on every host; "0-0" checks the range form.
cpu_affinity_case('final', {'final': '0'})
cpu_affinity_case('initial-and-final', {'initial': '0', 'final': '0-0'})


def mempolicy_case(policy):
    @config_case(f'linux/memoryPolicy-{policy["mode"]}', ('linux.memoryPolicy',))
    def _(b, s):
        b.linux['memoryPolicy'] = policy


for _policy in [{'mode': 'MPOL_BIND', 'nodes': '0'},
                {'mode': 'MPOL_INTERLEAVE', 'nodes': '0', 'flags': ['MPOL_F_STATIC_NODES']},
                {'mode': 'MPOL_PREFERRED', 'nodes': '0'}, {'mode': 'MPOL_LOCAL'}]:
    mempolicy_case(_policy)


@config_case('linux/netDevices', ('linux.netDevices',))
def _(b, s):
    name = f'ocvd{os.getpid() % 100000}'
    if subprocess.run(['ip', 'link', 'add', name, 'type', 'dummy'], stderr=subprocess.DEVNULL).returncode != 0:
        raise Skip('cannot create a dummy interface (no dummy module or no iproute2)')
    s.on_cleanup(lambda: subprocess.run(['ip', 'link', 'del', name], stderr=subprocess.DEVNULL))
    subprocess.run(['ip', 'addr', 'add', '10.254.77.1/24', 'dev', name], check=True)
    b.linux['netDevices'] = {name: {'name': 'ocv0'}}
    b.host['netAddresses'] = {name: '10.254.77.1'}


@rejected_case('linux/intelRdt-without-resctrl')
def _(b, s):
    if os.path.ismount('/sys/fs/resctrl'):
        raise Skip('resctrl is mounted here; the error case needs a host without it')
    b.linux['intelRdt'] = {'closID': 'ocv', 'l3CacheSchema': 'L3:0=f'}


@config_case('lsm/apparmorProfile', ('process.apparmorProfile',))
def _(b, s):
    if not s.host.apparmor_enabled():
        raise Skip('AppArmor is not enabled on this host')
    b.process['apparmorProfile'] = 'unconfined'


@config_case('lsm/selinuxLabel-mountLabel', ('process.selinuxLabel',))
def _(b, s):
    if not s.host.selinux_enabled():
        raise Skip('SELinux is not enabled on this host')
    b.process['selinuxLabel'] = 'system_u:system_r:container_t:s0'
    b.linux['mountLabel'] = 'system_u:object_r:container_file_t:s0'
