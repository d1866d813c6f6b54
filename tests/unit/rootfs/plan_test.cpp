#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "rootfs/plan.hpp"

using namespace ocirt;
using namespace ocirt::rootfs;

namespace {

spec::Config config_with(std::vector<spec::Mount> mounts) {
    spec::Config c;
    c.root = spec::Root{"rootfs", false};
    c.mounts = std::move(mounts);
    c.linux_ = spec::Linux{};
    return c;
}

spec::Mount mnt(std::string dest, std::string type, std::string src, std::vector<std::string> opts) {
    return {std::move(dest), std::move(src), std::move(type), std::move(opts), {}, {}};
}

Host v1_host() {
    Host h;
    h.cgroup_v1 = {{"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct", false, {"cpu", "cpuacct"}},
                   {"memory", "/sys/fs/cgroup/memory", "memory", false, {}}};
    return h;
}

}  // namespace

TEST_CASE("parse_options: flags set and cleared in order", "[rootfs]") {
    auto o = parse_options({"ro", "nosuid", "nodev", "noexec", "rw", "suid"});
    CHECK(o.flags == (MS_NODEV | MS_NOEXEC));
    CHECK(o.cleared == (MS_RDONLY | MS_NOSUID));
    CHECK(o.data.empty());

    CHECK(parse_options({"sync", "dirsync", "mand", "lazytime", "silent", "iversion"}).flags ==
          (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | MS_SILENT | MS_I_VERSION));
    CHECK(parse_options({"sync", "async"}).flags == 0);
    CHECK(parse_options({"mand", "nomand", "silent", "loud", "iversion", "noiversion"}).flags == 0);
    CHECK(parse_options({"noatime", "nodiratime", "relatime", "strictatime"}).flags ==
          (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME));
    CHECK(parse_options({"noatime", "atime", "nodiratime", "diratime", "relatime", "norelatime", "strictatime",
                         "nostrictatime", "lazytime", "nolazytime"})
              .flags == 0);
    CHECK(parse_options({"remount", "ro"}).flags == (MS_REMOUNT | MS_RDONLY));
    CHECK(parse_options({"bind"}).flags == MS_BIND);
    CHECK(parse_options({"rbind"}).flags == (MS_BIND | MS_REC));
    CHECK(parse_options({"defaults"}).flags == 0);
    CHECK(parse_options({"nosymfollow"}).flags == MS_NOSYMFOLLOW);
}

TEST_CASE("parse_options: propagation, the last one wins", "[rootfs]") {
    CHECK(parse_options({"private"}).propagation == MS_PRIVATE);
    CHECK(parse_options({"rprivate"}).propagation == (MS_PRIVATE | MS_REC));
    CHECK(parse_options({"shared"}).propagation == MS_SHARED);
    CHECK(parse_options({"rshared"}).propagation == (MS_SHARED | MS_REC));
    CHECK(parse_options({"slave"}).propagation == MS_SLAVE);
    CHECK(parse_options({"rslave"}).propagation == (MS_SLAVE | MS_REC));
    CHECK(parse_options({"unbindable"}).propagation == MS_UNBINDABLE);
    CHECK(parse_options({"runbindable"}).propagation == (MS_UNBINDABLE | MS_REC));
    auto o = parse_options({"rbind", "rprivate", "shared"});
    CHECK(o.propagation == MS_SHARED);
    CHECK(o.flags == (MS_BIND | MS_REC));
}

