// The operations on an existing container (runtime.md "Operations"): state, start, kill, delete. Each one
// takes the container's lock, so concurrent commands on one container are serialised.
#pragma once

#include <string>
#include <vector>

#include "state/store.hpp"

namespace ocirt::runtime {

// The status right now: the recorded process gone (or its pid reused) -> stopped; the exec fifo still
// there -> created; its cgroup frozen -> paused; otherwise running.
state::Status current_status(const state::StateDir& dir, const state::State& st);

// The OCI state JSON of a container.
std::string state_of(const std::string& root, const std::string& id);
void start(const std::string& root, const std::string& id);
void kill(const std::string& root, const std::string& id, int sig, bool all);
void remove(const std::string& root, const std::string& id, bool force);

// Cleanup shared by delete and run: cgroup removed, poststop hooks run, state directory removed.
void destroy(state::StateDir& dir, const state::State& st);

// "KILL", "SIGKILL", "9" -> 9; Error for anything else.
int parse_signal(const std::string& s);

struct ListEntry {
    state::State st;
    state::Status status;
};
std::vector<ListEntry> list(const std::string& root);

}  // namespace ocirt::runtime
