#include "security/lsm.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "base/error.hpp"
#include "base/log.hpp"
#include "sys/procfs.hpp"

namespace ocirt::security {
namespace {

void write_attr(std::string_view rel, const std::string& value, const char* field, const char* lsm) {
    try {
        OwnedFd fd = sys::procfs::open_thread_self(rel, O_WRONLY);
        sys::procfs::write_all(fd.borrow(), value, "/proc/thread-self/" + std::string(rel));
    } catch (Error& e) {
        // EINVAL comes from a kernel where the LSM owning the attribute is not active.
        if (e.err() == EINVAL) e.context(std::string(lsm) + " is not active on this host");
        throw e.context(field);
    }
}

}  // namespace

bool apparmor_enabled() {
    std::ifstream in("/sys/module/apparmor/parameters/enabled");
    char c = 0;
    return in.get(c) && c == 'Y';
}

bool selinux_enabled() {
    struct statfs st {};
    return statfs("/sys/fs/selinux", &st) == 0 && st.f_type == SELINUX_MAGIC;
}

void check_lsm_support(const spec::Config& config) {
    const auto& p = config.process;
    if (p && p->apparmorProfile && !p->apparmorProfile->empty() && !apparmor_enabled())
        throw Error("process.apparmorProfile: \"" + *p->apparmorProfile +
                    "\" asked for, but AppArmor is not enabled on this host");
    if (p && p->selinuxLabel && !p->selinuxLabel->empty() && !selinux_enabled())
        throw Error("process.selinuxLabel: \"" + *p->selinuxLabel +
                    "\" asked for, but SELinux is not enabled on this host");
    const auto& l = config.linux_;
    if (l && l->mountLabel && !l->mountLabel->empty() && !selinux_enabled())
        throw Error("linux.mountLabel: \"" + *l->mountLabel +
                    "\" asked for, but SELinux is not enabled on this host");
}

void apply_apparmor(const std::string& profile) {
    if (profile.empty()) return;
    const std::string value = "exec " + profile;
    // Linux 5.8 gave each LSM its own attr directory; attr/exec is shared by whichever LSM is "major".
    try {
        write_attr("attr/apparmor/exec", value, "process.apparmorProfile", "AppArmor");
    } catch (const Error& e) {
        if (e.err() != ENOENT) throw;
        write_attr("attr/exec", value, "process.apparmorProfile", "AppArmor");
    }
}

void apply_selinux_exec_label(const std::string& label) {
    if (label.empty()) return;
    write_attr("attr/exec", label, "process.selinuxLabel", "SELinux");
}

std::string mount_label_option(const std::string& label) {
    if (label.empty()) return {};
    return "context=\"" + label + "\"";
}

std::string with_mount_label(const std::string& data, const std::string& label) {
    std::string option = mount_label_option(label);
    if (option.empty()) return data;
    if (data.empty()) return option;
    return data + "," + option;
}

void join_session_keyring(const std::string& name) {
    const char* arg = name.empty() ? nullptr : name.c_str();
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, arg) >= 0) return;
    if (errno == ENOSYS) {
        log::warn("the kernel has no keyrings: the container shares the caller's session keyring");
        return;
    }
    throw Error(errno, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)", name);
}

}  // namespace ocirt::security
