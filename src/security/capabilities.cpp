// Capability names are resolved in the parent; the child applies plain bit masks with prctl and a raw
// capset(2), so it needs neither libcap's allocations nor /proc.
#include "security/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <string>

#include "base/error.hpp"
#include "base/log.hpp"

namespace ocirt::security {
namespace {

constexpr int kMaxCap = 63;  // the sets are 64-bit masks

uint64_t bit(int cap) { return uint64_t{1} << cap; }

uint64_t resolve_set(const std::vector<std::string>& names, const char* set, int last) {
    uint64_t mask = 0;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string field = std::string("process.capabilities.") + set + "[" + std::to_string(i) + "]";
        cap_value_t value = -1;
        // cap_from_name also takes numbers; the spec only has names.
        // config.md: a capability that cannot be mapped to the kernel is a warning, not an error, so a config
        // written for a newer kernel or libcap still runs.
        if (!names[i].starts_with("CAP_") || cap_from_name(names[i].c_str(), &value) != 0 || value < 0) {
            log::warn(field + ": unknown capability \"" + names[i] + "\", skipped");
            continue;
        }
        if (value > last || value > kMaxCap) {
            log::warn(field + ": " + names[i] + " is not known to the running kernel, skipped");
            continue;
        }
        mask |= bit(value);
    }
    return mask;
}

// capset(2) with the 64-bit (version 3) layout.
void set_proc_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    for (int i = 0; i < 2; ++i) {
        data[i].effective = static_cast<uint32_t>(effective >> (32 * i));
        data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
        data[i].inheritable = static_cast<uint32_t>(inheritable >> (32 * i));
    }
    check(syscall(SYS_capset, &header, data), "capset", "process.capabilities");
}

// Dropping the bounding set needs CAP_SETPCAP in the effective set, which setresuid() to a non-zero uid
// has just cleared (PR_SET_KEEPCAPS only keeps the permitted set): raise effective back to permitted.
void raise_effective_to_permitted() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    check(syscall(SYS_capget, &header, data), "capget");
    for (auto& d : data) d.effective = d.permitted;
    check(syscall(SYS_capset, &header, data), "capset", "raising the effective set");
}

void drop_bounding(uint64_t keep) {
    for (int cap = 0; cap <= kMaxCap; ++cap) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // EINVAL: past the kernel's last capability
        if (keep & bit(cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            throw Error(errno, "prctl(PR_CAPBSET_DROP)", "process.capabilities.bounding, capability " +
                                                            std::to_string(cap));
    }
}

std::string cap_name(int cap) {
    char* name = cap_to_name(cap);
    std::string out = name ? name : std::to_string(cap);
    cap_free(name);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));  // as in config
    return out;
}

void raise_ambient(uint64_t ambient) {
    check(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
    std::string refused;
    for (int cap = 0; cap <= kMaxCap; ++cap) {
        if (!(ambient & bit(cap))) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            refused += (refused.empty() ? "" : ", ") + cap_name(cap);
    }
    // The kernel only allows ambient capabilities that are both permitted and inheritable; runc treats a
    // config that asks for others as a warning, not a failure.
    if (!refused.empty())
        log::warn("process.capabilities.ambient: not raised (each must also be permitted and inheritable): " +
                  refused);
}

}  // namespace

int last_capability() {
    int last = 0;
    while (last < kMaxCap && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0) ++last;
    return last;
}

CapSets resolve_capabilities(const spec::Capabilities& c) {
    const int last = last_capability();
    CapSets out;
    out.effective = resolve_set(c.effective, "effective", last);
    out.bounding = resolve_set(c.bounding, "bounding", last);
    out.inheritable = resolve_set(c.inheritable, "inheritable", last);
    out.permitted = resolve_set(c.permitted, "permitted", last);
    out.ambient = resolve_set(c.ambient, "ambient", last);
    return out;
}

void apply_capabilities(const CapSets& c) {
    raise_effective_to_permitted();
    drop_bounding(c.bounding);
    set_proc_caps(c.effective, c.permitted, c.inheritable);
    raise_ambient(c.ambient);
}

}  // namespace ocirt::security
