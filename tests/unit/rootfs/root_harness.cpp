#include "root_harness.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocirt::testing {

namespace fs = std::filesystem;

TempRootfs::TempRootfs() {
    std::string tmpl = (fs::temp_directory_path() / "ocirt-rootfs-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    bundle_ = dir_ + "/bundle";
    for (const char* d : {"bin", "etc", "tmp", "proc", "sys", "dev"}) fs::create_directories(path(d));
    if (fs::exists("/bin/busybox")) fs::copy_file("/bin/busybox", path("bin/busybox"));
    symlink("busybox", "bin/sh");
}

TempRootfs::~TempRootfs() {
    std::error_code ec;
    fs::remove_all(dir_, ec);  // symlinks are removed, never followed
}

void TempRootfs::symlink(const std::string& target, const std::string& rel) const {
    fs::create_symlink(target, path(rel));
}

void TempRootfs::mkdir(const std::string& rel) const { fs::create_directories(path(rel)); }

void TempRootfs::write(const std::string& rel, const std::string& content) const {
    std::ofstream(path(rel)) << content;
}

spec::Config runc_default_config() {
    spec::Config c;
    c.ociVersion = "1.3.0";
    c.root = spec::Root{"rootfs", false};
    auto m = [](std::string dest, std::string type, std::string src, std::vector<std::string> opts) {
        spec::Mount mt;
        mt.destination = std::move(dest);
        mt.type = std::move(type);
        mt.source = std::move(src);
        mt.options = std::move(opts);
        return mt;
    };
    c.mounts = {
        m("/proc", "proc", "proc", {}),
        m("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        m("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        m("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        m("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        m("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        m("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };
    spec::Linux l;
    l.namespaces = {{spec::NamespaceType::pid, {}}, {spec::NamespaceType::mount, {}}};
    l.maskedPaths = {"/proc/acpi",        "/proc/asound",      "/proc/kcore",       "/proc/keys",
                     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                     "/sys/firmware",     "/proc/scsi"};
    l.readonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    c.linux_ = l;
    return c;
}

std::string in_mount_namespace(const std::function<std::string()>& fn) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
    pid_t pid = fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
        ::close(p[0]);
        std::string err;
        try {
            if (unshare(CLONE_NEWNS) < 0) throw std::runtime_error("unshare(CLONE_NEWNS) failed");
            err = fn();
        } catch (const std::exception& e) {
            err = e.what();
        }
        if (!err.empty() && ::write(p[1], err.data(), err.size()) < 0) _exit(2);
        _exit(0);
    }
    ::close(p[1]);
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out += " (child died: status " + std::to_string(status) + ")";
    return out;
}

std::vector<MountEntry> mounts() {
    std::vector<MountEntry> out;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        std::istringstream ss(line);
        std::string id, parent, dev, root, point, opts, f;
        ss >> id >> parent >> dev >> root >> point >> opts;
        while (ss >> f && f != "-") {
        }
        std::string fstype;
        ss >> fstype;
        out.push_back({point, opts, fstype});
    }
    return out;
}

const MountEntry* find_mount(const std::vector<MountEntry>& all, const std::string& point) {
    const MountEntry* found = nullptr;
    for (const auto& m : all)
        if (m.point == point) found = &m;  // the last one is on top
    return found;
}

bool am_root() { return geteuid() == 0; }

}  // namespace ocirt::testing
