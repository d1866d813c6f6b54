// Seccomp: the filter is compiled to BPF in the parent with libseccomp (allocations and name look-ups happen
// before clone), and the child only loads the finished program.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "base/fd.hpp"
#include "spec/config.hpp"

namespace ocirt::security {

struct SeccompProgram {
    std::vector<sock_filter> filter;
    unsigned flags = 0;   // SECCOMP_FILTER_FLAG_*
    bool notify = false;  // SCMP_ACT_NOTIFY used: loading returns a listener fd
};

// Compiles linux.seccomp. Errors name the field ("linux.seccomp.syscalls[3].action: ..."). Unknown syscall
// names are skipped (debug log), rules equal to the default action are skipped, conditions repeating an
// argument index are ORed, and with a denying default the syscalls newer than all the profile names return
// ENOSYS (see seccomp.cpp).
SeccompProgram compile_seccomp(const spec::Seccomp& s);

// Loads the program into the calling process (child side). Returns the notify listener fd when the program
// uses SCMP_ACT_NOTIFY, an invalid fd otherwise. Requires no_new_privs or CAP_SYS_ADMIN, hence the order in
// the child: with process.noNewPrivileges, set no_new_privs and load as late as possible (just before
// closing fds and execve, so the filter constrains nothing of the runtime's own setup); without it, load
// while CAP_SYS_ADMIN is still effective, i.e. before apply_capabilities drops it. With a listener, every
// syscall the profile sends to the agent blocks until the agent answers: send the fd to the parent right
// after loading, before anything else the profile might intercept.
OwnedFd load_seccomp(const SeccompProgram& p);

// Parent side, after the child passed back the listener fd: connects to linux.seccomp.listenerPath and sends
// the container process state (config-linux.md "The Container Process State") with the fd in SCM_RIGHTS.
// state_json is the container's state as `ocirt state` prints it (its "pid" is used); metadata is
// linux.seccomp.listenerMetadata.
void send_seccomp_listener(const std::string& listener_path, BorrowedFd listener, const std::string& state_json,
                           const std::string& metadata = {});

// The JSON payload send_seccomp_listener sends: {"ociVersion", "fds": ["seccompFd"], "pid", "metadata",
// "state"}.
std::string seccomp_process_state(const std::string& state_json, const std::string& metadata);

}  // namespace ocirt::security
