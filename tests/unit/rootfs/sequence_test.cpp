// The order and arguments of the child's calls, checked with the recording fake (no root needed).
#include <errno.h>

#include <catch2/catch.hpp>

#include "../sys/recording_syscalls.hpp"
#include "base/error.hpp"
#include "rootfs/plan.hpp"
#include "rootfs/rootfs.hpp"
#include "prepare_all.hpp"

using namespace ocirt;
using namespace ocirt::rootfs;
using ocirt::testing::RecordingSyscalls;
using ocirt::testing::prepare;
using Lines = std::vector<std::string>;

namespace {

spec::Mount mnt(std::string dest, std::string type, std::string src, std::vector<std::string> opts) {
    return {std::move(dest), std::move(src), std::move(type), std::move(opts), {}, {}};
}

Plan plan_of(std::vector<spec::Mount> mounts, bool userns = false) {
    spec::Config c;
    c.root = spec::Root{"/r", false};
    c.mounts = std::move(mounts);
    c.linux_ = spec::Linux{};
    return make_plan(c, "/b", userns, Host{});
}

}  // namespace

TEST_CASE("prepare: / slave, rootfs bound, fresh mounts through the resolved fd", "[rootfs]") {
    RecordingSyscalls s;
    auto p = plan_of({mnt("/proc", "proc", "proc", {"nosuid", "nodev", "noexec"}),
                      mnt("/dev/shm", "tmpfs", "shm", {"nosuid", "mode=1777"})});
    prepare(s, p);
    CHECK(s.only({"mount"}) == Lines{
                                   "mount(,/,,MS_REC|MS_SLAVE,)",
                                   "mount(/r,/r,,MS_BIND|MS_REC,)",
                                   "mount(proc,/r/proc,proc,MS_NOSUID|MS_NODEV|MS_NOEXEC,)",
                                   "mount(shm,/r/dev/shm,tmpfs,MS_NOSUID,mode=1777)",
                               });
}

TEST_CASE("prepare: missing destinations are created one component at a time", "[rootfs]") {
    RecordingSyscalls s;
    s.missing = {"/r/dev", "/r/dev/shm"};
    prepare(s, plan_of({mnt("/dev/shm", "tmpfs", "shm", {})}));
    CHECK(s.only({"mkdirat", "mount"}) == Lines{
                                              "mount(,/,,MS_REC|MS_SLAVE,)",
                                              "mount(/r,/r,,MS_BIND|MS_REC,)",
                                              "mkdirat(/r/dev,493)",
                                              "mkdirat(/r/dev/shm,493)",
                                              "mount(shm,/r/dev/shm,tmpfs,0,)",
                                          });
}

TEST_CASE("prepare: a bind is cloned, given its attributes detached, then moved (propagation comes after pivot)", "[rootfs]") {
    RecordingSyscalls s;
    s.set_file("/h/hosts");
    s.missing = {"/r/etc/hosts"};
    auto plan = plan_of({mnt("/etc/hosts", "bind", "/h/hosts", {"bind", "ro", "nosuid", "rprivate"}),
                         mnt("/data", "bind", "/d", {"rbind", "rro"})});
    plan.setup_dev = false;  // the default devices have a test of their own
    prepare(s, plan);
    CHECK(s.only({"open_tree", "openat2", "mount_setattr", "move_mount"}) ==
          Lines{
              "openat2(/r)",
              "open_tree(/h/hosts)",
              "openat2(/r/etc/hosts)",
              "openat2(/r/etc)",
              "openat2(/r/etc/hosts,O_CREAT)",
              "openat2(/r/etc/hosts)",
              "mount_setattr(/h/hosts,set=RDONLY|NOSUID,clr=0)",
              "move_mount(/h/hosts,/r/etc/hosts)",
              "open_tree(/d,AT_RECURSIVE)",
              "openat2(/r/data)",
              "mount_setattr(/d,set=RDONLY,clr=0,AT_RECURSIVE)",
              "move_mount(/d,/r/data)",
          });
}

TEST_CASE("prepare: devices, owner, umask and /dev links", "[rootfs]") {
    RecordingSyscalls s;
    spec::Config c;
    c.root = spec::Root{"/r", false};
    c.mounts = {mnt("/dev", "tmpfs", "tmpfs", {"mode=755"})};
    c.linux_ = spec::Linux{};
    c.linux_->devices = {{"c", "/dev/fuse", 10, 229, 0600, 1000, 1000}};
    prepare(s, make_plan(c, "/b", false, Host{}));
    auto lines = s.only({"mknodat", "fchownat", "umask", "symlinkat"});
    REQUIRE(lines.size() == 1 + 7 + 1 + 1 + 6);
    CHECK(lines[0] == "umask(0)");
    CHECK(lines[1] == "mknodat(/r/dev/null,20666,1:3)");
    CHECK(lines[6] == "mknodat(/r/dev/tty,20666,5:0)");
    CHECK(lines[7] == "mknodat(/r/dev/fuse,20600,10:229)");
    CHECK(lines[8] == "fchownat(/r/dev/fuse,1000:1000)");
    CHECK(lines[9] == "umask(18)");
    CHECK(lines[10] == "symlinkat(/proc/self/fd,/r/dev/fd)");
    CHECK(lines[15] == "symlinkat(pts/ptmx,/r/dev/ptmx)");
}

