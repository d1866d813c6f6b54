#include "checkpoint/terminal.hpp"

#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "base/error.hpp"
#include "base/log.hpp"
#include "rootfs/plan.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::checkpoint {
namespace {

// The options create mounted the container's devpts with; the default spec's when the config has none there.
rootfs::Options devpts_options(const spec::Config& c) {
    for (const auto& m : c.mounts)
        if (m.destination == kDevPts && m.type == "devpts") return rootfs::parse_options(m.options);
    return rootfs::parse_options({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
}

// In a user namespace, create mounts the devpts and opens the pty as the container's root: the instance's root
// and ptmx are its, and so is the slave, with the gid= group. From outside they would be the host root's,
// which the container cannot touch: criu, restoring the slave's owner from inside, gets EPERM.
void own_as_create(const std::string& at, BorrowedFd slave, const spec::Config& c, const std::string& data) {
    std::optional<uint32_t> uid = id_outside(c, false, 0), gid = id_outside(c, true, 0);
    if (!uid || !gid) return;
    for (const std::string& p : {at, at + "/ptmx"})
        check(::chown(p.c_str(), *uid, *gid), "chown", p);
    // A gid= option (already outside) gives the slave its group; the owner is whoever opened ptmx.
    if (::fchown(slave.get(), *uid, data.find("gid=") == std::string::npos ? *gid : static_cast<gid_t>(-1)) < 0)
        throw Error(errno, "fchown", "the new pty's slave");
}

}  // namespace

RestoreTerminal::RestoreTerminal(std::string at, const spec::Config& c) : at_(std::move(at)) {
    rootfs::Options o = devpts_options(c);
    o.data = devpts_data_outside(o.data, c);
    if (::mkdir(at_.c_str(), 0755) < 0) throw Error(errno, "mkdir", at_);
    if (sys::real().mount("devpts", at_.c_str(), "devpts", o.flags, o.data.c_str()) < 0) {
        Error e(errno, "mount devpts", at_);
        ::rmdir(at_.c_str());
        throw e.context("restore: process.terminal");
    }
    try {
        pty_ = process::make_pty(at_ + "/ptmx");
        int index = -1;
        check(::ioctl(pty_.master.get(), TIOCGPTN, &index), "ioctl(TIOCGPTN)", at_ + "/ptmx");
        slave_path_ = at_ + "/" + std::to_string(index);
        own_as_create(at_, pty_.slave.borrow(), c, o.data);
    } catch (...) {
        sys::real().umount2(at_.c_str(), MNT_DETACH);
        ::rmdir(at_.c_str());
        throw;
    }
}

RestoreTerminal::~RestoreTerminal() {
    if (sys::real().umount2(at_.c_str(), MNT_DETACH) < 0) log::warn("restore: umount " + at_ + ": " + strerror(errno));
    ::rmdir(at_.c_str());
}

}  // namespace ocirt::checkpoint
