// One TEST_CASE per validation check: a config that passes, then the ways it fails, by exact message.
#include "spec/validate.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "spec/parse.hpp"

using namespace ocirt::spec;

namespace {

// The smallest config that passes every check.
Config valid() {
    Config c;
    c.ociVersion = "1.3.0";
    c.root = Root{"rootfs", false};
    c.process.emplace();
    c.process->args = {"sh"};
    c.process->cwd = "/";
    c.linux_.emplace();
    for (auto t :
         {NamespaceType::pid, NamespaceType::network, NamespaceType::ipc, NamespaceType::uts, NamespaceType::mount})
        c.linux_->namespaces.push_back({t, std::nullopt});
    return c;
}

std::string error_of(const Config& c) {
    try {
        validate(c);
    } catch (const ocirt::Error& e) {
        return e.message();
    }
    return "";
}

void remove_ns(Config& c, NamespaceType t) {
    auto& v = c.linux_->namespaces;
    std::erase_if(v, [t](const Namespace& n) { return n.type == t; });
}

}  // namespace

TEST_CASE("validate: a minimal config passes", "[spec][validate]") { CHECK(error_of(valid()) == ""); }

TEST_CASE("validate: ociVersion", "[spec][validate]") {
    for (const char* good : {"1.0.0", "1.3.0", "1.0.2-dev", "1.2.0-rc.1+build.5", "1.10.100"}) {
        Config c = valid();
        c.ociVersion = good;
        CHECK(error_of(c) == "");
    }
    Config c = valid();
    c.ociVersion = "";
    CHECK(error_of(c) == "ociVersion: required property is missing");
    c.ociVersion = "2.0.0";
    CHECK(error_of(c) == "ociVersion: \"2.0.0\" is not supported: the major version must be 1");
    for (const char* bad : {"1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0+", "v1.0.0", "1.a.0", "1..0"}) {
        c.ociVersion = bad;
        CHECK(error_of(c) == "ociVersion: \"" + std::string(bad) + "\" is not a SemVer version");
    }
}

TEST_CASE("validate: root.path", "[spec][validate]") {
    Config c = valid();
    c.root.reset();
    CHECK(error_of(c) == "root: required property is missing");
    c.root = Root{"", true};
    CHECK(error_of(c) == "root.path: required property is missing");
}

TEST_CASE("validate: process args and cwd", "[spec][validate]") {
    Config c = valid();
    c.process.reset();
    CHECK(error_of(c) == "process: required property is missing");
    c = valid();
    c.process->args.clear();
    CHECK(error_of(c) == "process.args: must have at least one entry");
    c = valid();
    c.process->cwd = "";
    CHECK(error_of(c) == "process.cwd: required property is missing");
    c.process->cwd = "work";
    CHECK(error_of(c) == "process.cwd: \"work\" is not an absolute path");
}

TEST_CASE("validate: process env", "[spec][validate]") {
    Config c = valid();
    c.process->env = {"A=1", "B=", "C==x"};
    CHECK(error_of(c) == "");
    c.process->env = {"A=1", "NOEQUALS"};
    CHECK(error_of(c) == "process.env[1]: \"NOEQUALS\" has no '=' (expected NAME=VALUE)");
    c.process->env = {"=x"};
    CHECK(error_of(c) == "process.env[0]: \"=x\" has an empty name");
    c.process->env = {std::string("A=\0b", 4)};
    CHECK(error_of(c) == "process.env[0]: contains a NUL byte");
}

