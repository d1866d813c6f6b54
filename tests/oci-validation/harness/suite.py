"""Drives one runtime: a private state root, bundles built from the template,
and a cleanup that undoes everything even when a case or the runtime fails."""
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from .host import Host, read

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Skip(Exception):
    """A case that cannot run on this host; the message says why."""


class Proc:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def why(self):
        tail = (self.err or self.out or '').strip().splitlines()
        return f'rc={self.rc} ' + (tail[-1][:300] if tail else '')


class Bundle:
    def __init__(self, suite, name):
        suite.counter += 1
        slug = re.sub(r'[^A-Za-z0-9_.-]+', '-', name)[:48]
        self.id = f'ocv{suite.counter}-{slug}'
        self.dir = os.path.join(suite.workdir, 'bundles', self.id)
        self.rootfs = os.path.join(self.dir, 'rootfs')
        shutil.copytree(suite.base, self.rootfs, symlinks=True, copy_function=os.link)
        with open(os.path.join(HERE, 'template.json')) as f:
            self.config = json.load(f)
        self.cgroup_path = f'/ocv-{os.getpid()}-{suite.counter}'
        self.config['linux']['cgroupsPath'] = self.cgroup_path
        self.host = {
            'namespaces': dict(suite.host.namespaces),
            'nsPaths': {},
            'oomScoreAdj': Host.oom_score_adj(),
            'seccompMode': 0,
            'markers': {},
            'owners': {},
            'rootShared': Host.mount_is_shared(self.rootfs),
        }
        suite.bundles.append(self)

    @property
    def process(self):
        return self.config.setdefault('process', {})

    @property
    def linux(self):
        return self.config.setdefault('linux', {})

    def path(self, inside):
        return os.path.join(self.rootfs, inside.lstrip('/'))

    def write_file(self, inside, content, mode=0o644):
        """Writes into the rootfs; unlinks first because the rootfs is hard-linked to the base."""
        path = self.path(inside)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):
            os.unlink(path)
        with open(path, 'w') as f:
            f.write(content)
        os.chmod(path, mode)
        return path

    def mkdir(self, inside, mode=0o755):
        os.makedirs(self.path(inside), exist_ok=True)
        os.chmod(self.path(inside), mode)

    def host_dir(self, name, marker=None):
        """A directory outside the rootfs, e.g. a bind-mount source."""
        path = os.path.join(self.dir, name)
        os.makedirs(path, exist_ok=True)
        if marker is not None:
            with open(os.path.join(path, '.ocv-marker'), 'w') as f:
                f.write(marker)
        return path

    def add_mount(self, dest, source, options=None, mtype=None, **extra):
        entry = {'destination': dest, 'source': source}
        if mtype:
            entry['type'] = mtype
        if options is not None:
            entry['options'] = options
        entry.update(extra)
        self.config.setdefault('mounts', []).append(entry)
        return entry

    def write(self):
        text = json.dumps(self.config, indent=2)
        with open(os.path.join(self.dir, 'config.json'), 'w') as f:
            f.write(text)
        self.write_file('/.oci/config.json', text)
        self.write_file('/.oci/host.json', json.dumps(self.host, indent=2))


