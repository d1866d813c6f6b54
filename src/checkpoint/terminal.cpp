#include "checkpoint/terminal.hpp"

#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace

RestoreTerminal::RestoreTerminal(std::string at, const spec::Config& c) : at_(std::move(at)) {
    rootfs::Options o = devpts_options(c);
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
