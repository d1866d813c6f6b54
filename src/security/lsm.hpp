// Linux security modules and the session keyring: AppArmor profile and SELinux label for the container
// process (both take effect at execve), the SELinux context of the container's mounts, and the keyring.
#pragma once

#include <string>

#include "spec/config.hpp"

namespace ocirt::security {

bool apparmor_enabled();
bool selinux_enabled();

// Parent side, before clone: a clear Error naming the field when the config asks for an LSM the host does not
// run (process.apparmorProfile, process.selinuxLabel, linux.mountLabel). The child cannot tell as reliably:
// after pivot_root it no longer sees the host's /sys.
void check_lsm_support(const spec::Config& config);

// Child side, just before execve (the label applies to the next execve, so nothing the runtime still does is
// confined by it). Both write through sys::procfs so a mount over /proc cannot redirect them.
// Writes "exec <profile>" to /proc/thread-self/attr/apparmor/exec (attr/exec before Linux 5.8).
void apply_apparmor(const std::string& profile);
// Writes the label to /proc/thread-self/attr/exec.
void apply_selinux_exec_label(const std::string& label);

// linux.mountLabel as a mount option: `context="<label>"`, to append to the data of the container's own
// filesystem mounts (tmpfs, devpts, mqueue, shm). Not for bind mounts, which keep their files' labels, nor
// proc, sysfs and cgroup, which refuse it. Empty when the label is empty.
std::string mount_label_option(const std::string& label);
// Appends mount_label_option(label) to existing mount data ("mode=755" -> "mode=755,context=\"...\"").
std::string with_mount_label(const std::string& data, const std::string& label);

// Child side: joins a new session keyring named `name` (an anonymous one when empty), so the container does
// not share the runtime caller's keyring. A kernel without keyrings (ENOSYS) is a warning, as in runc.
void join_session_keyring(const std::string& name);

}  // namespace ocirt::security
