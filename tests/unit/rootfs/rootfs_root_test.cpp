// prepare + enter for real, as root, each in a forked child with its own mount namespace; attack cases try to
// redirect mounts out of the rootfs with symlinks in the image.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>

#include "prepare_all.hpp"
#include "root_harness.hpp"
#include "rootfs/plan.hpp"
#include "rootfs/rootfs.hpp"

using namespace ocirt;
using namespace ocirt::testing;

namespace {

std::string expect(bool ok, const std::string& what) { return ok ? "" : what + "; "; }

std::string check_char(const char* path, unsigned maj, unsigned min) {
    struct stat st {};
    if (lstat(path, &st) < 0) return std::string(path) + " missing; ";
    return expect(S_ISCHR(st.st_mode) && st.st_rdev == makedev(maj, min),
                  std::string(path) + " is not char " + std::to_string(maj) + ":" + std::to_string(min));
}

std::string link_of(const char* path) {
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf);
    return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

bool read_only(const char* path) {
    struct statvfs sv {};
    return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

// The checks a `runc spec` container must pass from inside.
std::string check_default_container(bool readonly_root) {
    std::string err;
    auto all = mounts();
    for (const char* p : {"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"})
        err += expect(find_mount(all, p) != nullptr, std::string("no mount at ") + p);
    err += expect(all.size() < 60, "the old root's mounts are still there");
    err += check_char("/dev/null", 1, 3) + check_char("/dev/zero", 1, 5) + check_char("/dev/urandom", 1, 9);
    err += check_char("/dev/tty", 5, 0);
    err += expect(link_of("/dev/ptmx") == "pts/ptmx", "/dev/ptmx is not a link to pts/ptmx");
    err += expect(link_of("/dev/fd") == "/proc/self/fd", "/dev/fd link");
    err += expect(link_of("/dev/stderr") == "/proc/self/fd/2", "/dev/stderr link");
    err += check_char("/proc/keys", 1, 3);  // a masked file: /dev/null over it
    struct statfs sf {};
    err += expect(statfs("/proc/acpi", &sf) == 0 && sf.f_type == TMPFS_MAGIC && read_only("/proc/acpi"),
                  "/proc/acpi is not masked by a read-only tmpfs");
    err += expect(read_only("/proc/sys"), "/proc/sys is writable");
    err += expect(read_only("/sys"), "/sys is writable");
    err += expect(access("/bin/busybox", X_OK) == 0, "no /bin/busybox in the container");
    err += expect(read_only("/") == readonly_root, "root read-only state differs from root.readonly");
    if (auto* cg = find_mount(all, "/sys/fs/cgroup/memory"))
        err += expect(cg->options.rfind("ro", 0) == 0, "cgroup hierarchy is writable");
    return err;
}

std::string run_container(const TempRootfs& t, const spec::Config& c, bool no_pivot,
                          const std::function<std::string()>& inside) {
    return in_mount_namespace([&] {
        auto plan = rootfs::make_plan(c, t.bundle(), false);
        testing::prepare(sys::real(), plan);
        rootfs::enter(sys::real(), plan, no_pivot);
        return inside();
    });
}

}  // namespace

TEST_CASE("a runc spec container gets its mounts, devices and masks", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    auto c = runc_default_config();
    CHECK(run_container(t, c, false, [] { return check_default_container(false); }) == "");
}

TEST_CASE("root.readonly and --no-pivot", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    auto c = runc_default_config();
    c.root->readonly = true;
    CHECK(run_container(t, c, false, [] {
              int fd = open("/newfile", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
              return check_default_container(true) + expect(fd < 0 && errno == EROFS, "root is writable");
          }) == "");
    CHECK(run_container(t, c, true, [] { return check_default_container(true); }) == "");
}

TEST_CASE("bind mounts with options, a file bind and a tmpfs with data", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    t.write("../hostfile", "hello");
    auto c = runc_default_config();
    spec::Mount b{"/mnt/etc", "/etc", "bind", {"rbind", "ro", "nosuid"}, {}, {}};
    spec::Mount f{"/etc/hostfile", "hostfile", "bind", {"bind", "ro"}, {}, {}};
    spec::Mount tmp{"/tmp", "tmpfs", "tmpfs", {"noexec", "size=1m", "mode=1777"}, {}, {}};
    c.mounts.insert(c.mounts.end(), {b, f, tmp});
    CHECK(run_container(t, c, false, [] {
              auto all = mounts();
              std::string err;
              const auto* m = find_mount(all, "/mnt/etc");
              err += expect(m && m->options.find("ro") == 0 && m->options.find("nosuid") != std::string::npos,
                            "/mnt/etc is not ro,nosuid");
              err += expect(access("/mnt/etc/passwd", R_OK) == 0, "/mnt/etc/passwd not visible");
              err += expect(read_only("/etc/hostfile"), "/etc/hostfile bind is writable");
              const auto* tm = find_mount(all, "/tmp");
              err += expect(tm && tm->fstype == "tmpfs" && tm->options.find("noexec") != std::string::npos,
                            "/tmp is not a noexec tmpfs");
              struct stat st {};
              err += expect(stat("/tmp", &st) == 0 && (st.st_mode & 07777) == 01777, "/tmp mode is not 1777");
              return err;
          }) == "");
}

TEST_CASE("a mount destination symlinked to the host's /etc stays inside the rootfs", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    t.symlink("/etc", "data");                      // absolute: would be the host's /etc if followed
    t.symlink("../../../../../../../etc", "data2");  // relative escape attempt
    auto c = runc_default_config();
    c.mounts.push_back({"/data/x", "tmpfs", "tmpfs", {}, {}, {}});
    c.mounts.push_back({"/data2/y", "tmpfs", "tmpfs", {}, {}, {}});
    std::string err = in_mount_namespace([&] {
        auto plan = rootfs::make_plan(c, t.bundle(), false);
        testing::prepare(sys::real(), plan);
        auto all = mounts();
        std::string e;
        e += expect(find_mount(all, "/etc/x") == nullptr && find_mount(all, "/etc/y") == nullptr,
                    "a tmpfs landed in the host's /etc");
        e += expect(find_mount(all, t.path("etc/x")) && find_mount(all, t.path("etc/y")),
                    "the tmpfs is not in the rootfs's /etc");
        return e;
    });
    CHECK(err == "");
    CHECK(access("/etc/x", F_OK) != 0);  // nothing created on the host either
    CHECK(access("/etc/y", F_OK) != 0);
}

TEST_CASE("a mount redirected into /proc by a symlink is refused", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    t.symlink("/proc/self", "attr");
    auto c = runc_default_config();
    for (const char* type : {"tmpfs", "bind"}) {
        auto c2 = c;
        c2.mounts.push_back({"/attr/attr", "/tmp", type, {}, {}, {}});
        auto err = run_container(t, c2, false, [] { return std::string("mounted"); });
        CHECK(err.find("mounts[7] (/attr/attr): destination: resolves into procfs") != std::string::npos);
    }
}

TEST_CASE("a masked path symlinked to a host file masks the rootfs's file", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    t.write("etc/hostname", "container");
    t.symlink("../../../../../../etc/hostname", "secret");
    auto c = runc_default_config();
    c.linux_->maskedPaths.push_back("/secret");
    CHECK(run_container(t, c, false, [] {
              auto all = mounts();
              return expect(find_mount(all, "/etc/hostname") != nullptr, "the mask is not on the rootfs's file") +
                     check_char("/etc/hostname", 1, 3);
          }) == "");
}

TEST_CASE("/dev/null replaced in the image is refused for masking", "[rootfs-root]") {
    if (!am_root()) return;
    for (bool as_link : {true, false}) {
        TempRootfs t;
        if (as_link)
            t.symlink("/etc/passwd", "dev/null");
        else
            t.write("dev/null", "not a device");
        auto c = runc_default_config();
        std::erase_if(c.mounts, [](const spec::Mount& m) { return m.destination.rfind("/dev", 0) == 0; });
        std::string err = run_container(t, c, false, [] { return std::string("enter succeeded"); });
        INFO("as_link=" << as_link);
        CHECK(err.find("/dev/null") != std::string::npos);
    }
}

TEST_CASE("/dev/console: the pty slave is bound over it, a symlink there is replaced", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    auto c = runc_default_config();
    std::erase_if(c.mounts, [](const spec::Mount& m) { return m.destination == "/dev"; });
    t.mkdir("dev/pts");
    t.symlink("/etc/passwd", "dev/console");
    REQUIRE(mknod(t.path("dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
    CHECK(run_container(t, c, false, [] {
              int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
              if (master < 0 || unlockpt(master) < 0) return std::string("no pty");
              int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
              if (slave < 0) return std::string("TIOCGPTPEER failed");
              rootfs::mount_console(sys::real(), slave);
              struct stat a {}, b {};
              fstat(slave, &a);
              return expect(lstat("/dev/console", &b) == 0 && S_ISCHR(b.st_mode) && b.st_rdev == a.st_rdev,
                            "/dev/console is not the pty slave");
          }) == "");
}

TEST_CASE("an idmapped bind shows the mount's mapping", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    t.mkdir("../shared");
    t.write("../shared/f", "x");  // owned by root on disk
    auto c = runc_default_config();
    spec::Mount m{"/shared", "shared", "bind", {"rbind", "ridmap"}, {{0, 1000, 10}}, {{0, 2000, 10}}};
    c.mounts.push_back(m);
    CHECK(in_mount_namespace([&] {
              auto plan = rootfs::make_plan(c, t.bundle(), false);
              auto fds = rootfs::open_idmap_namespaces(plan);
              testing::prepare(sys::real(), plan);
              rootfs::enter(sys::real(), plan, false);
              struct stat st {};
              if (stat("/shared/f", &st) < 0) return std::string("no /shared/f");
              return expect(st.st_uid == 1000 && st.st_gid == 2000,
                            "owner is " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid));
          }) == "");
}

TEST_CASE("devices bound from the host (user namespace plan)", "[rootfs-root]") {
    if (!am_root()) return;
    TempRootfs t;
    auto c = runc_default_config();
    CHECK(in_mount_namespace([&] {
              auto plan = rootfs::make_plan(c, t.bundle(), true);
              testing::prepare(sys::real(), plan);
              rootfs::enter(sys::real(), plan, false);
              auto all = mounts();
              return check_char("/dev/null", 1, 3) + check_char("/dev/tty", 5, 0) +
                     expect(find_mount(all, "/dev/null") != nullptr, "/dev/null is not a bind mount");
          }) == "");
}

TEST_CASE("rootfsPropagation values all pivot", "[rootfs-root]") {
    if (!am_root()) return;
    for (const char* prop : {"private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable"}) {
        TempRootfs t;
        auto c = runc_default_config();
        c.linux_->rootfsPropagation = prop;
        INFO(prop);
        CHECK(run_container(t, c, false, [] { return check_default_container(false); }) == "");
    }
}
