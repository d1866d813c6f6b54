// Device rules: the defaults every container gets, and the v1 devices controller. The v2 filter (an eBPF
// program built from the same rules) is in device_filter.cpp.
#include <string>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

spec::DeviceCgroupRule allow(const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                             const char* access) {
    return spec::DeviceCgroupRule{true, std::string(type), major, minor, std::string(access)};
}

}  // namespace

std::vector<spec::DeviceCgroupRule> default_device_rules() {
    return {
        allow("c", std::nullopt, std::nullopt, "m"),  // mknod of any device; opening still needs a rule
        allow("b", std::nullopt, std::nullopt, "m"),
        allow("c", 1, 3, "rwm"),    // /dev/null
        allow("c", 1, 5, "rwm"),    // /dev/zero
        allow("c", 1, 7, "rwm"),    // /dev/full
        allow("c", 5, 0, "rwm"),    // /dev/tty
        allow("c", 1, 8, "rwm"),    // /dev/random
        allow("c", 1, 9, "rwm"),    // /dev/urandom
        allow("c", 5, 2, "rwm"),    // /dev/ptmx
        allow("c", 136, std::nullopt, "rwm"),  // /dev/pts/*
        allow("c", 10, 200, "rwm"),  // /dev/net/tun
    };
}

std::vector<spec::DeviceCgroupRule> rules_for_devices(const std::vector<spec::Device>& devs) {
    std::vector<spec::DeviceCgroupRule> out;
    for (const auto& d : devs) {
        // Pipes ("p") are not governed by the device controller.
        if (d.type == "p") continue;
        std::string type = d.type == "u" ? "c" : d.type;
        out.push_back(spec::DeviceCgroupRule{true, type, d.major, d.minor, std::string("rwm")});
    }
    return out;
}

std::string device_rule_string(const spec::DeviceCgroupRule& r) {
    std::string type = r.type.value_or("a");
    if (type != "a" && type != "c" && type != "b")
        throw Error("linux.resources.devices: type \"" + type + "\" is not a, c or b");
    std::string access = r.access.value_or("rwm");
    if (access.empty()) access = "rwm";
    if (access.find_first_not_of("rwm") != std::string::npos)
        throw Error("linux.resources.devices: access \"" + access + "\" is not a subset of \"rwm\"");
    auto num = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? std::to_string(*v) : "*"; };
    // "a" always means every device: the kernel ignores the numbers then.
    if (type == "a") return "a *:* " + access;
    return type + " " + num(r.major) + ":" + num(r.minor) + " " + access;
}

namespace v1 {

void apply_devices(const Dir& d, const std::vector<spec::DeviceCgroupRule>& rules) {
    // The kernel applies each write in turn ("a" in devices.deny empties the allow list and flips the default
    // to deny), which is the spec's "apply entries in the listed order".
    for (const auto& r : rules)
        d.write(r.allow ? "devices.allow" : "devices.deny", device_rule_string(r), "linux.resources.devices");
}

}  // namespace v1

}  // namespace ocirt::cgroups
