#include "cgroups/systemd.hpp"

#include "base/error.hpp"

namespace ocirt::cgroups {

std::unique_ptr<Manager> make_systemd_manager(const Options&) {
    throw Error("--systemd-cgroup: the systemd cgroup driver is not available yet");
}

std::unique_ptr<Manager> open_systemd_manager(const Saved&) {
    throw Error("--systemd-cgroup: the systemd cgroup driver is not available yet");
}

}  // namespace ocirt::cgroups
