// Our schemas against fixtures of our own (tests/unit/spec/fixtures/): a config that uses every Linux field
// passes, and each invalid document yields every one of its violations, each at its JSON pointer.
#include <rapidjson/document.h>
#include <rapidjson/internal/regex.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "spec/schema_validate.hpp"

using ocirt::spec::SchemaKind;
using ocirt::spec::validate_against_schema;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream f(std::string(OCIRT_SOURCE_ROOT) + "/tests/unit/spec/fixtures/" + name);
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::string> pointers(const std::string& name, SchemaKind kind) {
    std::vector<std::string> out;
    for (const auto& v : validate_against_schema(fixture(name), kind)) {
        UNSCOPED_INFO(v.pointer << ": " << v.message);
        out.push_back(v.pointer);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// Every "pattern" and "patternProperties" key below `v`, to prove that RapidJSON can compile them all: its
// validator silently ignores a pattern it cannot parse.
void collect_patterns(const rapidjson::Value& v, std::vector<std::string>& out) {
    if (v.IsObject()) {
        for (const auto& m : v.GetObject()) {
            std::string key = m.name.GetString();
            if (key == "pattern" && m.value.IsString()) out.push_back(m.value.GetString());
            if (key == "patternProperties" && m.value.IsObject())
                for (const auto& p : m.value.GetObject()) out.push_back(p.name.GetString());
            collect_patterns(m.value, out);
        }
    } else if (v.IsArray()) {
        for (const auto& item : v.GetArray()) collect_patterns(item, out);
    }
}

}  // namespace

TEST_CASE("valid fixtures pass", "[schema]") {
    CHECK(pointers("config-full.json", SchemaKind::config).empty());
    CHECK(pointers("state-good.json", SchemaKind::state).empty());
    CHECK(pointers("features-good.json", SchemaKind::features).empty());
    CHECK(pointers("process-good.json", SchemaKind::process).empty());
}

TEST_CASE("every violation of a config is reported at its pointer", "[schema]") {
    CHECK(pointers("config-bad-many.json", SchemaKind::config) ==
          sorted({"/ociVersion", "/root", "/hostname", "/annotations/", "/annotations/ok", "/mounts/0/gidMappings",
                  "/mounts/1/destination", "/hooks/poststart/0/path", "/hooks/poststart/0/timeout",
                  "/linux/namespaces/1/path", "/linux/namespaces/2/type", "/linux/timeOffsets/realtime",
                  "/linux/devices/0", "/linux/devices/1/path", "/linux/devices/1/type", "/linux/rootfsPropagation",
                  "/linux/maskedPaths/1", "/linux/seccomp/defaultAction", "/linux/seccomp/listenerPath",
                  "/linux/seccomp/syscalls/0/names", "/linux/seccomp/syscalls/1/args/0/index",
                  "/linux/seccomp/syscalls/1/args/0/value"}));
}

TEST_CASE("process fields are checked with their ranges and enums", "[schema]") {
    CHECK(pointers("config-bad-process.json", SchemaKind::config) ==
          sorted({"/process/cwd", "/process/args", "/process/user/uid", "/process/user/gid",
                  "/process/capabilities/bounding/0", "/process/rlimits/0/type", "/process/rlimits/0/hard",
                  "/process/oomScoreAdj", "/process/ioPriority/priority", "/process/scheduler/policy",
                  "/process/execCPUAffinity/final", "/process/terminal"}));
}

TEST_CASE("cgroup resources and other linux objects are checked", "[schema]") {
    CHECK(pointers("config-bad-resources.json", SchemaKind::config) ==
          sorted({"/linux/resources/devices/0/allow", "/linux/resources/devices/0/access",
                  "/linux/resources/memory/limit", "/linux/resources/memory/swappiness",
                  "/linux/resources/cpu/cpus", "/linux/resources/cpu/shares", "/linux/resources/blockIO/weight",
                  "/linux/resources/blockIO/weightDevice/0", "/linux/resources/blockIO/throttleReadBpsDevice/0/rate",
                  "/linux/resources/hugepageLimits/0/pageSize", "/linux/resources/pids/limit",
                  "/linux/resources/rdma/mlx5_1", "/linux/resources/unified/memory.max",
                  "/linux/intelRdt/memBwSchema", "/linux/intelRdt/schemata/1", "/linux/memoryPolicy/mode", "/linux/personality/domain"}));
}

TEST_CASE("state, features and exec process documents have schemas of their own", "[schema]") {
    CHECK(pointers("state-bad.json", SchemaKind::state) ==
          sorted({"/ociVersion", "/id", "/bundle", "/annotations/k", ""}));
    CHECK(pointers("features-bad.json", SchemaKind::features) ==
          sorted({"/ociVersionMax", "/hooks", "/linux/cgroup/v1", "/linux/apparmor/enabled"}));
    CHECK(pointers("process-bad.json", SchemaKind::process) ==
          sorted({"/args", "/cwd", "/user/uid", "/env/0"}));
}

TEST_CASE("messages name the problem", "[schema]") {
    auto v = validate_against_schema(R"({"ociVersion": "1.0.0", "root": {"path": "r"},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "net"}]}})", SchemaKind::config);
    REQUIRE(v.size() == 1);
    CHECK(v[0].pointer == "/linux/namespaces/1/type");
    CHECK_THAT(v[0].message, Catch::Contains("\"net\" is not one of") && Catch::Contains("\"network\""));

    v = validate_against_schema(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "x"}})",
                                SchemaKind::config);
    REQUIRE(v.size() == 1);
    CHECK_THAT(v[0].message, Catch::Contains("absolute path"));
}

TEST_CASE("text that is not JSON is one violation naming the offset", "[schema]") {
    auto v = validate_against_schema("{]", SchemaKind::config);
    REQUIRE(v.size() == 1);
    CHECK(v[0].pointer.empty());
    CHECK_THAT(v[0].message, Catch::Contains("offset 1"));
}

TEST_CASE("every pattern in our schemas compiles with RapidJSON's regex engine", "[schema]") {
    std::vector<std::string> patterns;
    for (std::string_view name : ocirt::spec::embedded_schema_names()) {
        rapidjson::Document d;
        std::string_view text = ocirt::spec::embedded_schema(name);
        d.Parse(text.data(), text.size());
        REQUIRE_FALSE(d.HasParseError());
        collect_patterns(d, patterns);
    }
    CHECK(patterns.size() >= 8);
    for (const auto& p : patterns) {
        INFO(p);
        CHECK(rapidjson::internal::Regex(p.c_str()).IsValid());
    }
}

TEST_CASE("unknown schema kinds are refused", "[schema]") {
    CHECK(ocirt::spec::parse_schema_kind("process") == SchemaKind::process);
    CHECK_THROWS_AS(ocirt::spec::parse_schema_kind("bundle"), ocirt::Error);
}
