#include "runtime/prepared.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "rootfs/rootfs.hpp"
#include "security/lsm.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"

namespace ocirt::runtime {
namespace {

// Intel RDT needs the resctrl filesystem; ocirt does not manage resctrl groups yet, so the field is refused
// with the reason rather than silently ignored (config.md: unsupported values are errors).
void check_intel_rdt() {
    struct statfs fs {};
    constexpr long kResctrlMagic = 0x7655821;
    if (::statfs("/sys/fs/resctrl", &fs) < 0 || fs.f_type != kResctrlMagic)
        throw Error("linux.intelRdt: this host has no resctrl filesystem at /sys/fs/resctrl");
    throw Error("linux.intelRdt: not supported by ocirt yet");
}

}  // namespace

std::string read_file(const std::string& path) {
    OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw Error(errno, "open", path);
    std::string out;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(errno, "read", path);
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

void plan_process(const spec::Process& p, const spec::Linux* l, Prepared& out) {
    if (p.capabilities) out.caps = security::resolve_capabilities(*p.capabilities);
    out.rlimits = process::resolve_rlimits(p.rlimits);
    out.attrs = process::resolve_attributes(p, l);
}

Prepared prepare_bundle(const std::string& bundle_arg) {
    Prepared p;
    char abs[PATH_MAX];
    if (!::realpath(bundle_arg.c_str(), abs)) throw Error(errno, "bundle", bundle_arg);
    p.bundle = abs;
    p.config_json = read_file(p.bundle + "/config.json");
    try {
        p.config = spec::parse_config(p.config_json);
    } catch (Error& e) {
        throw e.context("config.json");
    }
    spec::validate(p.config);
    if (!p.config.linux_) p.config.linux_.emplace();
    const spec::Linux& l = *p.config.linux_;
    p.ns = namespaces::make_plan(l);
    p.rootfs = rootfs::make_plan(p.config, p.bundle, rootfs::devices_are_binds(p.config));
    if (l.seccomp) p.seccomp = security::compile_seccomp(*l.seccomp);
    // Checked here: after pivot_root the child can no longer see which LSMs the host runs.
    security::check_lsm_support(p.config);
    if (l.intelRdt) check_intel_rdt();
    // Moving host interfaces in (with their addresses) needs netlink work ocirt does not have yet; an
    // ignored field would leave the container without the network it asked for.
    if (!l.netDevices.empty()) throw Error("linux.netDevices: not supported by ocirt yet");
    plan_process(*p.config.process, &l, p);
    return p;
}

}  // namespace ocirt::runtime
