"""config.md process.*, hostname, domainname, root, extensibility."""
import resource

from .cases import config_case, rejected_case
from .suite import Skip

ALL_CAPS = [
    'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
    'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST',
    'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO',
    'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
    'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE',
    'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
    'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE']
CAP_SYS_RESOURCE = 24
CAP_SYS_NICE = 23


def host_caps(suite):
    """The capabilities the runtime itself holds: it cannot grant more."""
    return [c for i, c in enumerate(ALL_CAPS) if suite.host.has_cap(i)]


def set_caps(bundle, **sets):
    bundle.process['capabilities'] = sets


@config_case('baseline/template', None)
def _(b, s):
    pass


@config_case('process/args-exotic', ('process.args',))
def _(b, s):
    b.process['args'] = ['/.oci/oci-checker', '', 'two words', 'ünïcødé', '--flag=x', '-', '*']


@config_case('process/args-path-lookup', ('process.args',))
def _(b, s):
    # args[0] follows execvp: found through PATH.
    b.process['args'] = ['oci-checker', 'looked-up']
    b.process['env'] = ['PATH=/bin:/.oci']


@config_case('process/env-values', ('process.env',))
def _(b, s):
    b.process['env'] = ['PATH=/bin', 'EMPTY=', 'EQUALS=a=b=c', 'SPACES=a  b', 'UNICODE=ü', 'HOME=/ocv']


@config_case('process/cwd-nested', ('process.cwd',))
def _(b, s):
    b.mkdir('/ocv/work/dir')
    b.process['cwd'] = '/ocv/work/dir'


@config_case('process/cwd-trailing-slash', ('process.cwd',))
def _(b, s):
    b.mkdir('/ocv/work')
    b.process['cwd'] = '/ocv/work/'


@config_case('process/user-nonroot', ('process.user', 'process.capabilities',))
def _(b, s):
    b.process['user'] = {'uid': 1000, 'gid': 1000, 'additionalGids': [5, 100, 2000], 'umask': 0o027}
    # Without ambient capabilities a non-root exec drops them all; keep two through ambient.
    kept = ['CAP_KILL', 'CAP_NET_BIND_SERVICE']
    set_caps(b, bounding=kept, effective=kept, permitted=kept, inheritable=kept, ambient=kept)


@config_case('process/user-gid-only', ('process.user',))
def _(b, s):
    b.process['user'] = {'uid': 0, 'gid': 100}


@config_case('process/user-umask-zero', ('process.user',))
def _(b, s):
    b.process['user'] = {'uid': 0, 'gid': 0, 'umask': 0}


@config_case('process/user-umask-077', ('process.user',))
def _(b, s):
    b.process['user'] = {'uid': 0, 'gid': 0, 'umask': 0o077, 'additionalGids': [0, 1, 65534]}


@config_case('process/caps-all-host', ('process.capabilities',))
def _(b, s):
    caps = host_caps(s)
    set_caps(b, bounding=caps, effective=caps, permitted=caps, inheritable=caps, ambient=caps)


@config_case('process/caps-none', ('process.capabilities',))
def _(b, s):
    set_caps(b, bounding=[], effective=[], permitted=[], inheritable=[], ambient=[])


@config_case('process/caps-distinct-sets', ('process.capabilities',))
def _(b, s):
    set_caps(b, bounding=['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', 'CAP_SYS_CHROOT', 'CAP_NET_RAW'],
             # After execve uid 0 gets effective = permitted, so those two must agree.
             permitted=['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID'], effective=['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID'],
             inheritable=['CAP_SYS_CHROOT', 'CAP_KILL'], ambient=['CAP_KILL'])


@config_case('process/caps-unknown-name-is-a-warning', ('process.capabilities',))
def _(b, s):
    caps = ['CAP_KILL', 'CAP_OCV_DOES_NOT_EXIST']
    set_caps(b, bounding=caps, effective=caps, permitted=caps)


@config_case('process/noNewPrivileges-false', ('process.noNewPrivileges',))
def _(b, s):
    b.process['noNewPrivileges'] = False


@config_case('process/noNewPrivileges-unset', ('process.noNewPrivileges',))
def _(b, s):
    b.process.pop('noNewPrivileges', None)


# Python's resource module lacks some of them; these are the Linux numbers.
RLIMIT_NUMBERS = {'RLIMIT_LOCKS': 10, 'RLIMIT_SIGPENDING': 11, 'RLIMIT_MSGQUEUE': 12, 'RLIMIT_NICE': 13,
                  'RLIMIT_RTPRIO': 14, 'RLIMIT_RTTIME': 15}


