// A container's persistent state: what state.json in <root>/<id>/ holds, and the OCI status derived from it
// and from the live system (runtime.md "State").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace ocirt::state {

enum class Status { creating, created, running, paused, stopped };
const char* to_string(Status s);

struct State {
    std::string id;
    std::string bundle;  // absolute
    std::string rootfs;  // absolute
    pid_t pid = 0;       // container process, as seen from the runtime's pid namespace
    uint64_t pid_start = 0;  // field 22 of /proc/<pid>/stat, to tell a reused pid apart
    std::string created;     // RFC 3339 UTC
    uid_t owner = 0;
    std::string cgroup;      // cgroups::Manager::saved_path()
    bool systemd_cgroup = false;
    std::map<std::string, std::string> annotations;
};

std::string to_json(const State& s);           // our own state.json (everything above)
State from_json(const std::string& json);      // Error on malformed input
// The OCI state document (runtime.md) printed by `ocirt state` and piped to hooks.
std::string oci_state_json(const State& s, Status status);

// Start time of pid (field 22 of /proc/<pid>/stat), 0 when the process does not exist.
uint64_t process_start_time(pid_t pid);
// True when pid is the process recorded in s and has not exited (zombies count as exited).
bool process_alive(const State& s);

}  // namespace ocirt::state
