// Checks of linux.resources that need no knowledge of the host's cgroups; whether a controller exists and
// what range this kernel accepts is the cgroup manager's business when it applies them.
#include <algorithm>

#include "spec/validate.hpp"
#include "spec/validate_internal.hpp"

namespace ocirt::spec {

using namespace vcheck;

static void check_device_rules(const Resources& r, std::string_view where) {
    for (size_t i = 0; i < r.devices.size(); ++i) {
        const DeviceCgroupRule& d = r.devices[i];
        if (d.type && !one_of(*d.type, {"a", "c", "b"}))
            fail(item(where, i, "type"), "unknown device type " + quote(*d.type) + " (expected a, c or b)");
        if (d.access) {
            const std::string& a = *d.access;
            for (size_t k = 0; k < a.size(); ++k)
                if ((a[k] != 'r' && a[k] != 'w' && a[k] != 'm') || a.find(a[k]) != k)
                    fail(item(where, i, "access"), quote(a) + " is not a combination of r, w and m");
        }
    }
}

static void check_memory(const Resources& r, std::string_view where) {
    if (!r.memory) return;
    if (r.memory->swappiness && *r.memory->swappiness > 100)
        fail(field(where, "swappiness"), std::to_string(*r.memory->swappiness) + " is outside 0..100");
}

static void check_cpu(const Resources& r, std::string_view where) {
    if (!r.cpu) return;
    const Cpu& c = *r.cpu;
    if (c.cpus && !c.cpus->empty() && !is_id_list(*c.cpus))
        fail(field(where, "cpus"), quote(*c.cpus) + " is not a CPU list like \"0-3,7\"");
    if (c.mems && !c.mems->empty() && !is_id_list(*c.mems))
        fail(field(where, "mems"), quote(*c.mems) + " is not a node list like \"0-3,7\"");
    if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
        fail(field(where, "burst"), "must not be greater than quota");
    if (c.idle && *c.idle != 0 && *c.idle != 1) fail(field(where, "idle"), "must be 0 or 1");
}

static void check_block_io(const Resources& r, std::string_view where) {
    if (!r.blockIO) return;
    const auto& wd = r.blockIO->weightDevice;
    for (size_t i = 0; i < wd.size(); ++i)
        if (!wd[i].weight && !wd[i].leafWeight)
            fail(item(field(where, "weightDevice"), i), "needs weight or leafWeight");
}

// "<size><unit-prefix>B" as the spec writes it: 64KB, 2MB, 1GB.
static bool is_page_size(std::string_view s) {
    if (s.size() < 3 || !s.ends_with("B") || !one_of(s.substr(s.size() - 2, 1), {"K", "M", "G"})) return false;
    std::string_view num = s.substr(0, s.size() - 2);
    return num[0] != '0' && std::all_of(num.begin(), num.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

static void check_hugepages(const Resources& r, std::string_view where) {
    for (size_t i = 0; i < r.hugepageLimits.size(); ++i)
        if (!is_page_size(r.hugepageLimits[i].pageSize))
            fail(item(where, i, "pageSize"), quote(r.hugepageLimits[i].pageSize) + " is not a size like \"2MB\"");
}

static void check_rdma(const Resources& r, std::string_view where) {
    for (const auto& [dev, limits] : r.rdma)
        if (!limits.hcaHandles && !limits.hcaObjects) fail(key(where, dev), "needs hcaHandles or hcaObjects");
}

// Keys are file names in the container's cgroup directory: a '/' would write somewhere else.
static void check_unified(const Resources& r, std::string_view where) {
    for (const auto& entry : r.unified) {
        const std::string& file = entry.first;
        if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos)
            fail(key(where, file), "is not a cgroup file name");
    }
}

void validate_resources(const Resources& r, std::string_view where) {
    check_device_rules(r, field(where, "devices"));
    check_memory(r, field(where, "memory"));
    check_cpu(r, field(where, "cpu"));
    check_block_io(r, field(where, "blockIO"));
    check_hugepages(r, field(where, "hugepageLimits"));
    check_rdma(r, field(where, "rdma"));
    check_unified(r, field(where, "unified"));
}

}  // namespace ocirt::spec