def rlimit_pairs(names):
    out = []
    for name in names:
        soft, hard = resource.getrlimit(getattr(resource, name, RLIMIT_NUMBERS.get(name)))
        inf = 2 ** 64 - 1
        hard = inf if hard == resource.RLIM_INFINITY else hard
        soft = inf if soft == resource.RLIM_INFINITY else soft
        out.append({'type': name, 'soft': min(soft, hard), 'hard': hard})
    return out


RLIMITS = ['RLIMIT_AS', 'RLIMIT_CORE', 'RLIMIT_CPU', 'RLIMIT_DATA', 'RLIMIT_FSIZE', 'RLIMIT_LOCKS',
           'RLIMIT_MEMLOCK', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_RSS',
           'RLIMIT_RTPRIO', 'RLIMIT_RTTIME', 'RLIMIT_SIGPENDING', 'RLIMIT_STACK']


@config_case('process/rlimits-all-types', ('process.rlimits',))
def _(b, s):
    b.process['rlimits'] = rlimit_pairs(RLIMITS)


@config_case('process/rlimits-lowered', ('process.rlimits',))
def _(b, s):
    b.process['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 100, 'hard': 200},
                            {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 4096},
                            {'type': 'RLIMIT_NPROC', 'soft': 500, 'hard': 600},
                            {'type': 'RLIMIT_MSGQUEUE', 'soft': 1024, 'hard': 2048}]


@config_case('process/rlimits-raised-above-runtime', ('process.rlimits',))
def _(b, s):
    if not s.host.has_cap(CAP_SYS_RESOURCE):
        raise Skip('the runtime lacks CAP_SYS_RESOURCE on this host and cannot raise hard limits')
    b.process['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 1 << 20, 'hard': 1 << 20}]


@rejected_case('process/rlimits-duplicate-type')
def _(b, s):
    b.process['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 100, 'hard': 100},
                            {'type': 'RLIMIT_NOFILE', 'soft': 200, 'hard': 200}]


@rejected_case('process/rlimits-unknown-type')
def _(b, s):
    b.process['rlimits'] = [{'type': 'RLIMIT_OCV_BOGUS', 'soft': 1, 'hard': 1}]


@config_case('process/oomScoreAdj-positive', ('process.oomScoreAdj',))
def _(b, s):
    b.process['oomScoreAdj'] = 500


@config_case('process/oomScoreAdj-max', ('process.oomScoreAdj',))
def _(b, s):
    b.process['oomScoreAdj'] = 1000


@config_case('process/oomScoreAdj-negative', ('process.oomScoreAdj',))
def _(b, s):
    if not s.host.has_cap(CAP_SYS_RESOURCE):
        raise Skip('lowering oom_score_adj needs CAP_SYS_RESOURCE, which the runtime lacks on this host')
    b.process['oomScoreAdj'] = -500


@config_case('process/hostname-domainname', ('hostname', 'domainname',))
def _(b, s):
    b.config['hostname'] = 'ocv-' + 'h' * 59
    b.config['domainname'] = 'ocv.example.test'


@config_case('process/consoleSize-ignored-without-terminal', ('process.terminal',))
def _(b, s):
    b.process['consoleSize'] = {'height': 10, 'width': 20}


@config_case('process/preserve-fds', ('runtime-linux file descriptors',), extra=('--preserve-fds', '1'))
def _(b, s):
    b.host['extraFds'] = 1


@config_case('root/readonly', ('root.',))
def _(b, s):
    b.config['root']['readonly'] = True


@config_case('root/absolute-path', ('root.', 'mounts[',))
def _(b, s):
    b.config['root']['path'] = b.rootfs


@rejected_case('root/path-missing')
def _(b, s):
    b.config['root']['path'] = 'no-such-rootfs'


@config_case('config/unknown-properties-ignored', ('process.args',))
def _(b, s):
    b.config['ocvUnknown'] = {'nested': [1, 2]}
    b.process['ocvUnknown'] = True
    b.linux['ocvUnknown'] = 'x'
    b.config['mounts'][0]['ocvUnknown'] = 1


@config_case('config/annotations', ('process.args',))
def _(b, s):
    b.config['annotations'] = {'com.example.key': 'value', 'org.opencontainers.image.os': 'linux', 'empty': ''}
