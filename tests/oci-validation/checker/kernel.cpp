// linux.sysctl and linux.memoryPolicy.
#include "checker.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <sstream>

namespace ocv {
namespace {

// Multi-value sysctls come back tab-separated; compare word by word.
std::string words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> w;
    for (std::string x; in >> x;) w.push_back(x);
    return join(w, " ");
}

void check_sysctl(Context& ctx) {
    const Json* sysctl = member(member(&ctx.config, "linux"), "sysctl");
    if (sysctl == nullptr || !sysctl->IsObject()) return;
    for (const auto& kv : sysctl->GetObject()) {
        std::string key = kv.name.GetString(), path = "/proc/sys/";
        for (char c : key) path += c == '.' ? '/' : c;
        auto got = read_file(path);
        ctx.tap.eq("linux.sysctl[" + key + "]", words(kv.value.IsString() ? kv.value.GetString() : "?"),
                   got ? words(*got) : "(unreadable)");
    }
}

constexpr int kStaticNodes = 1 << 15, kRelativeNodes = 1 << 14, kNumaBalancing = 1 << 13;

// "0-2,5" -> bitmask.
unsigned long nodemask(const std::string& list) {
    unsigned long mask = 0;
    for (const auto& part : split(list, ',')) {
        if (part.empty()) continue;
        auto dash = part.find('-');
        unsigned long lo = std::stoul(part.substr(0, dash));
        unsigned long hi = dash == std::string::npos ? lo : std::stoul(part.substr(dash + 1));
        for (unsigned long n = lo; n <= hi && n < 64; ++n) mask |= 1UL << n;
    }
    return mask;
}

void check_memory_policy(Context& ctx) {
    const Json* policy = member(member(&ctx.config, "linux"), "memoryPolicy");
    if (policy == nullptr) return;
    static const std::map<std::string, int> modes = {
        {"MPOL_DEFAULT", 0}, {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2}, {"MPOL_INTERLEAVE", 3},
        {"MPOL_LOCAL", 4},   {"MPOL_PREFERRED_MANY", 5}, {"MPOL_WEIGHTED_INTERLEAVE", 6}};
    static const std::map<std::string, int> flags = {{"MPOL_F_STATIC_NODES", kStaticNodes},
                                                     {"MPOL_F_RELATIVE_NODES", kRelativeNodes},
                                                     {"MPOL_F_NUMA_BALANCING", kNumaBalancing}};
    int mode = -1;
    unsigned long mask[16] = {};
    if (syscall(SYS_get_mempolicy, &mode, mask, 64 * 16, nullptr, 0) != 0) {
        ctx.tap.fail("linux.memoryPolicy", "get_mempolicy works", errno_name(errno));
        return;
    }
    auto it = modes.find(str(policy, "mode").value_or(""));
    int want_flags = 0;
    for (const auto& f : strings(policy, "flags"))
        if (auto fit = flags.find(f); fit != flags.end()) want_flags |= fit->second;
    int mode_bits = mode & ~(kStaticNodes | kRelativeNodes | kNumaBalancing);
    ctx.tap.eq("linux.memoryPolicy.mode", it == modes.end() ? -1 : it->second, mode_bits);
    ctx.tap.eq("linux.memoryPolicy.flags", want_flags, mode & (kStaticNodes | kRelativeNodes | kNumaBalancing));
    if (auto nodes = str(policy, "nodes"); nodes && !nodes->empty())
        ctx.tap.eq("linux.memoryPolicy.nodes", static_cast<long long>(nodemask(*nodes)),
                   static_cast<long long>(mask[0]));
}

}  // namespace

void check_kernel(Context& ctx) {
    check_sysctl(ctx);
    check_memory_policy(ctx);
}

}  // namespace ocv
