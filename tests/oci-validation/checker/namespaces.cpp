// linux.namespaces (by inode, against the harness's own), uid/gid mappings,
// timeOffsets and netDevices.
#include "checker.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace ocv {
namespace {

const std::pair<const char*, const char*> kTypes[] = {
    {"pid", "pid"}, {"network", "net"}, {"mount", "mnt"},       {"ipc", "ipc"},
    {"uts", "uts"}, {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"}};

void check_namespace(Context& ctx, const Json* list, const char* type, const char* proc_name) {
    std::string name = std::string("linux.namespaces[") + type + "]";
    auto host_ino = uinteger(member(&ctx.host, "namespaces"), proc_name);
    struct stat st {};
    if (!host_ino || stat((std::string("/proc/self/ns/") + proc_name).c_str(), &st) != 0) {
        ctx.tap.skip(name, "the kernel has no such namespace");
        return;
    }
    const Json* entry = nullptr;
    if (list != nullptr && list->IsArray())
        for (const auto& e : list->GetArray())
            if (str(&e, "type") == type) entry = &e;
    if (entry == nullptr) {
        ctx.tap.eq(name + " absent: runtime namespace inherited", static_cast<long long>(*host_ino), st.st_ino);
    } else if (auto path = str(entry, "path")) {
        auto want = uinteger(member(&ctx.host, "nsPaths"), path->c_str());
        ctx.tap.eq(name + ".path joined", want ? static_cast<long long>(*want) : -1, st.st_ino);
    } else {
        ctx.tap.truth(name + " new namespace", st.st_ino != *host_ino, "inode != " + std::to_string(*host_ino),
                      std::to_string(st.st_ino));
    }
}

std::string normalise_map(const std::string& text) {
    std::vector<std::string> lines;
    for (const auto& line : split(text, '\n')) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string w; in >> w;) f.push_back(w);
        if (f.size() == 3) lines.push_back(f[0] + " " + f[1] + " " + f[2]);
    }
    std::sort(lines.begin(), lines.end());
    return join(lines, ";");
}

void check_mapping(Context& ctx, const char* field, const char* file) {
    const Json* list = member(member(&ctx.config, "linux"), field);
    if (list == nullptr || !list->IsArray()) return;
    std::string want;
    for (const auto& m : list->GetArray())
        want += std::to_string(integer(&m, "containerID").value_or(-1)) + " " +
                std::to_string(integer(&m, "hostID").value_or(-1)) + " " +
                std::to_string(integer(&m, "size").value_or(-1)) + "\n";
    ctx.tap.eq(std::string("linux.") + field, normalise_map(want),
               normalise_map(read_file(file).value_or("(unreadable)")));
}

void check_time_offsets(Context& ctx) {
    const Json* offsets = member(member(&ctx.config, "linux"), "timeOffsets");
    if (offsets == nullptr || !offsets->IsObject()) return;
    auto text = read_file("/proc/self/timens_offsets").value_or("");
    for (const auto& clock : offsets->GetObject()) {
        std::string want = std::to_string(integer(&clock.value, "secs").value_or(0)) + " " +
                           std::to_string(integer(&clock.value, "nanosecs").value_or(0));
        std::string got = "(absent)";
        for (const auto& line : split(text, '\n')) {
            std::istringstream in(line);
            std::string id, secs, nsecs;
            in >> id >> secs >> nsecs;
            if (id == clock.name.GetString()) got = secs + " " + nsecs;
        }
        ctx.tap.eq(std::string("linux.timeOffsets[") + clock.name.GetString() + "]", want, got);
    }
}

void check_net_devices(Context& ctx) {
    const Json* devices = member(member(&ctx.config, "linux"), "netDevices");
    if (devices == nullptr || !devices->IsObject()) return;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (const auto& dev : devices->GetObject()) {
        std::string ifname = str(&dev.value, "name").value_or(dev.name.GetString());
        std::string name = std::string("linux.netDevices[") + dev.name.GetString() + "]";
        ifreq req{};
        std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
        if (ioctl(sock, SIOCGIFFLAGS, &req) != 0) {
            ctx.tap.fail(name + " present as " + ifname, "an interface", errno_name(errno));
            continue;
        }
        ctx.tap.ok(name + " present as " + ifname);
        ctx.tap.truth(name + " is up", (req.ifr_flags & IFF_UP) != 0, "IFF_UP", "down");
        auto addr = str(member(&ctx.host, "netAddresses"), dev.name.GetString());
        if (!addr) continue;
        std::string got = "(none)";
        if (ioctl(sock, SIOCGIFADDR, &req) == 0)
            got = inet_ntoa(reinterpret_cast<sockaddr_in*>(&req.ifr_addr)->sin_addr);
        ctx.tap.eq(name + " keeps its permanent address", *addr, got);
    }
    if (sock >= 0) close(sock);
}

}  // namespace

void check_namespaces(Context& ctx) {
    const Json* list = member(member(&ctx.config, "linux"), "namespaces");
    for (const auto& [type, proc_name] : kTypes) check_namespace(ctx, list, type, proc_name);
    check_mapping(ctx, "uidMappings", "/proc/self/uid_map");
    check_mapping(ctx, "gidMappings", "/proc/self/gid_map");
    check_time_offsets(ctx);
    check_net_devices(ctx);
}

}  // namespace ocv
