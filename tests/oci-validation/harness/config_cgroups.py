"""config-linux.md control groups: cgroupsPath and linux.resources, read back from inside."""
import os

from .cases import config_case, rejected_case
from .host import read
from .suite import Skip

MIB = 1 << 20


def needs(s, controller, *files):
    if not s.host.has_controller(controller):
        raise Skip(f'the {controller} controller is not mounted on this host')
    for f in files:
        if not s.host.cgroup_file(controller, f):
            raise Skip(f'the host kernel has no {f}')


@config_case('cgroups/memory', ('linux.resources.memory', 'linux.cgroupsPath'))
def _(b, s):
    needs(s, 'memory')
    mem = {'limit': 64 * MIB, 'reservation': 32 * MIB, 'swappiness': 10, 'disableOOMKiller': True,
           'useHierarchy': True}
    if s.host.cgroup_file('memory', 'memory.memsw.limit_in_bytes'):
        mem['swap'] = 128 * MIB
    if s.host.cgroup_file('memory', 'memory.kmem.tcp.limit_in_bytes'):
        mem['kernelTCP'] = 16 * MIB
    b.linux['resources']['memory'] = mem


@config_case('cgroups/memory-unlimited', ('linux.resources.memory',))
def _(b, s):
    needs(s, 'memory')
    b.linux['resources']['memory'] = {'limit': -1, 'reservation': -1}


def kmem_limit_sticks(s):
    """Recent kernels accept and ignore kmem limits: probe a scratch cgroup."""
    probe = os.path.join(s.host.controllers['memory'], f'ocv-kmem-probe-{os.getpid()}')
    try:
        os.mkdir(probe)
        with open(os.path.join(probe, 'memory.kmem.limit_in_bytes'), 'w') as f:
            f.write(str(32 * MIB))
        return int(read(os.path.join(probe, 'memory.kmem.limit_in_bytes')) or 0) == 32 * MIB
    except OSError:
        return False
    finally:
        if os.path.isdir(probe):
            os.rmdir(probe)


@config_case('cgroups/memory-kernel-deprecated', ('linux.resources.memory',))
def _(b, s):
    needs(s, 'memory', 'memory.kmem.limit_in_bytes')
    if not kmem_limit_sticks(s):
        raise Skip('this kernel accepts but ignores memory.kmem.limit_in_bytes')
    b.linux['resources']['memory'] = {'limit': 64 * MIB, 'kernel': 32 * MIB}


@config_case('cgroups/cpu', ('linux.resources.cpu', 'linux.cgroupsPath'))
def _(b, s):
    needs(s, 'cpu')
    cpu = {'shares': 512, 'quota': 50000, 'period': 100000, 'cpus': '0', 'mems': '0'}
    if s.host.cgroup_file('cpu', 'cpu.cfs_burst_us'):
        cpu['burst'] = 10000
    b.linux['resources']['cpu'] = cpu


@config_case('cgroups/cpu-realtime', ('linux.resources.cpu',))
def _(b, s):
    needs(s, 'cpu', 'cpu.rt_runtime_us')
    b.linux['resources']['cpu'] = {'realtimeRuntime': 20000, 'realtimePeriod': 1000000}


@config_case('cgroups/cpu-idle', ('linux.resources.cpu',))
def _(b, s):
    needs(s, 'cpu', 'cpu.idle')
    b.linux['resources']['cpu'] = {'idle': 1}


@config_case('cgroups/cpuset-all-cpus', ('linux.resources.cpu',))
def _(b, s):
    needs(s, 'cpuset')
    b.linux['resources']['cpu'] = {'cpus': f'0-{s.host.cpus - 1}' if s.host.cpus > 1 else '0'}


def pids_case(limit):
    @config_case(f'cgroups/pids-{limit}', ('linux.resources.pids',))
    def _(b, s):
        needs(s, 'pids')
        b.linux['resources']['pids'] = {'limit': limit}


for _limit in [100, -1, 0]:
    pids_case(_limit)


@config_case('cgroups/blockIO', ('linux.resources.blockIO',))
def _(b, s):
    needs(s, 'blkio')
    dev = s.host.block_device()
    if dev is None:
        raise Skip('no block device to throttle')
    major, minor = dev
    io = {name: [{'major': major, 'minor': minor, 'rate': rate}]
          for name, rate in [('throttleReadBpsDevice', 1 << 20), ('throttleWriteBpsDevice', 2 << 20),
                             ('throttleReadIOPSDevice', 100), ('throttleWriteIOPSDevice', 200)]}
    b.linux['resources']['blockIO'] = io


@config_case('cgroups/blockIO-weight', ('linux.resources.blockIO',))
def _(b, s):
    needs(s, 'blkio')
    dev = s.host.block_device()
    if dev is None:
        raise Skip('no block device for weightDevice')
    io = {'weight': 500}
    # Per-device weights need BFQ as the device's scheduler.
    if '[bfq]' in read(f'/sys/dev/block/{dev[0]}:{dev[1]}/queue/scheduler'):
        io['weightDevice'] = [{'major': dev[0], 'minor': dev[1], 'weight': 300}]
    b.linux['resources']['blockIO'] = io


@config_case('cgroups/hugepageLimits', ('linux.resources.hugepageLimits',))
def _(b, s):
    needs(s, 'hugetlb')
    sizes = s.host.hugepage_sizes()
    if not sizes:
        raise Skip('the kernel offers no huge page sizes')
    b.linux['resources']['hugepageLimits'] = [{'pageSize': size, 'limit': 4 * (2 << 20)} for size in sizes[:1]]


@config_case('cgroups/network', ('linux.resources.network',))
def _(b, s):
    needs(s, 'net_cls')
    needs(s, 'net_prio')
    b.linux['resources']['network'] = {'classID': 0x100001, 'priorities': [{'name': 'lo', 'priority': 5}]}


@config_case('cgroups/rdma', ('linux.resources.rdma',))
def _(b, s):
    needs(s, 'rdma')
    raise Skip('no RDMA device to limit on this host')


@config_case('cgroups/unified', ('linux.resources.unified',))
def _(b, s):
    if not s.host.unified:
        raise Skip('cgroup v1 host: unified keys need cgroup v2 (the v1 error case covers this host)')
    b.linux['resources']['unified'] = {'pids.max': '42', 'memory.high': '67108864'}


@rejected_case('cgroups/unified-on-cgroup-v1')
def _(b, s):
    if s.host.unified:
        raise Skip('cgroup v2 host: there is no missing v2 controller to refuse')
    b.linux['resources']['unified'] = {'memory.high': '67108864'}


@config_case('cgroups/cgroup-namespace', ('linux.cgroupsPath', 'linux.namespaces[cgroup]'))
def _(b, s):
    b.linux['namespaces'].append({'type': 'cgroup'})
