// process.user: supplementary groups, gid, uid and umask, switched in the child just before capabilities.
#pragma once

#include "spec/config.hpp"

namespace ocirt::process {

// setgroups, setresgid, then setresuid with PR_SET_KEEPCAPS so the permitted set survives the switch away
// from uid 0 (apply_capabilities then sets the sets the config asks for). setgroups is skipped when
// /proc/self/setgroups says "deny" (a user namespace mapped without privilege).
void switch_user(const spec::User& u);

// $HOME for the container user from the container's /etc/passwd, "/" when there is none.
std::string home_of(uint32_t uid);

}  // namespace ocirt::process
