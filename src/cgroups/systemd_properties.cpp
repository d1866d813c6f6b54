#include "cgroups/systemd_properties.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups::systemd {

namespace {

constexpr uint64_t kInfinity = UINT64_MAX;  // systemd's "infinity" for limits, "unset" for weights
constexpr uint64_t kWeightIdle = 0;         // CPUWeight=idle on D-Bus
// A bound on cpuset numbers, so that a typo ("0-99999999") is an error, not a huge allocation.
constexpr unsigned kMaxCpusetIndex = 1 << 16;

uint64_t limit(int64_t v) { return v < 0 ? kInfinity : static_cast<uint64_t>(v); }

// systemd keeps CPUQuota as time per second with a 10 ms granularity: round up as systemd would, so that the
// value it keeps and the one in cpu.max agree.
uint64_t quota_per_sec_us(int64_t quota, uint64_t period) {
    uint64_t v = static_cast<uint64_t>(quota) * 1000000 / (period ? period : 100000);
    return (v + 9999) / 10000 * 10000;
}

std::optional<unsigned> parse_index(std::string_view s) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > kMaxCpusetIndex) return std::nullopt;
    return v;
}

// The name /proc/devices gives major in its section ("Character devices:" or "Block devices:").
std::optional<std::string> major_name(std::string_view proc_devices, bool block, int64_t major) {
    std::istringstream in{std::string(proc_devices)};
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line.back() == ':') {
            in_section = line == (block ? "Block devices:" : "Character devices:");
            continue;
        }
        std::istringstream fields(line);
        int64_t n = -1;
        std::string name;
        if (in_section && fields >> n >> name && n == major) return name;
    }
    return std::nullopt;
}

using DeviceAllow = std::vector<std::pair<std::string, std::string>>;

// One allow rule as DeviceAllow entries: "/dev/char/1:3" (systemd parses these without the node existing),
// "char-pts" for every minor of a major, "char-*" for every device of a type. nullopt when systemd cannot
// express it (a major /proc/devices does not name).
std::optional<DeviceAllow> allow_entries(const spec::DeviceCgroupRule& r, std::string_view proc_devices) {
    std::string access = r.access.value_or("rwm");
    if (access.empty()) access = "rwm";
    std::string type = r.type.value_or("a");
    DeviceAllow out;
    for (bool block : {false, true}) {
        if (type != "a" && (type == "b") != block) continue;
        const char* kind = block ? "block" : "char";
        bool any_major = !r.major || *r.major < 0, any_minor = !r.minor || *r.minor < 0;
        if (any_major) {
            out.emplace_back(std::string(kind) + "-*", access);
        } else if (any_minor) {
            auto name = major_name(proc_devices, block, *r.major);
            if (!name) return std::nullopt;
            out.emplace_back(std::string(kind) + "-" + *name, access);
        } else {
            out.emplace_back("/dev/" + std::string(kind) + "/" + std::to_string(*r.major) + ":" +
                                 std::to_string(*r.minor),
                             access);
        }
    }
    return out;
}

// Type "a" means every device whatever the numbers, as in the v1 files.
bool is_all(const spec::DeviceCgroupRule& r) { return r.type.value_or("a") == "a"; }

// "char" or "block": the kind of a DeviceAllow name ("/dev/char/1:3", "char-pts", "block-*").
std::string_view kind_of(std::string_view name) {
    if (name.starts_with("/dev/")) name.remove_prefix(5);
    return name.starts_with("char") ? "char" : "block";
}

// A deny after "deny all" takes access away from the allow entries before it. systemd can only do that on an
// entry of the same name: false when another entry of that kind ("char-*" against "/dev/char/1:3", or
// "/dev/char/136:0" against "char-pts") may still grant what is denied.
bool narrow(DeviceAllow& allow, const DeviceAllow& denied) {
    auto specific = [](std::string_view n) { return n.starts_with("/dev/"); };
    for (const auto& [name, access] : denied) {
        for (auto& [n, a] : allow) {
            if (n == name) std::erase_if(a, [&](char c) { return access.find(c) != std::string::npos; });
            else if (kind_of(n) == kind_of(name) && !(specific(n) && specific(name)) &&
                     a.find_first_of(access) != std::string::npos)
                return false;
        }
        std::erase_if(allow, [](const auto& e) { return e.second.empty(); });
    }
    return true;
}

