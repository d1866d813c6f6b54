// The default config.json of `ocirt spec`: runc's defaults (sh on a terminal, three capabilities, the usual
// /proc, /dev, /sys mounts, masked and read-only /proc paths), written for spec version OCIRT_SPEC_VERSION.
#pragma once

#include <string>

namespace ocirt::spec {

// rootless: a user namespace mapping the caller's uid and gid to root, no network namespace, /sys bound
// from the host, no device cgroup rules (as `runc spec --rootless`).
std::string default_spec_json(bool rootless);

}  // namespace ocirt::spec
