// The host facts make_plan needs (SELinux, the cgroup layout), read once from /proc/self/mountinfo.
#include <sstream>
#include <string_view>

#include "rootfs/plan.hpp"
#include "sys/mountinfo.hpp"

namespace ocirt::rootfs {
namespace {

constexpr std::string_view kCgroupRoot = "/sys/fs/cgroup";

// Super options of a v1 cgroup mount, without the generic rw/ro: "cpu,cpuacct", "name=systemd".
std::string controllers_of(std::string_view super) {
    std::string out;
    std::string_view rest = super;
    while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view opt = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (opt == "rw" || opt == "ro") continue;
        if (!out.empty()) out += ',';
        out += opt;
    }
    return out;
}

// "cpu,cpuacct" is reachable as "cpu" and "cpuacct" too, as on the host.
std::vector<std::string> links_of(const std::string& name) {
    std::vector<std::string> links;
    if (name.find(',') == std::string::npos) return links;
    std::stringstream ss(name);
    for (std::string part; std::getline(ss, part, ',');) links.push_back(part);
    return links;
}

void add_line(Host& h, const std::string& line) {
    std::istringstream in(line);
    std::string id, parent, devno, root, mountpoint, field;
    in >> id >> parent >> devno >> root >> mountpoint;
    while (in >> field && field != "-") {
    }
    std::string fstype, source, super;
    in >> fstype >> source >> super;
    if (fstype == "selinuxfs") h.selinux = true;
    if (fstype == "cgroup2" && mountpoint == kCgroupRoot) h.cgroup_v2 = true;
    if ((fstype != "cgroup" && fstype != "cgroup2") || mountpoint.size() <= kCgroupRoot.size() + 1 ||
        mountpoint.rfind(std::string(kCgroupRoot) + "/", 0) != 0)
        return;
    CgroupHierarchy ch;
    ch.name = mountpoint.substr(kCgroupRoot.size() + 1);
    ch.host_path = mountpoint;
    ch.v2 = fstype == "cgroup2";
    ch.controllers = ch.v2 ? "" : controllers_of(super);
    ch.links = links_of(ch.name);
    h.cgroup_v1.push_back(std::move(ch));
}

}  // namespace

Host detect_host() {
    Host h;
    std::string_view text = sys::self_mountinfo();
    while (!text.empty()) {
        size_t eol = text.find('\n');
        add_line(h, std::string(text.substr(0, eol)));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    }
    if (h.cgroup_v2) h.cgroup_v1.clear();
    return h;
}

}  // namespace ocirt::rootfs
