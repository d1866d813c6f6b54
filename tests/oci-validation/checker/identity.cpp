// process.user, process.capabilities, process.noNewPrivileges, hostname and domainname.
#include "checker.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace ocv {
namespace {

const char* const kCapNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
    "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
constexpr int kCapCount = sizeof kCapNames / sizeof kCapNames[0];

int last_cap() {
    auto text = read_file("/proc/sys/kernel/cap_last_cap");
    return text ? std::stoi(*text) : kCapCount - 1;
}

std::string cap_list(unsigned long long mask) {
    std::vector<std::string> names;
    for (int i = 0; i < 64; ++i)
        if (mask & (1ULL << i)) names.push_back(i < kCapCount ? kCapNames[i] : "cap" + std::to_string(i));
    return names.empty() ? "(none)" : join(names, ",");
}

void check_capabilities(Context& ctx, const Json* process) {
    const Json* caps = member(process, "capabilities");
    if (caps == nullptr) return;
    // Capabilities the host kernel lacks cannot be granted; the spec wants a warning, not a failure.
    unsigned long long known = 0;
    for (int i = 0; i <= std::min(last_cap(), kCapCount - 1); ++i) known |= 1ULL << i;
    const std::pair<const char*, const char*> sets[] = {{"effective", "CapEff"},   {"bounding", "CapBnd"},
                                                        {"inheritable", "CapInh"}, {"permitted", "CapPrm"},
                                                        {"ambient", "CapAmb"}};
    for (const auto& [set, field] : sets) {
        if (member(caps, set) == nullptr) continue;
        unsigned long long want = 0;
        for (const auto& name : strings(caps, set))
            for (int i = 0; i < kCapCount; ++i)
                if (name == kCapNames[i]) want |= 1ULL << i;
        want &= known;
        unsigned long long got = std::stoull(status_field(field).value_or("0"), nullptr, 16);
        ctx.tap.eq(std::string("process.capabilities.") + set, cap_list(want), cap_list(got));
    }
}

void check_user(Context& ctx, const Json* process) {
    const Json* user = member(process, "user");
    long long uid = integer(user, "uid").value_or(0), gid = integer(user, "gid").value_or(0);
    ctx.tap.eq("process.user.uid (real)", uid, getuid());
    ctx.tap.eq("process.user.uid (effective)", uid, geteuid());
    ctx.tap.eq("process.user.gid (real)", gid, getgid());
    ctx.tap.eq("process.user.gid (effective)", gid, getegid());
    // The primary gid may or may not be repeated in the supplementary list.
    std::set<long long> want, got;
    if (const Json* extra = member(user, "additionalGids"); extra != nullptr && extra->IsArray())
        for (const auto& g : extra->GetArray())
            if (g.IsInt64() && g.GetInt64() != gid) want.insert(g.GetInt64());
    gid_t groups[256];
    int n = getgroups(256, groups);
    for (int i = 0; i < n; ++i)
        if (groups[i] != static_cast<gid_t>(gid)) got.insert(groups[i]);
    auto text = [](const std::set<long long>& s) {
        std::vector<std::string> v;
        for (auto g : s) v.push_back(std::to_string(g));
        return v.empty() ? std::string("(none)") : join(v, ",");
    };
    ctx.tap.eq("process.user.additionalGids", text(want), text(got));
    if (auto umask = integer(user, "umask")) {
        char want_text[16];
        std::snprintf(want_text, sizeof want_text, "%04llo", *umask);
        ctx.tap.eq("process.user.umask", want_text, status_field("Umask").value_or("?"));
    }
}

void check_no_new_privs(Context& ctx, const Json* process) {
    bool want = boolean(process, "noNewPrivileges").value_or(false);
    ctx.tap.eq("process.noNewPrivileges", want ? 1 : 0, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

void check_uts(Context& ctx) {
    utsname u{};
    uname(&u);
    if (auto host = str(&ctx.config, "hostname")) ctx.tap.eq("hostname", *host, u.nodename);
    if (auto domain = str(&ctx.config, "domainname")) ctx.tap.eq("domainname", *domain, u.domainname);
}

}  // namespace

void check_identity(Context& ctx) {
    const Json* process = member(&ctx.config, "process");
    check_user(ctx, process);
    check_capabilities(ctx, process);
    check_no_new_privs(ctx, process);
    check_uts(ctx);
}

}  // namespace ocv
