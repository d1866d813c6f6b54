// One function per controller and cgroup version: each writes its part of linux.resources into a cgroup
// directory, or throws an Error naming the field the host cannot provide. They only touch files, so unit tests
// run them against a temporary directory of fixture files. Conversions between v1 and v2 values sit here too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/fs.hpp"
#include "spec/config.hpp"

namespace ocirt::cgroups {

// cpu.shares (2..262144) to cpu.weight (1..10000), the linear mapping runc and crun use; 0 stays "unset".
uint64_t shares_to_weight(uint64_t shares);
// blkio.weight (10..1000) to io.weight (1..10000), as runc and crun convert it.
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// OCI memory.swap is memory+swap; v2 memory.swap.max is swap alone. Returns -1 for "max" and nullopt for
// "leave unset"; throws when swap cannot be expressed (no memory limit, swap below the limit).
std::optional<int64_t> swap_to_v2(int64_t swap, std::optional<int64_t> limit);
// "2MB" -> 2097152, "64KB" -> 65536 (base 1024, as hugepageLimits.pageSize says).
uint64_t parse_page_size(const std::string& s);

// The device rules every container gets after its own (null, zero, full, tty, random, urandom, ptmx, the
// pty slaves, and mknod of any device), as runc and crun add them.
std::vector<spec::DeviceCgroupRule> default_device_rules();
// Allow rules for the devices a config creates (linux.devices), so that what the runtime creates opens.
std::vector<spec::DeviceCgroupRule> rules_for_devices(const std::vector<spec::Device>& devs);
// A rule in the v1 file syntax: "c 1:3 rwm", "a *:* rwm".
std::string device_rule_string(const spec::DeviceCgroupRule& r);

namespace v1 {
void apply_memory(const Dir& d, const spec::Memory& m);
void apply_cpu(const Dir& d, const spec::Cpu& c);
void apply_cpuset(const Dir& d, const spec::Cpu& c);
// Copies cpuset.cpus/mems from the nearest parent that has them: a new v1 cpuset is empty and takes no task.
void init_cpuset(const Dir& d, const std::string& mount_point);
void apply_pids(const Dir& d, const spec::Pids& p);
void apply_devices(const Dir& d, const std::vector<spec::DeviceCgroupRule>& rules);
void apply_blkio(const Dir& d, const spec::BlockIO& b);
void apply_hugetlb(const Dir& d, const std::vector<spec::HugepageLimit>& limits);
void apply_net_cls(const Dir& d, const spec::Network& n);
void apply_net_prio(const Dir& d, const spec::Network& n);
void apply_rdma(const Dir& d, const std::map<std::string, spec::Rdma>& rdma);
}  // namespace v1

namespace v2 {
void apply_memory(const Dir& d, const spec::Memory& m);
void apply_cpu(const Dir& d, const spec::Cpu& c);
void apply_cpuset(const Dir& d, const spec::Cpu& c);
void apply_pids(const Dir& d, const spec::Pids& p);
void apply_io(const Dir& d, const spec::BlockIO& b);
void apply_hugetlb(const Dir& d, const std::vector<spec::HugepageLimit>& limits);
void apply_rdma(const Dir& d, const std::map<std::string, spec::Rdma>& rdma);
void apply_unified(const Dir& d, const std::map<std::string, std::string>& unified);
// net_cls/net_prio have no v2 counterpart: an error naming the field when asked for.
void reject_network(const spec::Network& n);
}  // namespace v2

}  // namespace ocirt::cgroups
