// linux.resources as systemd unit properties (systemd.resource-control(5)), for the systemd driver. Plain
// functions of their inputs, so unit tests check the mapping without a bus.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cgroups/systemd_bus.hpp"
#include "spec/config.hpp"

namespace ocirt::cgroups::systemd {

// The first systemd with AllowedCPUs/AllowedMemoryNodes; older ones only get the cgroup files.
constexpr unsigned kAllowedCpusVersion = 244;
// The first systemd with CPUQuotaPeriodUSec.
constexpr unsigned kQuotaPeriodVersion = 242;
// A systemd known to take CPUWeight=idle (seen in 252); older ones refuse the value, so cpu.idle stays a file.
constexpr unsigned kCpuIdleVersion = 252;

// "252.22-1~deb12u1" (Manager.Version) -> 252; 0 when it does not start with a number.
unsigned parse_version(std::string_view version);

// A cpuset list ("0-3,7") as systemd's D-Bus bitmask: byte i holds CPUs (or nodes) 8i..8i+7, lowest bit
// first. field names the config field in errors.
std::vector<uint8_t> cpuset_mask(std::string_view list, const std::string& field);

// The properties for r that systemd knows: what a daemon-reload re-applies. v2: the host is cgroup v2
// (systemd's v1 properties differ and have no cpuset). version: parse_version() of the running systemd.
// proc_devices: the text of /proc/devices, to name a device major as systemd wants it ("char-pts").
std::vector<Property> resource_properties(const spec::Resources& r, bool v2, unsigned version,
                                          std::string_view proc_devices);

}  // namespace ocirt::cgroups::systemd
