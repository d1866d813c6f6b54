// Checks of the linux object: devices, network devices, cgroupsPath, seccomp, personality, memory policy and
// Intel RDT. (Namespaces, sysctls and paths are in validate.cpp, resources in validate_resources.cpp.)
#include <algorithm>

#include "spec/validate.hpp"
#include "spec/validate_internal.hpp"

namespace ocirt::spec {

namespace vcheck {

void check_devices(const Config& c) {
    if (!c.linux_) return;
    const auto& devs = c.linux_->devices;
    for (size_t i = 0; i < devs.size(); ++i) {
        const Device& d = devs[i];
        if (!one_of(d.type, {"c", "b", "u", "p"}))
            fail(item("linux.devices", i, "type"), "unknown device type " + quote(d.type) + " (expected c, b, u or p)");
        check_container_path(item("linux.devices", i, "path"), d.path);
        if (d.type != "p" && (d.major < 0 || d.minor < 0))
            fail(item("linux.devices", i), "major and minor must not be negative");
        for (size_t j = 0; j < i; ++j)
            if (devs[j].path == d.path)
                fail(item("linux.devices", i, "path"),
                     quote(d.path) + " is listed twice (also at [" + std::to_string(j) + "])");
    }
}

// What the kernel accepts as an interface name (dev_valid_name): 1 to 15 bytes, not "." or "..", no '/', ':'
// or white space.
static bool is_ifname(std::string_view n) {
    if (n.empty() || n.size() > 15 || n == "." || n == "..") return false;
    return std::none_of(n.begin(), n.end(),
                        [](char ch) { return ch == '/' || ch == ':' || ch == ' ' || (ch >= '\t' && ch <= '\r'); });
}

void check_net_devices(const Config& c) {
    if (!c.linux_ || c.linux_->netDevices.empty()) return;
    // Moving an interface "into" the host namespace would be a no-op that hides a configuration mistake.
    if (!c.linux_->find_namespace(NamespaceType::network))
        fail("linux.netDevices", "needs a network namespace, and linux.namespaces has none");
    for (const auto& [host_name, dev] : c.linux_->netDevices) {
        if (!is_ifname(host_name)) fail(key("linux.netDevices", host_name), "is not a valid interface name");
        if (dev.name && !is_ifname(*dev.name))
            fail(field(key("linux.netDevices", host_name), "name"),
                 quote(*dev.name) + " is not a valid interface name");
    }
}

void check_cgroups_path(const Config& c) {
    if (!c.linux_ || !c.linux_->cgroupsPath) return;
    const std::string& p = *c.linux_->cgroupsPath;
    if (has_dotdot(p)) fail("linux.cgroupsPath", quote(p) + " has a \"..\" component");
    if (p.find('\0') != std::string::npos) fail("linux.cgroupsPath", "contains a NUL byte");
}

static bool takes_errno(std::string_view action) { return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE"; }

static bool is_seccomp_action(std::string_view a) {
    return one_of(a, {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                      "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"});
}

static void check_seccomp_rule(const Seccomp& s, size_t i) {
    const SeccompSyscall& r = s.syscalls[i];
    const std::string where = item("linux.seccomp.syscalls", i);
    if (r.names.empty()) fail(field(where, "names"), "must have at least one entry");
    for (size_t j = 0; j < r.names.size(); ++j)
        if (r.names[j].empty()) fail(item(field(where, "names"), j), "is empty");
    if (!is_seccomp_action(r.action)) fail(field(where, "action"), "unknown seccomp action " + quote(r.action));
    if (r.errnoRet && !takes_errno(r.action)) fail(field(where, "errnoRet"), r.action + " does not take an errno");
    if (r.action == "SCMP_ACT_NOTIFY" && !s.listenerPath)
        fail(field(where, "action"), "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    for (size_t j = 0; j < r.args.size(); ++j) {
        const SeccompArg& a = r.args[j];
        if (a.index > 5) fail(item(field(where, "args"), j, "index"), std::to_string(a.index) + " is outside 0..5");
        if (!one_of(a.op, {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                           "SCMP_CMP_MASKED_EQ"}))
            fail(item(field(where, "args"), j, "op"), "unknown seccomp operator " + quote(a.op));
    }
}

void check_seccomp(const Config& c) {
    if (!c.linux_ || !c.linux_->seccomp) return;
    const Seccomp& s = *c.linux_->seccomp;
    if (s.defaultAction.empty()) fail("linux.seccomp.defaultAction", "required property is missing");
    if (!is_seccomp_action(s.defaultAction))
        fail("linux.seccomp.defaultAction", "unknown seccomp action " + quote(s.defaultAction));
    // The kernel would have to ask the agent about every syscall, including the ones that set up the agent.
    if (s.defaultAction == "SCMP_ACT_NOTIFY")
        fail("linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (s.defaultErrnoRet && !takes_errno(s.defaultAction))
        fail("linux.seccomp.defaultErrnoRet", s.defaultAction + " does not take an errno");
    for (size_t i = 0; i < s.architectures.size(); ++i)
        if (!one_of(s.architectures[i],
                    {"SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",    "SCMP_ARCH_ARM",
                     "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",   "SCMP_ARCH_MIPS",
                     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
                     "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE",
                     "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",     "SCMP_ARCH_SHEB",
                     "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64"}))
            fail(item("linux.seccomp.architectures", i), "unknown architecture " + quote(s.architectures[i]));
    check_flags("linux.seccomp.flags", s.flags,
                {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                 "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
                "seccomp flag");
    if (s.listenerMetadata && !s.listenerPath)
        fail("linux.seccomp.listenerMetadata", "needs linux.seccomp.listenerPath");
    for (size_t i = 0; i < s.syscalls.size(); ++i) check_seccomp_rule(s, i);
}

void check_personality(const Config& c) {
    if (!c.linux_ || !c.linux_->personality) return;
    const Personality& p = *c.linux_->personality;
    if (!one_of(p.domain, {"LINUX", "LINUX32"}))
        fail("linux.personality.domain", "unknown domain " + quote(p.domain) + " (expected LINUX or LINUX32)");
    if (!p.flags.empty())
        fail("linux.personality.flags[0]", "unsupported flag " + quote(p.flags[0]) + " (the spec defines none)");
}

void check_memory_policy(const Config& c) {
    if (!c.linux_ || !c.linux_->memoryPolicy) return;
    const MemoryPolicy& m = *c.linux_->memoryPolicy;
    if (!one_of(m.mode, {"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                         "MPOL_PREFERRED_MANY", "MPOL_LOCAL"}))
        fail("linux.memoryPolicy.mode", "unknown memory policy mode " + quote(m.mode));
    bool has_nodes = m.nodes && !m.nodes->empty();
    if (has_nodes && !is_id_list(*m.nodes))
        fail("linux.memoryPolicy.nodes", quote(*m.nodes) + " is not a node list like \"0-3,7\"");
    // What set_mempolicy(2) would reject with EINVAL, said before anything is created.
    if (has_nodes && one_of(m.mode, {"MPOL_DEFAULT", "MPOL_LOCAL"}))
        fail("linux.memoryPolicy.nodes", m.mode + " takes no nodes");
    if (!has_nodes && !one_of(m.mode, {"MPOL_DEFAULT", "MPOL_LOCAL", "MPOL_PREFERRED"}))
        fail("linux.memoryPolicy.nodes", m.mode + " needs at least one node");
    check_flags("linux.memoryPolicy.flags", m.flags,
                {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"}, "memory policy flag");
    bool rel = std::find(m.flags.begin(), m.flags.end(), "MPOL_F_RELATIVE_NODES") != m.flags.end();
    bool stat = std::find(m.flags.begin(), m.flags.end(), "MPOL_F_STATIC_NODES") != m.flags.end();
    if (rel && stat)
        fail("linux.memoryPolicy.flags", "MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES exclude each other");
}

static void check_no_newline(std::string_view where, std::string_view v) {
    if (v.find('\n') != std::string_view::npos) fail(where, "must not contain a newline");
}

void check_intel_rdt(const Config& c) {
    if (!c.linux_ || !c.linux_->intelRdt) return;
    const IntelRdt& r = *c.linux_->intelRdt;
    // closID names a directory under the resctrl mount; "/" alone is the spec's name for the default group.
    if (r.closID && *r.closID != "/" &&
        (r.closID->empty() || *r.closID == "." || *r.closID == ".." ||
         r.closID->find_first_of("/\n") != std::string::npos))
        fail("linux.intelRdt.closID", quote(*r.closID) + " is not a valid resctrl group name");
    if (r.l3CacheSchema) check_no_newline("linux.intelRdt.l3CacheSchema", *r.l3CacheSchema);
    if (r.memBwSchema) {
        check_no_newline("linux.intelRdt.memBwSchema", *r.memBwSchema);
        if (!r.memBwSchema->starts_with("MB:")) fail("linux.intelRdt.memBwSchema", "must start with \"MB:\"");
    }
    for (size_t i = 0; i < r.schemata.size(); ++i) check_no_newline(item("linux.intelRdt.schemata", i), r.schemata[i]);
}

}  // namespace vcheck

using namespace vcheck;

void validate_cgroups_path(std::string_view path, bool systemd) {
    if (path.empty()) return;
    if (has_dotdot(path)) fail("linux.cgroupsPath", quote(path) + " has a \"..\" component");
    if (!systemd) return;
    size_t c1 = path.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : path.find(':', c1 + 1);
    if (c2 == std::string_view::npos || path.find(':', c2 + 1) != std::string_view::npos)
        fail("linux.cgroupsPath", quote(path) + " is not of the form \"slice:prefix:name\" that systemd needs");
    std::string_view slice = path.substr(0, c1);
    std::string_view name = path.substr(c2 + 1);
    if (!slice.empty() && (!slice.ends_with(".slice") || slice.find('/') != std::string_view::npos))
        fail("linux.cgroupsPath", quote(slice) + " is not a systemd slice name (like \"system.slice\")");
    if (name.empty() || name.find('/') != std::string_view::npos)
        fail("linux.cgroupsPath", quote(name) + " is not a valid unit name part");
}

}  // namespace ocirt::spec