class Suite:
    def __init__(self, runtime, checker, results, host):
        self.runtime_path = runtime
        self.checker = checker
        self.results = results
        self.host = host
        self.counter = 0
        self.bundles = []
        self.helpers = []
        self.cleanups = []
        self.workdir = tempfile.mkdtemp(prefix='ocv-', dir='/tmp')
        os.chmod(self.workdir, 0o755)
        self.root = os.path.join(self.workdir, 'state')
        self.base = os.path.join(self.workdir, 'base')
        # Every runtime call inherits this fd: the container must not see it.
        null = os.open('/dev/null', os.O_RDONLY)
        self.leak_fd = os.dup2(null, 9)
        # fd 3 is what `--preserve-fds 1` hands to the container.
        self.preserve_fd = os.dup2(null, 3) if null != 3 else null
        if null != 3:
            os.close(null)
        self.env = dict(os.environ, OCV_LEAK='must-not-reach-hooks')
        self._build_rootfs()

    # ---- rootfs ------------------------------------------------------------
    def _build_rootfs(self):
        base = self.base
        for d in ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'etc', 'root', 'home/ocv',
                  '.oci', 'ocv', 'var/run']:
            os.makedirs(os.path.join(base, d), exist_ok=True)
        os.makedirs(os.path.join(base, 'tmp'), mode=0o1777, exist_ok=True)
        os.chmod(os.path.join(base, 'tmp'), 0o1777)
        shutil.copy2('/bin/busybox', os.path.join(base, 'bin/busybox'))
        applets = subprocess.run(['/bin/busybox', '--list-full'], capture_output=True, text=True).stdout
        for applet in applets.split():
            link = os.path.join(base, applet)
            if not os.path.lexists(link):
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink('/bin/busybox', link)
        shutil.copy2(self.checker, os.path.join(base, '.oci/oci-checker'))
        os.chmod(os.path.join(base, '.oci/oci-checker'), 0o755)
        with open(os.path.join(base, 'etc/passwd'), 'w') as f:
            f.write('root:x:0:0:root:/root:/bin/sh\nocv:x:1000:1000::/home/ocv:/bin/sh\n'
                    'nobody:x:65534:65534:nobody:/:/bin/false\n')
        with open(os.path.join(base, 'etc/group'), 'w') as f:
            f.write('root:x:0:\ntty:x:5:\nocv:x:1000:\nnogroup:x:65534:\n')

    def bundle(self, name):
        return Bundle(self, name)

    # ---- runtime -----------------------------------------------------------
    def runtime(self, *args, timeout=30, pass_fds=(), stdin=subprocess.DEVNULL, cwd=None):
        """Runs the runtime; output goes to files, not pipes, because a created
        container keeps its stdio open long after the runtime has returned."""
        cmd = [self.runtime_path, '--root', self.root, *[str(a) for a in args]]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                rc = subprocess.run(cmd, stdin=stdin, stdout=out, stderr=err, timeout=timeout, env=self.env,
                                    pass_fds=(self.leak_fd, *pass_fds), cwd=cwd or self.workdir).returncode
            except subprocess.TimeoutExpired:
                rc = -1
            out.seek(0)
            err.seek(0)
            text_err = err.read().decode(errors='replace')
            if rc == -1:
                text_err += f'\ntimed out after {timeout}s'
            return Proc(rc, out.read().decode(errors='replace'), text_err)

    def state(self, cid):
        p = self.runtime('state', cid, timeout=10)
        if p.rc != 0:
            return None
        try:
            return json.loads(p.out)
        except ValueError:
            return None

    def wait_status(self, cid, status, timeout=5.0):
        deadline = time.time() + timeout
        st = self.state(cid)
        while (st or {}).get('status') != status and time.time() < deadline:
            time.sleep(0.05)
            st = self.state(cid)
        return st

    def destroy(self, cid):
        self.runtime('kill', cid, 'KILL', timeout=10)
        self.runtime('delete', '--force', cid, timeout=15)

    # ---- running the checker -----------------------------------------------
    def run_checker(self, prefix, bundle, extra=(), pass_fds=(), focus=None):
        """`run` the bundle with the checker as process; absorb its TAP."""
        bundle.write()
        p = self.runtime('run', *extra, '--bundle', bundle.dir, bundle.id, timeout=60, pass_fds=pass_fds)
        self.destroy(bundle.id)
        lines, plan = self.results.absorb_tap(prefix, p.out, focus)
        if lines == 0:
            self.results.fail(f'{prefix}: container ran the checker', p.why())
            return p
        self.results.check(f'{prefix}: checker finished (TAP plan matches)', plan == lines,
                           f'plan {plan} for {lines} lines; {p.why()}')
        self.results.check(f'{prefix}: exit status 0', p.rc == 0, p.why())
        return p

    def expect_rejected(self, prefix, bundle, op='create'):
        """A config the runtime MUST refuse: an error, and nothing left behind."""
        bundle.write()
        before = self.host_mounts()
        p = self.runtime(op, '--bundle', bundle.dir, bundle.id, timeout=30)
        if op == 'run' or p.rc == 0:
            self.destroy(bundle.id)
        self.results.check(f'{prefix}: {op} fails', p.rc != 0, 'runtime accepted it')
        left = self.leftovers(bundle, before)
        self.results.check(f'{prefix}: nothing left behind', not left, '; '.join(left))
        return p

    # ---- what a container may leave behind --------------------------------
    def host_mounts(self):
        return [line for line in read('/proc/self/mountinfo').splitlines() if self.workdir in line]

    def cgroup_dirs(self, path):
        return [h + path for h in self.host.hierarchies() if os.path.isdir(h + path)]

    def leftovers(self, bundle, mounts_before=()):
        left = []
        if self.runtime('state', bundle.id, timeout=10).rc == 0:
            left.append('state still answers')
        if os.path.isdir(self.root) and any(bundle.id in e for e in os.listdir(self.root)):
            left.append('state directory remains')
        left += [f'cgroup {d}' for d in self.cgroup_dirs(bundle.cgroup_path)]
        new = set(self.host_mounts()) - set(mounts_before)
        left += [f'mount {m.split()[4]}' for m in new if bundle.dir in m]
        for pid in self.processes_in(bundle.rootfs):
            left.append(f'process {pid}')
        return left

    @staticmethod
    def processes_in(rootfs):
        pids = []
        for entry in os.listdir('/proc'):
            if entry.isdigit():
                try:
                    if os.readlink(f'/proc/{entry}/root') == rootfs:
                        pids.append(int(entry))
                except OSError:
                    pass
        return pids

    # ---- helpers the cases start (namespace holders, agents) --------------
    def helper(self, argv):
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        self.helpers.append(proc)
        return proc

    def on_cleanup(self, fn):
        self.cleanups.append(fn)

    # ---- cleanup -------------------------------------------------------------
    def _remove_cgroup(self, path):
        for d in sorted(self.cgroup_dirs(path), reverse=True):
            for pid in read(os.path.join(d, 'cgroup.procs')).split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.05)

    def close(self):
        for b in self.bundles:
            if os.path.isdir(self.root) and any(b.id in e for e in os.listdir(self.root)):
                self.destroy(b.id)
            for pid in self.processes_in(b.rootfs):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self._remove_cgroup(b.cgroup_path)
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:  # cleanup must go on
                self.results.note(f'cleanup: {e}')
        for proc in self.helpers:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
        for point in sorted((m.split()[4] for m in self.host_mounts()), key=len, reverse=True):
            subprocess.run(['umount', '-l', point], stderr=subprocess.DEVNULL)
        for fd in (self.leak_fd, self.preserve_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)
