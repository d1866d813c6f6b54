#include "runtime/features.hpp"

#include <seccomp.h>
#include <sys/capability.h>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "base/error.hpp"
#include "rootfs/plan.hpp"
#include "security/capabilities.hpp"
#include "security/seccomp.hpp"

namespace ocirt::runtime {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void strings(Writer& w, const char* key, const std::vector<std::string>& v) {
    w.Key(key);
    w.StartArray();
    for (const auto& s : v) w.String(s.c_str());
    w.EndArray();
}

void flag(Writer& w, const char* key, bool v) {
    w.Key(key);
    w.Bool(v);
}

std::vector<std::string> capability_names() {
    std::vector<std::string> out;
    for (int c = 0; c <= security::last_capability(); ++c) {
        char* n = cap_to_name(static_cast<cap_value_t>(c));
        if (!n) continue;
        std::string s = n;
        cap_free(n);
        // libcap names caps it does not know by number: only real names are listed.
        if (s.rfind("cap_", 0) != 0) continue;
        for (auto& ch : s) ch = static_cast<char>(toupper(ch));
        out.push_back(s);
    }
    return out;
}

void write_seccomp(Writer& w) {
    w.Key("seccomp");
    w.StartObject();
    flag(w, "enabled", true);
    strings(w, "actions", seccomp_actions());
    strings(w, "operators", seccomp_operators());
    strings(w, "archs", seccomp_archs());
    strings(w, "knownFlags", seccomp_flags());
    strings(w, "supportedFlags", seccomp_flags());
    w.EndObject();
}

void write_linux(Writer& w) {
    w.Key("linux");
    w.StartObject();
    strings(w, "namespaces", {"cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time"});
    strings(w, "capabilities", capability_names());
    w.Key("cgroup");
    w.StartObject();
    flag(w, "v1", true);
    flag(w, "v2", true);
    flag(w, "systemd", true);
    flag(w, "systemdUser", false);
    flag(w, "rdma", true);
    w.EndObject();
    write_seccomp(w);
    for (const char* lsm : {"apparmor", "selinux"}) {
        w.Key(lsm);
        w.StartObject();
        flag(w, "enabled", true);
        w.EndObject();
    }
    w.Key("memoryPolicy");
    w.StartObject();
    strings(w, "modes", {"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                         "MPOL_PREFERRED_MANY", "MPOL_LOCAL"});
    strings(w, "flags", {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"});
    w.EndObject();
    w.Key("intelRdt");
    w.StartObject();
    flag(w, "enabled", false);  // refused with an error (runtime/prepared.cpp)
    w.EndObject();
    w.Key("mountExtensions");
    w.StartObject();
    w.Key("idmap");
    w.StartObject();
    flag(w, "enabled", true);
    w.EndObject();
    w.EndObject();
    w.Key("netDevices");
    w.StartObject();
    flag(w, "enabled", false);  // refused with an error (runtime/prepared.cpp)
    w.EndObject();
    w.EndObject();
}

}  // namespace

const std::vector<std::string>& seccomp_actions() {
    static const std::vector<std::string> v = {"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                                               "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
                                               "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};
    return v;
}

const std::vector<std::string>& seccomp_operators() {
    static const std::vector<std::string> v = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                               "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
    return v;
}

const std::vector<std::string>& seccomp_flags() {
    static const std::vector<std::string> v = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                               "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                               "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    return v;
}

std::vector<std::string> seccomp_archs() {
    static const char* const candidates[] = {
        "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64"};
    std::vector<std::string> out;
    for (const char* a : candidates) {
        // An arch this libseccomp does not know is skipped by compile_seccomp (with a warning), not refused.
        std::string token = std::string(a).substr(10);  // after "SCMP_ARCH_"
        for (auto& ch : token) ch = static_cast<char>(tolower(ch));
        if (seccomp_arch_resolve_name(token.c_str()) == 0) continue;
        spec::Seccomp s;
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.architectures = {a};
        s.syscalls.push_back({{"getpid"}, "SCMP_ACT_ERRNO", {}, {}});
        try {
            if (!security::compile_seccomp(s).filter.empty()) out.emplace_back(a);
        } catch (const Error&) {
            // not usable here: not listed
        }
    }
    return out;
}

std::string features_json() {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.SetIndent(' ', 4);
    w.StartObject();
    w.Key("ociVersionMin");
    w.String("1.0.0");
    w.Key("ociVersionMax");
    w.String(OCIRT_SPEC_VERSION);
    strings(w, "hooks", {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"});
    strings(w, "mountOptions", rootfs::known_mount_options());
    write_linux(w);
    w.Key("annotations");
    w.StartObject();
    w.Key("io.github.ocirt.version");
    w.String(OCIRT_VERSION);
    w.Key("io.github.ocirt.libseccomp.version");
    const scmp_version* v = seccomp_version();
    std::string sv = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
    w.String(sv.c_str());
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace ocirt::runtime
