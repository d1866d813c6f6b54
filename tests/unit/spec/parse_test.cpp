#include "spec/parse.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "base/error.hpp"

using namespace ocirt::spec;

static std::string read_fixture(const char* name) {
    std::ifstream in(std::string(OCIRT_SOURCE_ROOT) + "/tests/unit/spec/data/" + name);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The message of the Error that fn throws, or "" when it does not throw.
template <class F>
static std::string error_of(F fn) {
    try {
        fn();
    } catch (const ocirt::Error& e) {
        return e.message();
    }
    return "";
}

TEST_CASE("parse: top-level fields of the full fixture", "[spec]") {
    Config c = parse_config(read_fixture("full_config.json"));
    CHECK(c.ociVersion == "1.3.0");
    REQUIRE(c.root);
    CHECK(c.root->path == "rootfs");
    CHECK(c.root->readonly);
    REQUIRE(c.mounts.size() == 2);
    CHECK(c.mounts[0].destination == "/proc");
    CHECK(c.mounts[0].type == "proc");
    CHECK(c.mounts[0].options.empty());
    CHECK(c.mounts[1].source == "/srv/data");
    CHECK(c.mounts[1].options == std::vector<std::string>{"rbind", "ro"});
    REQUIRE(c.mounts[1].uidMappings.size() == 1);
    CHECK(c.mounts[1].uidMappings[0].hostID == 1000);
    CHECK(c.mounts[1].gidMappings[0].size == 2);
    CHECK(c.hostname == "box");
    CHECK(c.domainname == "example.org");
    CHECK(c.annotations.at("com.example.key2") == "value2");
    REQUIRE(c.hooks);
    CHECK(c.hooks->prestart[0].args == std::vector<std::string>{"fix-mounts", "arg1"});
    CHECK(c.hooks->prestart[0].env == std::vector<std::string>{"key1=value1"});
    CHECK(c.hooks->createRuntime[0].path == "/usr/bin/setup-network");
    CHECK(c.hooks->createContainer[0].path == "/usr/bin/cc");
    CHECK(c.hooks->startContainer[0].path == "/usr/bin/refresh-ldcache");
    CHECK(c.hooks->poststart[0].timeout == 5);
    CHECK_FALSE(c.hooks->prestart[0].timeout);
    CHECK(c.hooks->poststop[0].args.size() == 2);
}

TEST_CASE("parse: process fields of the full fixture", "[spec]") {
    Config c = parse_config(read_fixture("full_config.json"));
    REQUIRE(c.process);
    const Process& p = *c.process;
    CHECK(p.terminal);
    REQUIRE(p.consoleSize);
    CHECK(p.consoleSize->height == 25);
    CHECK(p.consoleSize->width == 80);
    CHECK(p.user.uid == 1);
    CHECK(p.user.gid == 2);
    CHECK(p.user.umask == 18u);
    CHECK(p.user.additionalGids == std::vector<uint32_t>{5, 6});
    CHECK(p.args == std::vector<std::string>{"sh", "-c", "true"});
    CHECK(p.commandLine == "sh -c true");
    CHECK(p.env.size() == 2);
    CHECK(p.cwd == "/work");
    REQUIRE(p.capabilities);
    CHECK(p.capabilities->bounding == std::vector<std::string>{"CAP_AUDIT_WRITE"});
    CHECK(p.capabilities->effective == std::vector<std::string>{"CAP_KILL"});
    CHECK(p.capabilities->inheritable == std::vector<std::string>{"CAP_CHOWN"});
    CHECK(p.capabilities->permitted.size() == 2);
    CHECK(p.capabilities->ambient == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
    REQUIRE(p.rlimits.size() == 1);
    CHECK(p.rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(p.rlimits[0].soft == 512);
    CHECK(p.rlimits[0].hard == 1024);
    CHECK(p.noNewPrivileges);
    CHECK(p.apparmorProfile == "acme_secure_profile");
    CHECK(p.oomScoreAdj == -100);
    CHECK(p.selinuxLabel->find("svirt_lxc_net_t") != std::string::npos);
    REQUIRE(p.scheduler);
    CHECK(p.scheduler->policy == "SCHED_DEADLINE");
    CHECK(p.scheduler->nice == -5);
    CHECK(p.scheduler->priority == 3);
    CHECK(p.scheduler->flags == std::vector<std::string>{"SCHED_FLAG_RESET_ON_FORK"});
    CHECK(p.scheduler->runtime == 10);
    CHECK(p.scheduler->deadline == 20);
    CHECK(p.scheduler->period == 30);
    REQUIRE(p.ioPriority);
    CHECK(p.ioPriority->class_ == "IOPRIO_CLASS_RT");
    CHECK(p.ioPriority->priority == 4);
    REQUIRE(p.execCPUAffinity);
    CHECK(p.execCPUAffinity->initial == "7");
    CHECK(p.execCPUAffinity->final_ == "0-3,7");
}

TEST_CASE("parse: linux fields of the full fixture", "[spec]") {
    Config c = parse_config(read_fixture("full_config.json"));
    REQUIRE(c.linux_);
    const Linux& l = *c.linux_;
    REQUIRE(l.namespaces.size() == 8);
    CHECK(l.namespaces[0].type == NamespaceType::pid);
    CHECK(l.namespaces[1].type == NamespaceType::network);
    CHECK(l.namespaces[1].path == "/var/run/netns/neta");
    CHECK(l.namespaces[7].type == NamespaceType::time);
    CHECK(l.find_namespace(NamespaceType::cgroup) != nullptr);
    CHECK(l.uidMappings[0].size == 32000);
    CHECK(l.gidMappings[0].hostID == 1000);
    CHECK(l.timeOffsets.at("monotonic").secs == -172800);
    CHECK(l.timeOffsets.at("boottime").nanosecs == 999999999);
    REQUIRE(l.devices.size() == 2);
    CHECK(l.devices[0].path == "/dev/fuse");
    CHECK(l.devices[0].type == "c");
    CHECK(l.devices[0].major == 10);
    CHECK(l.devices[0].minor == 229);
    CHECK(l.devices[0].fileMode == 438u);
    CHECK(l.devices[0].uid == 0u);
    CHECK_FALSE(l.devices[1].fileMode);
    CHECK(l.netDevices.at("eth0").name == "ctr0");
    CHECK_FALSE(l.netDevices.at("ens4").name);
    CHECK(l.cgroupsPath == "/myRuntime/myContainer");
    REQUIRE(l.intelRdt);
    CHECK(l.intelRdt->closID == "guaranteed_group");
    CHECK(l.intelRdt->l3CacheSchema == "L3:0=7f0;1=1f");
    CHECK(l.intelRdt->memBwSchema == "MB:0=20;1=70");
    CHECK(l.intelRdt->schemata == std::vector<std::string>{"L2:0=ff"});
    CHECK(l.intelRdt->enableMonitoring);
    REQUIRE(l.memoryPolicy);
    CHECK(l.memoryPolicy->mode == "MPOL_INTERLEAVE");
    CHECK(l.memoryPolicy->nodes == "0-3");
    CHECK(l.memoryPolicy->flags == std::vector<std::string>{"MPOL_F_STATIC_NODES"});
    CHECK(l.sysctl.at("net.ipv4.ip_forward") == "1");
    CHECK(l.rootfsPropagation == "slave");
    CHECK(l.maskedPaths == std::vector<std::string>{"/proc/kcore"});
    CHECK(l.readonlyPaths == std::vector<std::string>{"/proc/sys"});
    CHECK(l.mountLabel->find("svirt_sandbox_file_t") != std::string::npos);
    REQUIRE(l.personality);
    CHECK(l.personality->domain == "LINUX32");
}

TEST_CASE("parse: seccomp fields of the full fixture", "[spec]") {
    Config c = parse_config(read_fixture("full_config.json"));
    REQUIRE(c.linux_->seccomp);
    const Seccomp& s = *c.linux_->seccomp;
    CHECK(s.defaultAction == "SCMP_ACT_ERRNO");
    CHECK(s.defaultErrnoRet == 1u);
    CHECK(s.architectures == std::vector<std::string>{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
    CHECK(s.flags == std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
    CHECK(s.listenerPath == "/run/seccomp-agent.socket");
    CHECK(s.listenerMetadata == "metadata");
    REQUIRE(s.syscalls.size() == 1);
    CHECK(s.syscalls[0].names == std::vector<std::string>{"getcwd", "chmod"});
    CHECK(s.syscalls[0].action == "SCMP_ACT_ERRNO");
    CHECK(s.syscalls[0].errnoRet == 5u);
    REQUIRE(s.syscalls[0].args.size() == 1);
    CHECK(s.syscalls[0].args[0].index == 1);
    CHECK(s.syscalls[0].args[0].value == 2);
    CHECK(s.syscalls[0].args[0].valueTwo == 3u);
    CHECK(s.syscalls[0].args[0].op == "SCMP_CMP_MASKED_EQ");
}

TEST_CASE("parse: resources fields of the full fixture", "[spec]") {
    Config c = parse_config(read_fixture("full_config.json"));
    REQUIRE(c.linux_->resources);
    const Resources& r = *c.linux_->resources;
    REQUIRE(r.devices.size() == 2);
    CHECK_FALSE(r.devices[0].allow);
    CHECK_FALSE(r.devices[0].type);
    CHECK(r.devices[0].access == "rwm");
    CHECK(r.devices[1].type == "c");
    CHECK(r.devices[1].major == 10);
    REQUIRE(r.memory);
    CHECK(r.memory->limit == 536870912);
    CHECK(r.memory->reservation == 536870912);
    CHECK(r.memory->swap == -1);
    CHECK(r.memory->kernel == -1);
    CHECK(r.memory->kernelTCP == -1);
    CHECK(r.memory->swappiness == 0u);
    CHECK(r.memory->disableOOMKiller == false);
    CHECK(r.memory->useHierarchy == true);
    CHECK(r.memory->checkBeforeUpdate == true);
    REQUIRE(r.cpu);
    CHECK(r.cpu->shares == 1024u);
    CHECK(r.cpu->quota == 1000000);
    CHECK(r.cpu->burst == 1000u);
    CHECK(r.cpu->period == 500000u);
    CHECK(r.cpu->realtimeRuntime == 950000);
    CHECK(r.cpu->realtimePeriod == 1000000u);
    CHECK(r.cpu->cpus == "2-3");
    CHECK(r.cpu->mems == "0-7");
    CHECK(r.cpu->idle == 1);
    REQUIRE(r.blockIO);
    CHECK(r.blockIO->weight == 10);
    CHECK(r.blockIO->leafWeight == 10);
    CHECK(r.blockIO->weightDevice[0].weight == 500);
    CHECK(r.blockIO->weightDevice[0].leafWeight == 300);
    CHECK(r.blockIO->throttleReadBpsDevice[0].rate == 600);
    CHECK(r.blockIO->throttleWriteBpsDevice[0].minor == 16);
    CHECK(r.blockIO->throttleReadIOPSDevice[0].rate == 800);
    CHECK(r.blockIO->throttleWriteIOPSDevice[0].rate == 900);
    CHECK(r.hugepageLimits[0].pageSize == "2MB");
    CHECK(r.hugepageLimits[0].limit == 209715200);
    CHECK(r.network->classID == 1048577u);
    CHECK(r.network->priorities[0].name == "eth0");
    CHECK(r.network->priorities[0].priority == 500);
    CHECK(r.pids->limit == 32771);
    CHECK(r.rdma.at("mlx5_1").hcaHandles == 3u);
    CHECK(r.rdma.at("mlx5_1").hcaObjects == 10000u);
    CHECK(r.unified.at("memory.high") == "max");
}

TEST_CASE("parse: process and resources alone", "[spec]") {
    Process p = parse_process(R"({"args": ["ls"], "cwd": "/", "user": {"uid": 5}, "extra": 1})");
    CHECK(p.args == std::vector<std::string>{"ls"});
    CHECK(p.user.uid == 5);
    CHECK(error_of([] { parse_process(R"({"args": "ls"})"); }) == "args: expected an array");

    Resources r = parse_resources(R"({"pids": {"limit": 10}, "memory": {"limit": -1}})");
    CHECK(r.pids->limit == 10);
    CHECK(r.memory->limit == -1);
    CHECK(error_of([] { parse_resources(R"({"cpu": {"shares": "x"}})"); }) == "cpu.shares: expected an integer");
}

TEST_CASE("parse: absent, null and unknown properties", "[spec]") {
    Config c = parse_config(R"({"ociVersion": "1.0.0", "process": null, "linux": {"seccomp": null, "x": [1]}})");
    CHECK_FALSE(c.process);
    REQUIRE(c.linux_);
    CHECK_FALSE(c.linux_->seccomp);
    CHECK_FALSE(c.root);
    CHECK(c.mounts.empty());
}

TEST_CASE("parse: type errors name the JSON path", "[spec]") {
    CHECK(error_of([] {
              parse_config(R"({"linux": {"namespaces": [{"type": "pid"}, {"type": "uts"}, {"type": 3}]}})");
          }) == "linux.namespaces[2].type: expected a string");
    CHECK(error_of([] { parse_config(R"({"linux": {"namespaces": [{"type": "foo"}]}})"); }) ==
          "linux.namespaces[0].type: unknown namespace \"foo\"");
    CHECK(error_of([] { parse_config(R"({"linux": {"namespaces": [{"path": "/x"}]}})"); }) ==
          "linux.namespaces[0].type: required property is missing");
    CHECK(error_of([] { parse_config(R"({"ociVersion": 1})"); }) == "ociVersion: expected a string");
    CHECK(error_of([] { parse_config(R"({"root": {"readonly": "yes"}})"); }) == "root.readonly: expected a boolean");
    CHECK(error_of([] { parse_config(R"({"mounts": {}})"); }) == "mounts: expected an array");
    CHECK(error_of([] { parse_config(R"({"process": []})"); }) == "process: expected an object");
    CHECK(error_of([] { parse_config(R"({"linux": {"sysctl": {"net.a": 1}}})"); }) ==
          "linux.sysctl[\"net.a\"]: expected a string");
    CHECK(error_of([] { parse_config(R"({"process": {"env": ["A=1", null]}})"); }) ==
          "process.env[1]: expected a string");
    CHECK(error_of([] { parse_config("[]"); }) == "(document): expected an object");
}

TEST_CASE("parse: numbers are range-checked against their field", "[spec]") {
    CHECK(error_of([] { parse_config(R"({"linux": {"uidMappings": [{"size": -1}]}})"); }) ==
          "linux.uidMappings[0].size: -1 is out of range (0 to 4294967295)");
    CHECK(error_of([] { parse_config(R"({"process": {"user": {"uid": 4294967296}}})"); }) ==
          "process.user.uid: 4294967296 is out of range (0 to 4294967295)");
    CHECK(error_of([] { parse_config(R"({"process": {"oomScoreAdj": 1.5}})"); }) ==
          "process.oomScoreAdj: expected an integer, got a fraction");
    CHECK(error_of([] { parse_config(R"({"linux": {"resources": {"blockIO": {"weight": 70000}}}})"); }) ==
          "linux.resources.blockIO.weight: 70000 is out of range (0 to 65535)");
    CHECK(error_of([] {
              parse_config(R"({"linux": {"resources": {"memory": {"limit": 1e30}}}})");
          }).starts_with("linux.resources.memory.limit: 1e+30 is out of range"));
    // Any JSON number that holds an integer that fits is accepted.
    Config c =
        parse_config(R"({"process": {"user": {"uid": 1e3, "gid": 7.0}, "rlimits": [{"hard": 18446744073709551615}]}})");
    CHECK(c.process->user.uid == 1000);
    CHECK(c.process->user.gid == 7);
    CHECK(c.process->rlimits[0].hard == UINT64_MAX);
    CHECK(parse_config(R"({"linux": {"resources": {"memory": {"limit": -9223372036854775808}}}})")
              .linux_->resources->memory->limit == INT64_MIN);
}

TEST_CASE("parse: malformed JSON reports the offset and the parser's message", "[spec]") {
    std::string msg = error_of([] { parse_config("{\n  \"ociVersion\": \"1.0.0\"\n  \"root\": {}}"); });
    CHECK(msg == "invalid JSON at offset 28 (line 3, column 3): Missing a comma or '}' after an object member.");
    CHECK(error_of([] { parse_config(""); }).starts_with("invalid JSON at offset 0"));
}

// The runtime-spec's own examples (../shared/runtime-spec/schema/test/config): the Linux ones that are good
// must parse, and those that are bad for a type reason must not.
static std::string read_spec_example(const std::string& rel) {
    std::ifstream in(std::string(OCIRT_SOURCE_ROOT) + "/../shared/runtime-spec/schema/test/config/" + rel);
    if (!in.good()) return "";
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST_CASE("parse: the runtime-spec's config examples", "[spec]") {
    if (read_spec_example("good/minimal.json").empty()) {
        WARN("skipped: the runtime-spec examples are not next to the source tree");
        return;
    }
    for (const char* good : {"good/minimal.json", "good/minimal-for-start.json", "good/spec-example.json",
                             "good/linux-netdevice.json", "good/linux-rdma.json"}) {
        INFO(good);
        CHECK_NOTHROW(parse_config(read_spec_example(good)));
    }
    CHECK(error_of([] { parse_config(read_spec_example("bad/linux-netdevice.json")); }) ==
          "linux.netDevices[\"eth0\"].name: expected a string");
    CHECK(error_of([] { parse_config(read_spec_example("bad/linux-rdma.json")); }) ==
          "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected an integer");
    CHECK(error_of([] { parse_config(read_spec_example("bad/invalid-json.json")); }).starts_with("invalid JSON"));
}
