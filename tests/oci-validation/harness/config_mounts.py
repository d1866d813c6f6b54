"""config.md mounts (Linux mount options), root propagation, masked and read-only paths."""
import os
import subprocess

from .cases import config_case, rejected_case
from .suite import Skip

# One tmpfs per option set; each set is checked through mountinfo.
FLAG_SETS = [
    ['ro', 'nosuid', 'nodev', 'noexec'], ['rw', 'suid', 'dev', 'exec'], ['noatime'], ['relatime'],
    ['strictatime'], ['nodiratime'], ['diratime', 'atime'], ['sync', 'dirsync'], ['async'], ['lazytime'],
    ['nolazytime'], ['nosymfollow'], ['symfollow'], ['defaults'], ['silent'], ['loud'], ['iversion'],
    ['noiversion'], ['norelatime'], ['nostrictatime'], ['nomand'], ['mand'],
]


def flag_case(opts):
    # One container per set, so one unsupported option does not hide the others.
    @config_case(f'mounts/tmpfs-{"-".join(opts)}', ('mounts[/ocv/',))
    def _(b, s):
        b.add_mount(f'/ocv/{"-".join(opts)}', 'tmpfs', opts, 'tmpfs')


for _opts in FLAG_SETS:
    flag_case(_opts)


@config_case('mounts/tmpfs-data-options', ('mounts[/ocv/',))
def _(b, s):
    b.add_mount('/ocv/data', 'tmpfs', ['size=2m', 'mode=0700', 'uid=1000', 'gid=1000'], 'tmpfs')
    b.add_mount('/ocv/data2', 'tmpfs', ['nosuid', 'size=128k', 'mode=1777'], 'tmpfs')


@config_case('mounts/bind', ('mounts[/ocv/',))
def _(b, s):
    b.add_mount('/ocv/dir', b.host_dir('src-dir', 'dir-marker'), ['bind'])
    b.host['markers']['/ocv/dir'] = 'dir-marker'
    b.add_mount('/ocv/rbind-ro', b.host_dir('src-ro', 'ro-marker'), ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'])
    b.host['markers']['/ocv/rbind-ro'] = 'ro-marker'
    path = os.path.join(b.dir, 'src-file')
    with open(path, 'w') as f:
        f.write('file-marker')
    b.add_mount('/ocv/file', path, ['bind', 'ro'], 'none')
    b.host['markers']['/ocv/file'] = 'file-marker'
    # Bind sources may be relative to the bundle.
    b.host_dir('src-relative', 'relative-marker')
    b.add_mount('/ocv/relative', 'src-relative', ['rbind'])
    b.host['markers']['/ocv/relative'] = 'relative-marker'


@config_case('mounts/bind-propagation', ('mounts[/ocv/',))
def _(b, s):
    for prop in ['private', 'shared', 'slave', 'unbindable', 'rprivate', 'rshared', 'rslave', 'runbindable']:
        b.add_mount(f'/ocv/{prop}', b.host_dir(f'src-{prop}', prop), ['rbind', prop])
        b.host['markers'][f'/ocv/{prop}'] = prop


RECURSIVE_SETS = [
    ['rro', 'rnosuid', 'rnodev', 'rnoexec', 'rnoatime', 'rnodiratime', 'rnosymfollow'],
    ['rrw', 'rsuid', 'rdev', 'rexec', 'rrelatime', 'rdiratime', 'rsymfollow', 'ratime'],
    ['rstrictatime'], ['rnorelatime'], ['rnostrictatime'],
]


def recursive_case(opts):
    @config_case(f'mounts/rbind-{"-".join(opts)}', ('mounts[/ocv/',))
    def _(b, s):
        src = b.host_dir('src-rec', 'rec')
        sub = os.path.join(src, 'sub')
        os.makedirs(sub, exist_ok=True)
        if subprocess.run(['mount', '-t', 'tmpfs', 'ocv-sub', sub]).returncode != 0:
            raise Skip('cannot mount a host tmpfs under the recursive bind source')
        b.add_mount('/ocv/rec', src, ['rbind', *opts])
        b.host['markers']['/ocv/rec'] = 'rec'


for _opts in RECURSIVE_SETS:
    recursive_case(_opts)


@config_case('mounts/listed-order', ('mounts[/ocv/',))
def _(b, s):
    b.add_mount('/ocv/a', 'tmpfs', ['size=1m'], 'tmpfs')
    b.add_mount('/ocv/a/b', 'tmpfs', ['size=1m'], 'tmpfs')
    b.add_mount('/ocv/a/b/c', b.host_dir('src-order', 'order'), ['bind'])
    b.host['markers']['/ocv/a/b/c'] = 'order'


@config_case('mounts/relative-destination', ('mounts[/ocv/',))
def _(b, s):
    b.add_mount('ocv/relative-dest', 'tmpfs', ['nodev'], 'tmpfs')


@config_case('mounts/tmpcopyup', ('mounts[/ocv/',))
def _(b, s):
    b.write_file('/ocv/copy/.ocv-marker', 'copied-up')
    b.add_mount('/ocv/copy', 'tmpfs', ['tmpcopyup'], 'tmpfs')
    b.host['markers']['/ocv/copy'] = 'copied-up'


@config_case('mounts/idmap', ('mounts[/ocv/', 'mount idmap'))
def _(b, s):
    src = b.host_dir('src-idmap', 'idmap')
    owned = os.path.join(src, 'owned')
    with open(owned, 'w') as f:
        f.write('x')
    # The mapping is written to the mount's user namespace as linux.uidMappings are (containerID hostID
    # size), and the kernel reads an on-disk id as an id of that namespace: a file stored as 2000 is seen
    # as 1000. This is what runc, crun and ocirt do (the use case: a volume stored with the container's ids
    # appears as the host ids its user namespace maps them to).
    os.chown(owned, 2000, 2000)
    mapping = [{'containerID': 2000, 'hostID': 1000, 'size': 10}]
    b.add_mount('/ocv/idmap', src, ['bind', 'idmap'], uidMappings=mapping, gidMappings=mapping)
    b.host['owners']['/ocv/idmap/owned'] = '1000:1000'


@rejected_case('mounts/bind-source-missing')
def _(b, s):
    b.add_mount('/ocv/missing', os.path.join(b.dir, 'no-such-source'), ['bind'])


def propagation_case(value):
    @config_case(f'linux/rootfsPropagation-{value}', ('linux.rootfsPropagation',))
    def _(b, s):
        b.linux['rootfsPropagation'] = value


for _value in ['shared', 'slave', 'private', 'unbindable']:
    propagation_case(_value)


@config_case('linux/maskedPaths', ('linux.maskedPaths',))
def _(b, s):
    b.write_file('/ocv/secret-file', 'secret')
    b.write_file('/ocv/secret-dir/inside', 'secret')
    b.linux['maskedPaths'] = ['/ocv/secret-file', '/ocv/secret-dir', '/ocv/absent', '/proc/kcore', '/sys/firmware']


@config_case('linux/readonlyPaths', ('linux.readonlyPaths',))
def _(b, s):
    b.write_file('/ocv/ro-dir/file', 'x')
    b.write_file('/ocv/ro-file', 'x')
    b.linux['readonlyPaths'] = ['/ocv/ro-dir', '/ocv/ro-file', '/ocv/absent', '/proc/sys']