TEST_CASE("prepare: in a user namespace devices are bound from the host and checked", "[rootfs]") {
    RecordingSyscalls s;
    s.set_char("/dev/null", 1, 3);
    s.set_char("/dev/zero", 1, 5);
    s.set_char("/dev/full", 8, 0);  // not what /dev/full should be
    s.missing = {"/r/dev/null", "/r/dev/zero", "/r/dev/full"};
    auto p = plan_of({mnt("/dev", "tmpfs", "tmpfs", {})}, true);
    CHECK_THROWS_WITH(prepare(s, p), Catch::Contains("/dev/full") && Catch::Contains("different device"));
    CHECK(s.only({"move_mount"}) == Lines{"move_mount(/dev/null,/r/dev/null)", "move_mount(/dev/zero,/r/dev/zero)"});
}

TEST_CASE("prepare: a destination that resolves into procfs is refused", "[rootfs]") {
    RecordingSyscalls s;
    s.on_procfs = {"/r/x", "/r/proc/cpuinfo"};
    auto p = plan_of({mnt("/x", "tmpfs", "tmpfs", {})});
    CHECK_THROWS_WITH(prepare(s, p), Catch::Contains("mounts[0] (/x): destination: resolves into procfs"));
    CHECK(s.only({"mount"}).size() == 2);  // only / and the rootfs bind
    RecordingSyscalls s2;
    s2.on_procfs = {"/r/proc/cpuinfo"};
    s2.set_file("/lxcfs/cpuinfo");
    prepare(s2, plan_of({mnt("/proc/cpuinfo", "bind", "/lxcfs/cpuinfo", {"bind"})}));
    CHECK(s2.only({"move_mount"}) == Lines{"move_mount(/lxcfs/cpuinfo,/r/proc/cpuinfo)"});
}

TEST_CASE("prepare: a failing mount names source, target and flags", "[rootfs]") {
    RecordingSyscalls s;
    s.fail_on("mount(sysfs", EPERM);
    auto p = plan_of({mnt("/sys", "sysfs", "sysfs", {"nosuid", "ro"})});
    CHECK_THROWS_WITH(prepare(s, p), Catch::Contains("mounts[0] (/sys)") && Catch::Contains("source=sysfs") &&
                                         Catch::Contains("target=/sys") &&
                                         Catch::Contains("MS_RDONLY|MS_NOSUID") &&
                                         Catch::Contains("Operation not permitted"));
}

TEST_CASE("enter: pivot_root, detach, read-only paths, masks, read-only root last", "[rootfs]") {
    RecordingSyscalls s;
    spec::Config c;
    c.root = spec::Root{"/r", true};
    c.linux_ = spec::Linux{};
    c.linux_->maskedPaths = {"/proc/kcore", "/proc/acpi", "/proc/absent"};
    c.linux_->readonlyPaths = {"/proc/sys"};
    s.set_file("/proc/kcore");
    s.missing = {"/proc/absent"};
    enter(s, make_plan(c, "/b", false, Host{}), false);
    CHECK(s.only({"chdir", "pivot_root", "umount2", "mount", "move_mount", "mount_setattr", "fsmount"}) ==
          Lines{
              "chdir(/r)",
              "pivot_root(.,.)",
              "mount(,.,,MS_REC|MS_SLAVE,)",
              "umount2(.,2)",
              "chdir(/)",
              "mount_setattr(/proc/sys,set=RDONLY,clr=0,AT_RECURSIVE)",
              "move_mount(/proc/sys,/proc/sys)",
              "move_mount(/dev/null,/proc/kcore)",
              "fsmount(fs:tmpfs,RDONLY|NOSUID|NODEV|NOEXEC)",
              "move_mount(mnt:fs:tmpfs,/proc/acpi)",
              "mount_setattr(/,set=RDONLY,clr=0)",
          });
}

TEST_CASE("enter: --no-pivot moves the rootfs onto / and chroots", "[rootfs]") {
    RecordingSyscalls s;
    spec::Config c;
    c.root = spec::Root{"/r", false};
    c.linux_ = spec::Linux{};
    c.linux_->rootfsPropagation = "shared";
    enter(s, make_plan(c, "/b", false, Host{}), true);
    CHECK(s.only({"chdir", "chroot", "mount", "pivot_root"}) == Lines{
                                                                    "chdir(/r)",
                                                                    "mount(/r,/,,MS_MOVE,)",
                                                                    "chroot(.)",
                                                                    "chdir(/)",
                                                                    "mount(,/,,MS_SHARED,)",
                                                                });
}

TEST_CASE("enter: a /dev/null that is not 1:3 is never bound over a masked path", "[rootfs]") {
    for (bool as_link : {true, false}) {
        RecordingSyscalls s;
        s.set_file("/proc/kcore");
        if (as_link)
            s.set_symlink("/dev/null");
        else
            s.set_file("/dev/null");
        spec::Config c;
        c.root = spec::Root{"/r", false};
        c.linux_ = spec::Linux{};
        c.linux_->maskedPaths = {"/proc/kcore"};
        CHECK_THROWS_WITH(enter(s, make_plan(c, "/b", false, Host{}), false), Catch::Contains("not the null device"));
        CHECK(s.only({"move_mount"}).empty());
    }
}

TEST_CASE("mount_console replaces a symlink at /dev/console, then binds the pty", "[rootfs]") {
    RecordingSyscalls s;
    s.set_symlink("/dev/console");
    mount_console(s, 0);
    CHECK(s.only({"unlinkat", "move_mount"}) ==
          Lines{"unlinkat(/dev/console)", "move_mount(" + s.label(0) + ",/dev/console)"});
}