TEST_CASE("validate: rlimits", "[spec][validate]") {
    Config c = valid();
    c.process->rlimits = {{"RLIMIT_NOFILE", 1024, 1024}, {"RLIMIT_CORE", 0, 10}};
    CHECK(error_of(c) == "");
    c.process->rlimits = {{"RLIMIT_FOO", 1, 1}};
    CHECK(error_of(c) == "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
    c.process->rlimits = {{"RLIMIT_NOFILE", 2048, 1024}};
    CHECK(error_of(c) == "process.rlimits[0]: soft limit 2048 is above hard limit 1024");
    c.process->rlimits = {{"RLIMIT_NOFILE", 1, 1}, {"RLIMIT_NOFILE", 2, 2}};
    CHECK(error_of(c) == "process.rlimits[1].type: \"RLIMIT_NOFILE\" is listed twice (also at [0])");
}

TEST_CASE("validate: capability names", "[spec][validate]") {
    Config c = valid();
    c.process->capabilities = Capabilities{{"CAP_KILL"}, {"CAP_SYS_ADMIN", "CAP_NEW_ONE_2"}, {}, {}, {}};
    CHECK(error_of(c) == "");
    c.process->capabilities->ambient = {"CAP_KILL", "kill"};
    CHECK(error_of(c) == "process.capabilities.ambient[1]: \"kill\" is not a capability name (CAP_...)");
    c.process->capabilities->ambient = {"CAP_"};
    CHECK(error_of(c) == "process.capabilities.ambient[0]: \"CAP_\" is not a capability name (CAP_...)");
}

TEST_CASE("validate: oomScoreAdj range", "[spec][validate]") {
    Config c = valid();
    c.process->oomScoreAdj = -1000;
    CHECK(error_of(c) == "");
    c.process->oomScoreAdj = 1001;
    CHECK(error_of(c) == "process.oomScoreAdj: 1001 is outside -1000..1000");
}

TEST_CASE("validate: scheduler", "[spec][validate]") {
    Config c = valid();
    c.process->scheduler = Scheduler{"SCHED_FIFO", 0, 50, {"SCHED_FLAG_RESET_ON_FORK"}, 0, 0, 0};
    CHECK(error_of(c) == "");
    c.process->scheduler = Scheduler{"SCHED_DEADLINE", 0, 0, {}, 10, 20, 30};
    CHECK(error_of(c) == "");
    c.process->scheduler = Scheduler{"SCHED_FOO", 0, 0, {}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\"");
    c.process->scheduler = Scheduler{"", 0, 0, {}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.policy: required property is missing");
    c.process->scheduler = Scheduler{"SCHED_OTHER", 20, 0, {}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.nice: 20 is outside -20..19");
    c.process->scheduler = Scheduler{"SCHED_RR", 0, 0, {}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.priority: 0 is outside 1..99, as SCHED_RR needs");
    c.process->scheduler = Scheduler{"SCHED_OTHER", 0, 5, {}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a static priority");
    c.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {}, 1, 0, 0};
    CHECK(error_of(c) == "process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE");
    c.process->scheduler = Scheduler{"SCHED_DEADLINE", 0, 0, {}, 30, 20, 0};
    CHECK(error_of(c) == "process.scheduler.runtime: must not be greater than deadline");
    c.process->scheduler = Scheduler{"SCHED_DEADLINE", 0, 0, {}, 10, 40, 30};
    CHECK(error_of(c) == "process.scheduler.deadline: must not be greater than period");
    c.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {"SCHED_FLAG_X"}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"");
    c.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {"SCHED_FLAG_RECLAIM", "SCHED_FLAG_RECLAIM"}, 0, 0, 0};
    CHECK(error_of(c) == "process.scheduler.flags[1]: \"SCHED_FLAG_RECLAIM\" is listed twice");
}

TEST_CASE("validate: ioPriority", "[spec][validate]") {
    Config c = valid();
    c.process->ioPriority = IoPriority{"IOPRIO_CLASS_BE", 7};
    CHECK(error_of(c) == "");
    c.process->ioPriority = IoPriority{"IOPRIO_CLASS_FOO", 0};
    CHECK(error_of(c) == "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_FOO\"");
    c.process->ioPriority = IoPriority{"IOPRIO_CLASS_RT", 8};
    CHECK(error_of(c) == "process.ioPriority.priority: 8 is outside 0..7");
}

TEST_CASE("validate: execCPUAffinity", "[spec][validate]") {
    Config c = valid();
    c.process->execCPUAffinity = ExecCPUAffinity{"0-3,7", "1"};
    CHECK(error_of(c) == "");
    c.process->execCPUAffinity = ExecCPUAffinity{"3-1", std::nullopt};
    CHECK(error_of(c) == "process.execCPUAffinity.initial: \"3-1\" is not a CPU list like \"0-3,7\"");
    c.process->execCPUAffinity = ExecCPUAffinity{std::nullopt, "1,,2"};
    CHECK(error_of(c) == "process.execCPUAffinity.final: \"1,,2\" is not a CPU list like \"0-3,7\"");
}

TEST_CASE("validate: validate_process for exec uses bare field names", "[spec][validate]") {
    Process p;
    p.args = {"ls"};
    p.cwd = "/";
    CHECK_NOTHROW(validate_process(p, ""));
    p.cwd = "rel";
    CHECK_THROWS_WITH(validate_process(p, ""), "cwd: \"rel\" is not an absolute path");
}

TEST_CASE("validate: mount destinations", "[spec][validate]") {
    Config c = valid();
    c.mounts.push_back({"/proc", "proc", "proc", {}, {}, {}});
    c.mounts.push_back({"/data/x", "/srv", "none", {"rbind"}, {}, {}});
    CHECK(error_of(c) == "");
    c.mounts[1].destination = "data";  // deprecated but allowed: relative to "/" (config.md)
    CHECK(error_of(c) == "");
    c.mounts[1].destination = "data/../../etc";
    CHECK(error_of(c) == "mounts[1].destination: \"data/../../etc\" has a \"..\" component");
    c.mounts[1].destination = "/data/../etc";
    CHECK(error_of(c) == "mounts[1].destination: \"/data/../etc\" has a \"..\" component");
    c.mounts[1].destination = "";
    CHECK(error_of(c) == "mounts[1].destination: required property is missing");
    c.mounts[1].destination = "/data/..x";  // a name that starts with two dots is fine
    CHECK(error_of(c) == "");
}

TEST_CASE("validate: mount id mappings", "[spec][validate]") {
    Config c = valid();
    c.mounts.push_back({"/data", "/srv", "none", {"rbind", "idmap"}, {{0, 1000, 1}}, {{0, 1000, 1}}});
    CHECK(error_of(c) == "");
    c.mounts[0].gidMappings.clear();
    CHECK(error_of(c) == "mounts[0]: uidMappings and gidMappings must be given together");
    c.mounts[0].uidMappings.clear();
    CHECK(error_of(c) == "mounts[0].options: idmap needs uidMappings/gidMappings or a user namespace");
}

TEST_CASE("validate: hooks", "[spec][validate]") {
    Config c = valid();
    c.hooks.emplace();
    c.hooks->prestart.push_back({"/bin/true", {}, {}, 5});
    CHECK(error_of(c) == "");
    c.hooks->poststop.push_back({"true", {}, {}, std::nullopt});
    CHECK(error_of(c) == "hooks.poststop[0].path: \"true\" is not an absolute path");
    c.hooks->poststop.clear();
    c.hooks->createContainer.push_back({"/bin/true", {}, {}, 0});
    CHECK(error_of(c) == "hooks.createContainer[0].timeout: 0 is not greater than zero");
}

TEST_CASE("validate: namespaces", "[spec][validate]") {
    Config c = valid();
    c.linux_->namespaces[1].path = "/var/run/netns/a";
    CHECK(error_of(c) == "");
    c.linux_->namespaces[1].path = "netns/a";
    CHECK(error_of(c) == "linux.namespaces[1].path: \"netns/a\" is not an absolute path");
    c = valid();
    c.linux_->namespaces.push_back({NamespaceType::pid, std::nullopt});
    CHECK(error_of(c) == "linux.namespaces[5].type: pid is listed twice (also at [0])");
}

TEST_CASE("validate: user namespace and id mappings", "[spec][validate]") {
    Config c = valid();
    c.linux_->uidMappings = {{0, 1000, 1}};
    CHECK(error_of(c) == "linux.uidMappings: needs a user namespace, and linux.namespaces has none");
    c.linux_->namespaces.push_back({NamespaceType::user, std::nullopt});
    CHECK(error_of(c) == "linux.gidMappings: a new user namespace needs gid mappings");
    c.linux_->gidMappings = {{0, 1000, 1}};
    CHECK(error_of(c) == "");
    c.linux_->uidMappings.clear();
    CHECK(error_of(c) == "linux.uidMappings: a new user namespace needs uid mappings");
    c.linux_->gidMappings.clear();
    c.linux_->namespaces.back().path = "/proc/1/ns/user";  // joined: its maps are already written
    CHECK(error_of(c) == "");
}

TEST_CASE("validate: timeOffsets", "[spec][validate]") {
    Config c = valid();
    c.linux_->timeOffsets["monotonic"] = {10, 5};
    CHECK(error_of(c) == "linux.timeOffsets: needs a time namespace, and linux.namespaces has none");
    c.linux_->namespaces.push_back({NamespaceType::time, std::nullopt});
    CHECK(error_of(c) == "");
    c.linux_->timeOffsets["realtime"] = {1, 0};
    CHECK(error_of(c) == "linux.timeOffsets[\"realtime\"]: unknown clock (expected \"monotonic\" or \"boottime\")");
    c.linux_->timeOffsets.erase("realtime");
    c.linux_->timeOffsets["boottime"] = {1, 1000000000};
    CHECK(error_of(c) == "linux.timeOffsets[\"boottime\"].nanosecs: must be less than 1000000000");
    c.linux_->timeOffsets.erase("boottime");
    c.linux_->namespaces.back().path = "/proc/1/ns/time";
    CHECK(error_of(c) == "linux.timeOffsets: cannot be set when joining an existing time namespace");
}

TEST_CASE("validate: sysctl needs the namespace it lives in", "[spec][validate]") {
    Config c = valid();
    c.linux_->sysctl = {{"net.ipv4.ip_forward", "1"},
                        {"kernel.shmmax", "1"},
                        {"fs.mqueue.msg_max", "10"},
                        {"kernel.domainname", "x"},
                        {"net/ipv4/ping_group_range", "0 0"}};
    CHECK(error_of(c) == "");
    c.linux_->sysctl = {{"vm.swappiness", "1"}};
    CHECK(error_of(c) ==
          "linux.sysctl[\"vm.swappiness\"]: is not in a namespace of the container, so it cannot be set");
    c.linux_->sysctl = {{"net.ipv4.ip_forward", "1"}};
    remove_ns(c, NamespaceType::network);
    CHECK(error_of(c) ==
          "linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace, and linux.namespaces has none");
    c = valid();
    c.linux_->sysctl = {{"kernel.sem", "1 2 3 4"}};
    remove_ns(c, NamespaceType::ipc);
    CHECK(error_of(c) == "linux.sysctl[\"kernel.sem\"]: needs a ipc namespace, and linux.namespaces has none");
    c = valid();
    c.linux_->sysctl = {{"kernel.hostname", "h"}};
    remove_ns(c, NamespaceType::uts);
    CHECK(error_of(c) == "linux.sysctl[\"kernel.hostname\"]: needs a uts namespace, and linux.namespaces has none");
}

TEST_CASE("validate: hostname and domainname need a uts namespace", "[spec][validate]") {
    Config c = valid();
    c.hostname = "box";
    c.domainname = "example.org";
    CHECK(error_of(c) == "");
    remove_ns(c, NamespaceType::uts);
    CHECK(error_of(c) == "hostname: needs a uts namespace, and linux.namespaces has none");
    c.hostname = "";
    CHECK(error_of(c) == "domainname: needs a uts namespace, and linux.namespaces has none");
}

TEST_CASE("validate: maskedPaths and readonlyPaths", "[spec][validate]") {
    Config c = valid();
    c.linux_->maskedPaths = {"/proc/kcore"};
    c.linux_->readonlyPaths = {"/proc/sys"};
    CHECK(error_of(c) == "");
    c.linux_->readonlyPaths = {"/proc/sys", "/proc/../etc"};
    CHECK(error_of(c) == "linux.readonlyPaths[1]: \"/proc/../etc\" has a \"..\" component");
    c.linux_->readonlyPaths.clear();
    c.linux_->maskedPaths = {"proc/kcore"};
    CHECK(error_of(c) == "linux.maskedPaths[0]: \"proc/kcore\" is not an absolute path");
    c.linux_->maskedPaths = {"/proc/kcore"};
    remove_ns(c, NamespaceType::mount);
    CHECK(error_of(c) == "linux.maskedPaths: needs a mount namespace, and linux.namespaces has none");
}

TEST_CASE("validate: rootfsPropagation", "[spec][validate]") {
    Config c = valid();
    for (const char* good : {"shared", "slave", "private", "unbindable", "rslave"}) {
        c.linux_->rootfsPropagation = good;
        CHECK(error_of(c) == "");
    }
    c.linux_->rootfsPropagation = "bogus";
    CHECK(error_of(c) ==
          "linux.rootfsPropagation: unknown propagation \"bogus\" (expected shared, slave, private or unbindable)");
}

TEST_CASE("validate: devices", "[spec][validate]") {
    Config c = valid();
    c.linux_->devices = {{"c", "/dev/fuse", 10, 229, 0666, 0, 0}, {"p", "/dev/fifo", 0, 0, {}, {}, {}}};
    CHECK(error_of(c) == "");
    c.linux_->devices[0].type = "x";
    CHECK(error_of(c) == "linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)");
    c.linux_->devices[0].type = "b";
    c.linux_->devices[0].path = "dev/fuse";
    CHECK(error_of(c) == "linux.devices[0].path: \"dev/fuse\" is not an absolute path");
    c.linux_->devices[0].path = "/dev/fuse";
    c.linux_->devices[0].major = -1;
    CHECK(error_of(c) == "linux.devices[0]: major and minor must not be negative");
    c.linux_->devices[0].major = 10;
    c.linux_->devices[1].path = "/dev/fuse";
    CHECK(error_of(c) == "linux.devices[1].path: \"/dev/fuse\" is listed twice (also at [0])");
}

TEST_CASE("validate: netDevices", "[spec][validate]") {
    Config c = valid();
    c.linux_->netDevices["eth0"] = NetDevice{"ctr0"};
    CHECK(error_of(c) == "");
    c.linux_->netDevices["eth0"] = NetDevice{"a/b"};
    CHECK(error_of(c) == "linux.netDevices[\"eth0\"].name: \"a/b\" is not a valid interface name");
    c.linux_->netDevices.clear();
    c.linux_->netDevices["0123456789abcdef"] = NetDevice{};
    CHECK(error_of(c) == "linux.netDevices[\"0123456789abcdef\"]: is not a valid interface name");
    c.linux_->netDevices.clear();
    c.linux_->netDevices["eth0"] = NetDevice{};
    remove_ns(c, NamespaceType::network);
    CHECK(error_of(c) == "linux.netDevices: needs a network namespace, and linux.namespaces has none");
}

TEST_CASE("validate: cgroupsPath", "[spec][validate]") {
    Config c = valid();
    c.linux_->cgroupsPath = "/myRuntime/myContainer";
    CHECK(error_of(c) == "");
    c.linux_->cgroupsPath = "system.slice:docker:abc";
    CHECK(error_of(c) == "");
    c.linux_->cgroupsPath = "/a/../../b";
    CHECK(error_of(c) == "linux.cgroupsPath: \"/a/../../b\" has a \"..\" component");

    CHECK_NOTHROW(validate_cgroups_path("system.slice:docker:abc", true));
    CHECK_NOTHROW(validate_cgroups_path(":ocirt:abc", true));
    CHECK_NOTHROW(validate_cgroups_path("/a/b", false));
    CHECK_THROWS_WITH(validate_cgroups_path("/a/b", true),
                      "linux.cgroupsPath: \"/a/b\" is not of the form \"slice:prefix:name\" that systemd needs");
    CHECK_THROWS_WITH(validate_cgroups_path("a:b:c:d", true),
                      "linux.cgroupsPath: \"a:b:c:d\" is not of the form \"slice:prefix:name\" that systemd needs");
    CHECK_THROWS_WITH(validate_cgroups_path("system:docker:abc", true),
                      "linux.cgroupsPath: \"system\" is not a systemd slice name (like \"system.slice\")");
    CHECK_THROWS_WITH(validate_cgroups_path("system.slice:docker:", true),
                      "linux.cgroupsPath: \"\" is not a valid unit name part");
}

TEST_CASE("validate: seccomp actions, operators, architectures, flags", "[spec][validate]") {
    Config c = valid();
    c.linux_->seccomp = Seccomp{"SCMP_ACT_ERRNO", 1, {"SCMP_ARCH_X86_64"}, {"SECCOMP_FILTER_FLAG_LOG"}, {}, {}, {}};
    c.linux_->seccomp->syscalls.push_back({{"chmod"}, "SCMP_ACT_ALLOW", {}, {{1, 2, {}, "SCMP_CMP_EQ"}}});
    CHECK(error_of(c) == "");
    Seccomp& s = *c.linux_->seccomp;
    s.defaultAction = "SCMP_ACT_NOPE";
    CHECK(error_of(c) == "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\"");
    s.defaultAction = "SCMP_ACT_NOTIFY";
    CHECK(error_of(c) == "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    s.defaultAction = "SCMP_ACT_KILL";
    CHECK(error_of(c) == "linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL does not take an errno");
    s.defaultAction = "SCMP_ACT_ERRNO";
    s.architectures = {"SCMP_ARCH_VAX"};
    CHECK(error_of(c) == "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"");
    s.architectures = {};
    s.flags = {"SECCOMP_FILTER_FLAG_NOPE"};
    CHECK(error_of(c) == "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"");
    s.flags = {};
    s.listenerMetadata = "m";
    CHECK(error_of(c) == "linux.seccomp.listenerMetadata: needs linux.seccomp.listenerPath");
}

TEST_CASE("validate: seccomp syscall rules", "[spec][validate]") {
    Config c = valid();
    c.linux_->seccomp = Seccomp{"SCMP_ACT_ALLOW", {}, {}, {}, {}, {}, {}};
    auto& rules = c.linux_->seccomp->syscalls;
    rules.push_back({{"chmod"}, "SCMP_ACT_ERRNO", 1, {}});
    CHECK(error_of(c) == "");
    rules[0].names.clear();
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].names: must have at least one entry");
    rules[0].names = {"chmod"};
    rules[0].action = "SCMP_ACT_FOO";
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_FOO\"");
    rules[0].action = "SCMP_ACT_LOG";
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_LOG does not take an errno");
    rules[0].errnoRet.reset();
    rules[0].args = {{6, 0, {}, "SCMP_CMP_EQ"}};
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].args[0].index: 6 is outside 0..5");
    rules[0].args = {{0, 0, {}, "SCMP_CMP_LIKE"}};
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_LIKE\"");
    rules[0].args.clear();
    rules[0].action = "SCMP_ACT_NOTIFY";
    CHECK(error_of(c) == "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    c.linux_->seccomp->listenerPath = "/run/agent.sock";
    CHECK(error_of(c) == "");
}

TEST_CASE("validate: personality", "[spec][validate]") {
    Config c = valid();
    c.linux_->personality = Personality{"LINUX32", {}};
    CHECK(error_of(c) == "");
    c.linux_->personality = Personality{"LINUX64", {}};
    CHECK(error_of(c) == "linux.personality.domain: unknown domain \"LINUX64\" (expected LINUX or LINUX32)");
    c.linux_->personality = Personality{"LINUX", {"ADDR_NO_RANDOMIZE"}};
    CHECK(error_of(c) == "linux.personality.flags[0]: unsupported flag \"ADDR_NO_RANDOMIZE\" (the spec defines none)");
}

TEST_CASE("validate: memoryPolicy", "[spec][validate]") {
    Config c = valid();
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_INTERLEAVE", "0-3", {"MPOL_F_STATIC_NODES"}};
    CHECK(error_of(c) == "");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_LOCAL", {}, {}};
    CHECK(error_of(c) == "");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_FOO", {}, {}};
    CHECK(error_of(c) == "linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_FOO\"");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_BIND", {}, {}};
    CHECK(error_of(c) == "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_DEFAULT", "0", {}};
    CHECK(error_of(c) == "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_BIND", "x", {}};
    CHECK(error_of(c) == "linux.memoryPolicy.nodes: \"x\" is not a node list like \"0-3,7\"");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_BIND", "0", {"MPOL_F_NOPE"}};
    CHECK(error_of(c) == "linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_NOPE\"");
    c.linux_->memoryPolicy = MemoryPolicy{"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}};
    CHECK(error_of(c) == "linux.memoryPolicy.flags: MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES exclude each other");
}

TEST_CASE("validate: intelRdt", "[spec][validate]") {
    Config c = valid();
    c.linux_->intelRdt = IntelRdt{"group", "L3:0=ff", "MB:0=20", {"L2:0=f"}, false};
    CHECK(error_of(c) == "");
    c.linux_->intelRdt->closID = "/";
    CHECK(error_of(c) == "");
    c.linux_->intelRdt->closID = "a/b";
    CHECK(error_of(c) == "linux.intelRdt.closID: \"a/b\" is not a valid resctrl group name");
    c.linux_->intelRdt->closID = "..";
    CHECK(error_of(c) == "linux.intelRdt.closID: \"..\" is not a valid resctrl group name");
    c.linux_->intelRdt->closID.reset();
    c.linux_->intelRdt->memBwSchema = "0=20";
    CHECK(error_of(c) == "linux.intelRdt.memBwSchema: must start with \"MB:\"");
    c.linux_->intelRdt->memBwSchema.reset();
    c.linux_->intelRdt->schemata = {"L3:0=f\nMB:0=1"};
    CHECK(error_of(c) == "linux.intelRdt.schemata[0]: must not contain a newline");
}

TEST_CASE("validate: resources", "[spec][validate]") {
    Config c = valid();
    Resources& r = c.linux_->resources.emplace();
    r.devices = {{false, {}, {}, {}, "rwm"}, {true, "c", 1, 3, "rw"}};
    r.memory = Memory{};
    r.memory->swappiness = 60;
    r.cpu = Cpu{};
    r.cpu->cpus = "0-1";
    r.cpu->quota = 1000;
    r.cpu->burst = 500;
    r.hugepageLimits = {{"2MB", 1}, {"64KB", 1}, {"1GB", 0}};
    r.rdma["mlx"] = Rdma{1, {}};
    r.unified["memory.high"] = "max";
    CHECK(error_of(c) == "");

    Config bad = c;
    bad.linux_->resources->devices[1].type = "x";
    CHECK(error_of(bad) == "linux.resources.devices[1].type: unknown device type \"x\" (expected a, c or b)");
    bad = c;
    bad.linux_->resources->devices[1].access = "rr";
    CHECK(error_of(bad) == "linux.resources.devices[1].access: \"rr\" is not a combination of r, w and m");
    bad = c;
    bad.linux_->resources->memory->swappiness = 101;
    CHECK(error_of(bad) == "linux.resources.memory.swappiness: 101 is outside 0..100");
    bad = c;
    bad.linux_->resources->cpu->burst = 2000;
    CHECK(error_of(bad) == "linux.resources.cpu.burst: must not be greater than quota");
    bad = c;
    bad.linux_->resources->cpu->mems = "a";
    CHECK(error_of(bad) == "linux.resources.cpu.mems: \"a\" is not a node list like \"0-3,7\"");
    bad = c;
    bad.linux_->resources->hugepageLimits[0].pageSize = "2M";
    CHECK(error_of(bad) == "linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a size like \"2MB\"");
    bad = c;
    bad.linux_->resources->rdma["mlx"] = Rdma{};
    CHECK(error_of(bad) == "linux.resources.rdma[\"mlx\"]: needs hcaHandles or hcaObjects");
    bad = c;
    bad.linux_->resources->unified["../x"] = "1";
    CHECK(error_of(bad) == "linux.resources.unified[\"../x\"]: is not a cgroup file name");
    bad = c;
    bad.linux_->resources->blockIO = BlockIO{};
    bad.linux_->resources->blockIO->weightDevice = {{8, 0, {}, {}}};
    CHECK(error_of(bad) == "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight");
    // update --resources: the same checks with bare names.
    CHECK_THROWS_WITH(validate_resources(*bad.linux_->resources, ""),
                      "blockIO.weightDevice[0]: needs weight or leafWeight");
}

TEST_CASE("validate: the runtime-spec's examples", "[spec][validate]") {
    auto load = [](const char* rel) {
        std::ifstream in(std::string(OCIRT_SOURCE_ROOT) + "/../shared/runtime-spec/schema/test/config/" + rel);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    if (load("good/minimal-for-start.json").empty()) {
        WARN("skipped: the runtime-spec examples are not next to the source tree");
        return;
    }
    CHECK(error_of(parse_config(load("good/minimal-for-start.json"))) == "");
    Config example = parse_config(load("good/spec-example.json"));
    CHECK(error_of(example) == "ociVersion: \"0.5.0-dev\" is not supported: the major version must be 1");
    example.ociVersion = "1.3.0";
    CHECK(error_of(example) == "");
    CHECK(error_of(parse_config(load("good/minimal.json"))) == "process: required property is missing");
    Config huge = parse_config(load("bad/linux-hugepage.json"));
    CHECK_THROWS_WITH(validate_resources(*huge.linux_->resources, "linux.resources"),
                      "linux.resources.hugepageLimits[0].pageSize: \"64kB\" is not a size like \"2MB\"");
}