// DevicePolicy and DeviceAllow for the rules (the container's, then the defaults every container gets). Without
// them a daemon-reload on v1 writes "a" to devices.allow and opens every device. systemd only has allow lists:
// a deny rule other than "deny all" cannot be expressed, nor a major without a name; then the policy is "auto"
// with no list, which on v2 leaves ocirt's own eBPF filter as the only one, and on v1 loses the rules at a
// reload (warned).
std::vector<Property> device_properties(const std::vector<spec::DeviceCgroupRule>& rules, bool v2,
                                        std::string_view proc_devices) {
    bool strict = true;  // a device list starts from "deny", as the eBPF filter does
    bool expressible = true;
    DeviceAllow allow;
    for (const auto& r : rules) {
        device_rule_string(r);  // validates type and access, naming the field
        if (is_all(r)) {
            strict = !r.allow;
            allow.clear();
            // DevicePolicy is all or nothing: "every device, but only for reading" has no systemd form.
            std::string access = r.access.value_or("rwm");
            expressible = access.empty() || std::ranges::all_of(std::string_view("rwm"), [&](char c) {
                              return access.find(c) != std::string::npos;
                          });
        } else if (r.allow && strict) {
            auto entries = allow_entries(r, proc_devices);
            if (!entries) expressible = false;
            else allow.insert(allow.end(), entries->begin(), entries->end());
        } else if (!r.allow && !strict) {
            expressible = false;
        } else if (!r.allow) {
            auto entries = allow_entries(r, proc_devices);
            expressible = expressible && entries && narrow(allow, *entries);
        }
    }
    if (!expressible) {
        if (!v2)
            log::warn("linux.resources.devices: systemd cannot express these rules; they are in devices.allow/deny, "
                      "but a systemd daemon-reload will reset them");
        return {{"DevicePolicy", std::string("auto")}, {"DeviceAllow", DeviceAllow{}}};
    }
    // An empty DeviceAllow first: SetUnitProperties appends to the list, and update must replace it.
    std::vector<Property> p = {{"DevicePolicy", std::string(strict ? "strict" : "auto")}, {"DeviceAllow", DeviceAllow{}}};
    if (strict && !allow.empty()) p.push_back({"DeviceAllow", std::move(allow)});
    return p;
}

void add_memory(std::vector<Property>& p, const spec::Memory& m, bool v2) {
    if (m.limit) p.push_back({v2 ? "MemoryMax" : "MemoryLimit", limit(*m.limit)});
    if (!v2) return;  // v1 systemd has no soft limit nor swap property
    if (m.reservation) p.push_back({"MemoryLow", limit(*m.reservation)});
    if (m.swap) {
        if (auto sw = swap_to_v2(*m.swap, m.limit)) p.push_back({"MemorySwapMax", limit(*sw)});
    }
}

// cpu.idle as CPUWeight: systemd (v2, 252 on) keeps "idle" as weight 0, writes cpu.idle 1 for it and 0 for
// any other weight, and then leaves cpu.weight alone (the kernel refuses a weight for an idle group). So idle=1
// wins over the shares; idle=0 needs a weight that is not idle: the shares', else unset (systemd's default).
// Older systemd and v1 have no idle: cpu.idle is in the file alone, and a reload keeps it (systemd only writes
// cpu.idle when it knows it).
void add_cpu_weight(std::vector<Property>& p, const spec::Cpu& c, bool v2, unsigned version) {
    bool shares = c.shares && *c.shares;
    if (v2 && version >= kCpuIdleVersion && c.idle && (*c.idle == 0 || *c.idle == 1)) {
        if (*c.idle == 1) p.push_back({"CPUWeight", kWeightIdle});
        else p.push_back({"CPUWeight", shares ? shares_to_weight(*c.shares) : kInfinity});
        return;
    }
    if (shares) p.push_back(v2 ? Property{"CPUWeight", shares_to_weight(*c.shares)} : Property{"CPUShares", *c.shares});
}

void add_cpu(std::vector<Property>& p, const spec::Cpu& c, bool v2, unsigned version) {
    add_cpu_weight(p, c, v2, version);
    if (c.quota && *c.quota != 0) {
        uint64_t period = c.period.value_or(100000);
        p.push_back({"CPUQuotaPerSecUSec", *c.quota < 0 ? kInfinity : quota_per_sec_us(*c.quota, period)});
    }
    if (c.period && *c.period && version >= kQuotaPeriodVersion) p.push_back({"CPUQuotaPeriodUSec", *c.period});
    // systemd only manages cpuset on v2; elsewhere (and before 244) the cgroup files alone hold it.
    if (!v2 || version < kAllowedCpusVersion) return;
    if (c.cpus && !c.cpus->empty())
        p.push_back({"AllowedCPUs", cpuset_mask(*c.cpus, "linux.resources.cpu.cpus")});
    if (c.mems && !c.mems->empty())
        p.push_back({"AllowedMemoryNodes", cpuset_mask(*c.mems, "linux.resources.cpu.mems")});
}

