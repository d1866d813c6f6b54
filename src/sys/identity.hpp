// Who the runtime runs as, for the decisions that differ when it is not root of the host: where state goes
// by default and whether cgroups may be missing. Root of a user namespace that an engine made (rootless
// Podman runs the runtime that way) is as unprivileged on the host as the user behind it.
#pragma once

namespace ocirt::sys {

// /proc/self/uid_map is something other than the identity map of every id.
bool in_user_namespace();
// Not root, or root only of a user namespace.
bool rootless();

}  // namespace ocirt::sys