TEST_CASE("parse_options: recursive attributes for mount_setattr", "[rootfs]") {
    auto o = parse_options({"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"});
    CHECK(o.recursive.set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                              MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
    CHECK(o.recursive.clr == 0);
    CHECK(o.flags == 0);
    o = parse_options({"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"});
    CHECK(o.recursive.set == 0);
    CHECK(o.recursive.clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                              MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
    o = parse_options({"rnoatime"});
    CHECK(o.recursive.set == MOUNT_ATTR_NOATIME);
    CHECK(o.recursive.clr == MOUNT_ATTR__ATIME);
    o = parse_options({"rnoatime", "rstrictatime"});
    CHECK(o.recursive.set == MOUNT_ATTR_STRICTATIME);
    o = parse_options({"rstrictatime", "rrelatime"});
    CHECK(o.recursive.set == MOUNT_ATTR_RELATIME);
    CHECK(o.recursive.clr == MOUNT_ATTR__ATIME);
}

TEST_CASE("parse_options: idmap and unknown options into data", "[rootfs]") {
    auto o = parse_options({"nosuid", "mode=755", "size=65536k", "idmap"});
    CHECK(o.data == "mode=755,size=65536k");
    CHECK(o.idmap);
    CHECK_FALSE(o.idmap_recursive);
    CHECK(parse_options({"ridmap"}).idmap_recursive);
    CHECK(parse_options({"newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}).data ==
          "newinstance,ptmxmode=0666,mode=0620,gid=5");
}

TEST_CASE("clean_relative keeps destinations inside the rootfs", "[rootfs]") {
    CHECK(clean_relative("/proc") == "proc");
    CHECK(clean_relative("/a//b/./c/") == "a/b/c");
    CHECK(clean_relative("/../../etc") == "etc");
    CHECK(clean_relative("/a/../../b") == "b");
    CHECK(clean_relative("/") == "");
}

TEST_CASE("make_plan: rootfs path, propagation, readonly", "[rootfs]") {
    auto c = config_with({});
    auto p = make_plan(c, "/b", false, Host{});
    CHECK(p.root == "/b/rootfs");
    CHECK(p.root_propagation == (MS_SLAVE | MS_REC));
    CHECK(p.rootfs_propagation == 0);
    CHECK(p.setup_dev);  // no /dev mount: the image's /dev still gets the default devices
    c.root = spec::Root{"/abs/root", true};
    c.linux_->rootfsPropagation = "private";
    p = make_plan(c, "/b", false, Host{});
    CHECK(p.root == "/abs/root");
    CHECK(p.readonly);
    CHECK(p.root_propagation == (MS_PRIVATE | MS_REC));
    CHECK(p.rootfs_propagation == MS_PRIVATE);
    c.linux_->rootfsPropagation = "rshared";
    CHECK(make_plan(c, "/b", false, Host{}).rootfs_propagation == (MS_SHARED | MS_REC));
    c.linux_->rootfsPropagation = "bogus";
    CHECK_THROWS_WITH(make_plan(c, "/b", false, Host{}), Catch::Contains("linux.rootfsPropagation"));
}

TEST_CASE("make_plan: fresh mounts keep flags and data, label where it applies", "[rootfs]") {
    auto c = config_with({mnt("/proc", "proc", "proc", {}),
                          mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
                          mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"})});
    c.linux_->mountLabel = "system_u:object_r:container_file_t:s0";
    Host h;
    h.selinux = true;
    auto p = make_plan(c, "/b", false, h);
    REQUIRE(p.mounts.size() == 3);
    CHECK(p.mounts[0].kind == MountKind::fresh);
    CHECK(p.mounts[0].destination == "proc");
    CHECK(p.mounts[0].flags == 0);
    CHECK(p.mounts[0].data.empty());
    CHECK(p.mounts[1].flags == (MS_NOSUID | MS_STRICTATIME));
    CHECK(p.mounts[1].data == "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0\"");
    CHECK(p.mounts[2].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
    CHECK(p.mounts[2].data.empty());  // sysfs takes no context=
    CHECK(p.setup_dev);
    CHECK(make_plan(c, "/b", false, Host{}).mounts[1].data == "mode=755,size=65536k");  // no SELinux
}

TEST_CASE("make_plan: binds get attributes for mount_setattr, relative sources from the bundle", "[rootfs]") {
    auto c = config_with({mnt("/data", "bind", "data", {"rbind", "ro", "nosuid", "noatime", "rprivate"}),
                          mnt("/etc/hosts", "none", "/h/hosts", {"bind", "rw", "suid"}),
                          mnt("/x", "bind", "/x", {"rbind", "rro", "rnodev"})});
    auto p = make_plan(c, "/b", false, Host{});
    REQUIRE(p.mounts.size() == 3);
    const auto& d = p.mounts[0];
    CHECK(d.kind == MountKind::bind);
    CHECK(d.source == "/b/data");
    CHECK(d.flags == (MS_BIND | MS_REC));
    CHECK(d.attrs.set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME));
    CHECK(d.attrs.clr == MOUNT_ATTR__ATIME);
    CHECK(d.propagation == (MS_PRIVATE | MS_REC));
    const auto& hosts = p.mounts[1];
    CHECK(hosts.flags == MS_BIND);
    CHECK(hosts.attrs.set == 0);
    CHECK(hosts.attrs.clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
    CHECK(p.mounts[2].recursive.set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV));
    CHECK(p.mounts[2].attrs.empty());
    CHECK(p.setup_dev);
    c.mounts.push_back(mnt("/dev", "bind", "/dev", {"rbind"}));
    CHECK_FALSE(make_plan(c, "/b", false, Host{}).setup_dev);  // a bound /dev is left as it is
}

TEST_CASE("make_plan: idmap needs a bind and mappings", "[rootfs]") {
    spec::Mount m = mnt("/data", "bind", "/d", {"rbind", "ridmap"});
    m.uidMappings = {{0, 100000, 65536}};
    m.gidMappings = {{0, 100000, 65536}};
    auto p = make_plan(config_with({m}), "/b", false, Host{});
    CHECK(p.mounts[0].idmap);
    CHECK(p.mounts[0].idmap_recursive);
    CHECK(p.mounts[0].uidMappings.size() == 1);
    // Without mappings on the mount, the container's user namespace mappings are used.
    auto c = config_with({mnt("/data", "bind", "/d", {"bind", "idmap"})});
    CHECK_THROWS_WITH(make_plan(c, "/b", false, Host{}), Catch::Contains("mounts[0]"));
    c.linux_->uidMappings = {{0, 1000, 1}};
    c.linux_->gidMappings = {{0, 1000, 1}};
    CHECK(make_plan(c, "/b", true, Host{}).mounts[0].uidMappings[0].hostID == 1000);
    CHECK_THROWS_WITH(make_plan(config_with({mnt("/t", "tmpfs", "tmpfs", {"idmap"})}), "/b", false, Host{}),
                      Catch::Contains("idmap needs a bind mount"));
    CHECK_THROWS_WITH(make_plan(config_with({mnt("/", "tmpfs", "tmpfs", {})}), "/b", false, Host{}),
                      Catch::Contains("mounts[0] (/): destination"));
}

TEST_CASE("make_plan: cgroup mounts follow the host layout", "[rootfs]") {
    auto c = config_with({mnt("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"})});
    auto p = make_plan(c, "/b", false, v1_host());
    const auto& m = p.mounts[0];
    CHECK(m.kind == MountKind::cgroup_v1);
    CHECK(m.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY));
    CHECK(m.attrs.set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    REQUIRE(m.hierarchies.size() == 2);
    CHECK(m.hierarchies[0].links == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK_FALSE(m.cgroupns);
    c.linux_->namespaces.push_back({spec::NamespaceType::cgroup, {}});
    CHECK(make_plan(c, "/b", false, v1_host()).mounts[0].cgroupns);
    Host v2;
    v2.cgroup_v2 = true;
    auto p2 = make_plan(c, "/b", false, v2);
    CHECK(p2.mounts[0].kind == MountKind::cgroup_v2);
    CHECK(p2.mounts[0].type == "cgroup2");
}

TEST_CASE("make_plan: default and configured devices, /dev links", "[rootfs]") {
    auto c = config_with({mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "mode=755"})});
    spec::Device fuse{"c", "/dev/fuse", 10, 229, 0600, 1000, 1000};
    spec::Device null2{"c", "/dev/null", 1, 3, 0640, {}, {}};
    c.linux_->devices = {fuse, null2};
    auto p = make_plan(c, "/b", false, Host{});
    REQUIRE(p.devices.size() == 7);
    CHECK(p.devices[0].path == "dev/zero");  // the configured /dev/null replaced the default one
    const auto& f = p.devices[5];
    CHECK(f.path == "dev/fuse");
    CHECK(f.mode == (S_IFCHR | 0600));
    CHECK(f.dev == makedev(10, 229));
    CHECK(f.uid == 1000);
    CHECK(p.devices[6].mode == (S_IFCHR | 0640));
    CHECK_FALSE(f.bind);
    REQUIRE(p.symlinks.size() == 6);
    CHECK(p.symlinks[5].target == "pts/ptmx");
    CHECK(p.symlinks[5].path == "dev/ptmx");
    auto u = make_plan(c, "/b", true, Host{});
    CHECK(u.devices[0].bind);
    CHECK(u.devices[0].host_path == "/dev/zero");
    c.linux_->devices = {{"b", "/etc/sda", 8, 0, {}, {}, {}}};  // the spec allows a device outside /dev
    CHECK(make_plan(c, "/b", false, Host{}).devices.back().path == "etc/sda");
    c.linux_->devices = {{"x", "/dev/x", 8, 0, {}, {}, {}}};
    CHECK_THROWS_WITH(make_plan(c, "/b", false, Host{}), Catch::Contains("linux.devices[0].type"));
}

TEST_CASE("make_plan: masked and read-only paths are relative", "[rootfs]") {
    auto c = config_with({});
    c.linux_->maskedPaths = {"/proc/kcore", "/sys/firmware"};
    c.linux_->readonlyPaths = {"/proc/sys/"};
    auto p = make_plan(c, "/b", false, Host{});
    CHECK(p.masked == std::vector<std::string>{"proc/kcore", "sys/firmware"});
    CHECK(p.readonly_paths == std::vector<std::string>{"proc/sys"});
}
