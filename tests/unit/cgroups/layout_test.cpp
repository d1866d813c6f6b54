#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "cgroups/drivers.hpp"
#include "cgroups/layout.hpp"

using namespace ocirt::cgroups;

namespace {

// This host's shape: v1 controllers, a named systemd hierarchy and an empty v2 tree.
const char* kHybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "50 31 0:32 / /mnt/again rw,relatime - cgroup cgroup rw,memory\n";

const char* kUnified = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

}  // namespace

TEST_CASE("mountinfo: a hybrid host has v1 hierarchies and a v2 tree", "[cgroups]") {
    Layout l = parse_mountinfo(kHybrid);
    CHECK(l.mode() == Mode::hybrid);
    REQUIRE(l.v1.size() == 3);  // the second memory mount is the same hierarchy
    CHECK(l.v1[0].controllers == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(l.find_v1("cpuacct")->mount_point == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK(l.find_v1("name=systemd")->mount_point == "/sys/fs/cgroup/systemd");
    CHECK(l.find_v1("pids") == nullptr);
    REQUIRE(l.unified);
    CHECK(l.unified->mount_point == "/sys/fs/cgroup/unified");
}

TEST_CASE("mountinfo: unified and legacy layouts", "[cgroups]") {
    CHECK(parse_mountinfo(kUnified).mode() == Mode::unified);
    std::string legacy = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
    CHECK(parse_mountinfo(legacy).mode() == Mode::legacy);
    std::string spaced = "35 31 0:32 / /mnt/a\\040b rw - cgroup cgroup rw,pids\n";
    CHECK(parse_mountinfo(spaced).v1.at(0).mount_point == "/mnt/a b");
}

TEST_CASE("/proc/self/cgroup lines by controller", "[cgroups]") {
    auto own = parse_proc_cgroup("9:name=systemd:/\n4:memory:/a/b\n2:cpu,cpuacct:/c\n0::/user.slice\n");
    CHECK(own.at("memory") == "/a/b");
    CHECK(own.at("cpu,cpuacct") == "/c");
    CHECK(own.at("") == "/user.slice");
    Layout l = parse_mountinfo(kHybrid);
    CHECK(own_cgroup_in(*l.find_v1("cpu"), own) == "/c");
    CHECK(own_cgroup_in(*l.unified, own) == "/user.slice");
}

TEST_CASE("cgroupsPath: absolute, relative and absent", "[cgroups]") {
    CHECK(resolve_cgroup_path("/pod/ctr", "id", "/own") == "/pod/ctr");
    CHECK(resolve_cgroup_path("pod/ctr", "id", "/own") == "/own/pod/ctr");
    CHECK(resolve_cgroup_path("", "id", "/own") == "/own/id");
    CHECK(resolve_cgroup_path("", "id", "/") == "/id");
    CHECK(resolve_cgroup_path("/a/../b//c/", "id", "/") == "/b/c");
    CHECK(clean_path("../..") == "/");
}

TEST_CASE("host directories allow for a mount of a sub-tree", "[cgroups]") {
    Hierarchy h{"/sys/fs/cgroup/memory", "/", {"memory"}};
    CHECK(host_dir(h, "/a/b") == "/sys/fs/cgroup/memory/a/b");
    Hierarchy sub{"/sys/fs/cgroup", "/ns", {}};
    CHECK(host_dir(sub, "/ns/a") == "/sys/fs/cgroup/a");
    CHECK(host_dir(sub, "/other") == "/sys/fs/cgroup/other");
}

TEST_CASE("container directories on every hierarchy, the root refused", "[cgroups]") {
    Layout l = parse_mountinfo(kHybrid);
    auto own = parse_proc_cgroup("4:memory:/m\n0::/\n");
    auto dirs = container_dirs(l, own, "", "c1");
    CHECK(dirs.at("memory") == "/sys/fs/cgroup/memory/m/c1");
    CHECK(dirs.at("cpu,cpuacct") == "/sys/fs/cgroup/cpu,cpuacct/c1");
    CHECK(dirs.at("name=systemd") == "/sys/fs/cgroup/systemd/c1");
    CHECK(dirs.at("") == "/sys/fs/cgroup/unified/c1");
    CHECK_THROWS_WITH(container_dirs(l, own, "/", "c1"), Catch::Contains("linux.cgroupsPath"));
}

TEST_CASE("the saved form round-trips", "[cgroups]") {
    Saved s{"cgroupfs", {{"memory", "/sys/fs/cgroup/memory/a/b"}, {"", "/u/a/b"}}, {{"memory", "/sys/fs/cgroup/memory/a"}}, ""};
    Saved back = decode_saved(encode_saved(s));
    CHECK(back.driver == "cgroupfs");
    CHECK(back.dirs == s.dirs);
    CHECK(back.created == s.created);
    CHECK_THROWS_AS(decode_saved("/old/plain/path"), ocirt::Error);
}