// systemd takes a device as a path and parses "/dev/block/MAJ:MIN" itself (lookup_block_device in 252 and in
// releases from about 240; older ones stat it, which udev's /dev/block links satisfy): no node need exist, so
// none is looked up, and the unit names exactly the numbers the config names.
std::string block_path(int64_t major, int64_t minor) {
    return "/dev/block/" + std::to_string(major) + ":" + std::to_string(minor);
}

using DeviceValues = std::vector<std::pair<std::string, uint64_t>>;

// A rate of 0 means no limit in the config (the files write "max", or 0 on v1, which removes the rule).
void add_throttle(std::vector<Property>& p, const char* name, const std::vector<spec::ThrottleDevice>& v) {
    DeviceValues out;
    for (const auto& t : v) out.emplace_back(block_path(t.major, t.minor), t.rate ? t.rate : kInfinity);
    // Only a non-empty list: an empty one would clear the limit of every device, which the files do not do.
    if (!out.empty()) p.push_back({name, std::move(out)});
}

// The per-device weights and limits. A weight outside 10..1000 has no systemd form (both BlockIODeviceWeight and
// the io.weight conversion need that range): it is left to the files, which take it (BFQ's 1..1000) or fail
// naming the field. v1 systemd has no IOPS limits: those stay in the files alone.
void add_block_devices(std::vector<Property>& p, const spec::BlockIO& b, bool v2) {
    DeviceValues weights;
    for (const auto& w : b.weightDevice)
        if (w.weight && *w.weight >= 10 && *w.weight <= 1000)
            weights.emplace_back(block_path(w.major, w.minor),
                                 v2 ? blkio_weight_to_io_weight(*w.weight) : uint64_t{*w.weight});
    if (!weights.empty()) p.push_back({v2 ? "IODeviceWeight" : "BlockIODeviceWeight", std::move(weights)});
    add_throttle(p, v2 ? "IOReadBandwidthMax" : "BlockIOReadBandwidth", b.throttleReadBpsDevice);
    add_throttle(p, v2 ? "IOWriteBandwidthMax" : "BlockIOWriteBandwidth", b.throttleWriteBpsDevice);
    if (!v2) return;
    add_throttle(p, "IOReadIOPSMax", b.throttleReadIOPSDevice);
    add_throttle(p, "IOWriteIOPSMax", b.throttleWriteIOPSDevice);
}

}  // namespace

unsigned parse_version(std::string_view version) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), v);
    return ec == std::errc() ? v : 0;
}

std::vector<uint8_t> cpuset_mask(std::string_view list, const std::string& field) {
    std::vector<uint8_t> mask;
    auto bad = [&] { return Error(field + ": \"" + std::string(list) + "\" is not a list like 0-3,7"); };
    for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view item = list.substr(pos, comma - pos);
        size_t dash = item.find('-');
        auto lo = parse_index(item.substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : parse_index(item.substr(dash + 1));
        if (!lo || !hi || *lo > *hi) throw bad();
        if (mask.size() <= *hi / 8) mask.resize(*hi / 8 + 1);
        for (unsigned i = *lo; i <= *hi; ++i) mask[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        pos = comma + 1;
    }
    return mask;
}

std::vector<Property> resource_properties(const spec::Resources& r, bool v2, unsigned version,
                                          std::string_view proc_devices) {
    std::vector<Property> p;
    if (r.memory) add_memory(p, *r.memory, v2);
    if (r.cpu) add_cpu(p, *r.cpu, v2, version);
    if (r.pids && r.pids->limit) p.push_back({"TasksMax", limit(*r.pids->limit)});
    if (r.blockIO && r.blockIO->weight && *r.blockIO->weight)
        p.push_back(v2 ? Property{"IOWeight", blkio_weight_to_io_weight(*r.blockIO->weight)}
                       : Property{"BlockIOWeight", uint64_t{*r.blockIO->weight}});
    if (r.blockIO) add_block_devices(p, *r.blockIO, v2);
    if (!r.devices.empty()) {
        auto rules = r.devices;
        auto defaults = default_device_rules();
        rules.insert(rules.end(), defaults.begin(), defaults.end());
        auto dev = device_properties(rules, v2, proc_devices);
        p.insert(p.end(), dev.begin(), dev.end());
    }
    return p;
}

}  // namespace ocirt::cgroups::systemd
