// The few systemd D-Bus calls the systemd driver needs, over sd-bus: start a transient unit and wait for its
// job, set properties on it, stop it. Kept apart from the driver so that the driver reads as cgroup logic.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ocirt::cgroups::systemd {

// A unit property: the D-Bus signature follows from the alternative (b, t, s, au, ay, a(ss), a(st)).
using Value = std::variant<bool, uint64_t, std::string, std::vector<uint32_t>, std::vector<uint8_t>,
                           std::vector<std::pair<std::string, std::string>>,
                           std::vector<std::pair<std::string, uint64_t>>>;
struct Property {
    std::string name;
    Value value;
};

// True when systemd is PID 1's init (what sd_booted() checks: /run/systemd/system exists).
bool running();

class Bus {
public:
    // systemd's private socket when root (no bus daemon needed), the system bus otherwise.
    Bus();
    ~Bus();
    Bus(const Bus&) = delete;
    Bus& operator=(const Bus&) = delete;

    // StartTransientUnit(unit, "fail", props) and waits until its job finished; an error names the unit.
    void start_transient(const std::string& unit, const std::vector<Property>& props);
    // SetUnitProperties(unit, runtime=true, props).
    void set_properties(const std::string& unit, const std::vector<Property>& props);
    // Manager.Version, e.g. "252.22-1~deb12u1".
    std::string version();
    // StopUnit and waits; a unit that is already gone is not an error. Then ResetFailedUnit.
    void stop(const std::string& unit);

private:
    struct Impl;
    Impl* impl_;
};

}  // namespace ocirt::cgroups::systemd
