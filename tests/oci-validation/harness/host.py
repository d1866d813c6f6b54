"""Facts about the host that decide which cases can run and what the checker expects."""
import os
import resource

NS_NAMES = ['pid', 'net', 'mnt', 'ipc', 'uts', 'user', 'cgroup', 'time']
CGROUP_ROOT = '/sys/fs/cgroup'


def read(path, default=''):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


class Host:
    def __init__(self):
        self.namespaces = {}
        for name in NS_NAMES:
            try:
                self.namespaces[name] = os.stat(f'/proc/self/ns/{name}').st_ino
            except OSError:
                pass
        self.cap_eff = int(self._status('CapEff') or '0', 16)
        self.unified = os.path.exists(f'{CGROUP_ROOT}/cgroup.controllers')
        self.controllers = self._v1_controllers()
        self.cpus = os.cpu_count() or 1
        self.kernel = tuple(int(x) for x in os.uname().release.split('-')[0].split('.')[:2])

    @staticmethod
    def _status(key):
        for line in read('/proc/self/status').splitlines():
            if line.startswith(key + ':'):
                return line.split(':', 1)[1].strip()
        return None

    @staticmethod
    def _v1_controllers():
        found = {}
        for line in read('/proc/self/mountinfo').splitlines():
            fields = line.split()
            dash = fields.index('-')
            if fields[dash + 1] != 'cgroup':
                continue
            for opt in fields[dash + 3].split(','):
                found[opt.replace('name=', '')] = fields[4]
        return found

    def has_cap(self, number):
        return bool(self.cap_eff & (1 << number))

    def has_controller(self, name):
        if self.unified:
            return name in read(f'{CGROUP_ROOT}/cgroup.controllers').split()
        return name in self.controllers

    def hierarchies(self):
        """Every cgroup hierarchy root a runtime may create a directory in."""
        if self.unified:
            return [CGROUP_ROOT]
        roots = set(self.controllers.values())
        if os.path.isdir(f'{CGROUP_ROOT}/unified'):
            roots.add(f'{CGROUP_ROOT}/unified')
        return sorted(roots)

    def cgroup_file(self, controller, name):
        base = CGROUP_ROOT if self.unified else self.controllers.get(controller)
        return base and os.path.exists(os.path.join(base, name))

    @staticmethod
    def block_device():
        """major:minor of a real disk, for the blkio throttle cases."""
        for name in sorted(os.listdir('/sys/block')):
            if name.startswith(('loop', 'zram', 'ram', 'nbd')):
                continue
            dev = read(f'/sys/block/{name}/dev').strip()
            if dev:
                return tuple(int(x) for x in dev.split(':'))
        return None

    @staticmethod
    def rlimit(name):
        return resource.getrlimit(getattr(resource, name))

    @staticmethod
    def hugepage_sizes():
        sizes = []
        for entry in os.listdir('/sys/kernel/mm/hugepages') if os.path.isdir('/sys/kernel/mm/hugepages') else []:
            kb = int(entry.split('-')[1].rstrip('kB'))
            sizes.append(f'{kb // 1024}MB' if kb < 1 << 20 else f'{kb // (1 << 20)}GB')
        return sizes

    @staticmethod
    def oom_score_adj():
        return int(read('/proc/self/oom_score_adj', '0').strip() or 0)

    @staticmethod
    def apparmor_enabled():
        return read('/sys/module/apparmor/parameters/enabled').strip() == 'Y'

    @staticmethod
    def selinux_enabled():
        return os.path.exists('/sys/fs/selinux/enforce')

    @staticmethod
    def mount_is_shared(path):
        """Whether the host mount holding `path` propagates (decides what "slave" can show)."""
        best, shared = '', False
        for line in read('/proc/self/mountinfo').splitlines():
            fields = line.split()
            point = fields[4]
            if (path == point or path.startswith(point.rstrip('/') + '/')) and len(point) >= len(best):
                best = point
                shared = any(f.startswith('shared:') for f in fields[6:fields.index('-')])
        return shared
