// create_mount_points: what a restore adds to a fresh rootfs before criu mounts onto it. Plain files in a
// temporary directory: no root and no mount needed.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "root_harness.hpp"
#include "rootfs/plan.hpp"
#include "rootfs/rootfs.hpp"

using namespace ocirt;
using namespace ocirt::testing;

namespace {

spec::Mount mnt(std::string dest, std::string type, std::string src, std::vector<std::string> opts) {
    return {std::move(dest), std::move(src), std::move(type), std::move(opts), {}, {}};
}

mode_t type_of(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0 ? st.st_mode & S_IFMT : 0;
}

rootfs::Plan plan_for(const TempRootfs& t, std::vector<spec::Mount> mounts) {
    spec::Config c;
    c.root = spec::Root{"rootfs", false};
    c.mounts = std::move(mounts);
    c.linux_ = spec::Linux{};
    return rootfs::make_plan(c, t.bundle(), false, rootfs::Host{});
}

}  // namespace

TEST_CASE("restore mount points: binds of files and directories, fresh mounts; none below a tmpfs", "[rootfs]") {
    TempRootfs t;
    t.write("hostfile", "x");
    t.mkdir("hostdir");
    rootfs::Plan p = plan_for(t, {mnt("/proc", "proc", "proc", {}),
                                  mnt("/run/.containerenv", "bind", t.path("hostfile"), {"rbind"}),
                                  mnt("/data/vol", "bind", t.path("hostdir"), {"bind"}),
                                  mnt("/scratch", "tmpfs", "tmpfs", {}),
                                  mnt("/scratch/inside", "bind", t.path("hostdir"), {"bind"})});
    ::rmdir(t.path("proc").c_str());
    rootfs::create_mount_points(sys::real(), p);
    CHECK(type_of(t.path("proc")) == S_IFDIR);
    CHECK(type_of(t.path("run/.containerenv")) == S_IFREG);
    CHECK(type_of(t.path("data/vol")) == S_IFDIR);
    CHECK(type_of(t.path("scratch")) == S_IFDIR);
    CHECK(type_of(t.path("scratch/inside")) == 0);
    // Existing mount points are left as they are.
    rootfs::create_mount_points(sys::real(), p);
}

TEST_CASE("restore mount points stay inside the rootfs; a missing bind source is named", "[rootfs]") {
    TempRootfs t;
    // An absolute symlink in the image is resolved against the rootfs, not the host.
    t.symlink("/etc", "escape");
    rootfs::Plan p = plan_for(t, {mnt("/escape/ocirt-mount-point-test", "tmpfs", "tmpfs", {})});
    rootfs::create_mount_points(sys::real(), p);
    CHECK(type_of(t.path("etc/ocirt-mount-point-test")) == S_IFDIR);
    CHECK(type_of("/etc/ocirt-mount-point-test") == 0);

    rootfs::Plan missing = plan_for(t, {mnt("/etc/hosts", "bind", t.path("no-such-file"), {"bind"})});
    CHECK_THROWS_WITH(rootfs::create_mount_points(sys::real(), missing), Catch::Contains("no-such-file"));
}
