// Checks of meaning, run after parse and before anything touches the system: required fields, enums, ranges,
// absolute paths, and the rules that tie fields together (a sysctl needs its namespace, uid mappings need a
// user namespace). Each check is a named function; the first failure throws an ocirt::Error that names the
// JSON path: `linux.namespaces[2].path: "ns/net" is not an absolute path`.
#pragma once

#include <string_view>

#include "spec/config.hpp"

namespace ocirt::spec {

// The whole config, as create and run need it (so process is required).
void validate(const Config& c);

// A process alone: the config's "process" (where = "process") or exec's --process file (where = "").
// `where` prefixes the field names in errors.
void validate_process(const Process& p, std::string_view where);

// linux.resources alone (where = "linux.resources"), or `update --resources` (where = "").
void validate_resources(const Resources& r, std::string_view where);

// The form of linux.cgroupsPath for the chosen driver: systemd wants "slice:prefix:name", cgroupfs a path.
// validate() checks only what both forms share; the runtime calls this once it knows the driver.
void validate_cgroups_path(std::string_view path, bool systemd);

}  // namespace ocirt::spec
