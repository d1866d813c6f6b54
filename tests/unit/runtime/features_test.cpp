// `ocirt features` must not claim what the code refuses: every value it lists is fed back to the code that
// accepts it, and the document is checked against our features schema.
#include "runtime/features.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "rootfs/plan.hpp"
#include "security/capabilities.hpp"
#include "security/seccomp.hpp"
#include "spec/schema_validate.hpp"

using namespace ocirt;

namespace {

std::vector<std::string> list(const rapidjson::Value& v) {
    std::vector<std::string> out;
    for (const auto& e : v.GetArray()) out.emplace_back(e.GetString());
    return out;
}

rapidjson::Document features() {
    rapidjson::Document d;
    d.Parse(runtime::features_json().c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

}  // namespace

TEST_CASE("features: the document passes our features schema", "[runtime][features]") {
    auto errors = spec::validate_against_schema(runtime::features_json(), spec::SchemaKind::features);
    CHECK(errors.empty());
}

TEST_CASE("features: every mount option listed is one parse_options understands", "[runtime][features]") {
    auto d = features();
    for (const auto& opt : list(d["mountOptions"])) {
        INFO(opt);
        CHECK(rootfs::parse_options({opt}).data.empty());
    }
}

TEST_CASE("features: every capability listed resolves", "[runtime][features]") {
    auto d = features();
    auto caps = list(d["linux"]["capabilities"]);
    CHECK(caps.size() > 38);
    spec::Capabilities c;
    c.bounding = caps;
    auto sets = security::resolve_capabilities(c);
    CHECK(__builtin_popcountll(sets.bounding) == static_cast<int>(caps.size()));
}

TEST_CASE("features: every seccomp action, operator, arch and flag compiles", "[runtime][features]") {
    auto d = features();
    const auto& sc = d["linux"]["seccomp"];
    for (const auto& a : list(sc["actions"])) {
        INFO(a);
        spec::Seccomp s;
        s.defaultAction = a == "SCMP_ACT_ALLOW" ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW";
        s.syscalls.push_back({{"getpid"}, a, {}, {}});
        CHECK_NOTHROW(security::compile_seccomp(s));
    }
    for (const auto& op : list(sc["operators"])) {
        INFO(op);
        spec::Seccomp s;
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.syscalls.push_back({{"personality"}, "SCMP_ACT_ERRNO", {}, {{0, 8, 8, op}}});
        CHECK_NOTHROW(security::compile_seccomp(s));
    }
    for (const auto& arch : list(sc["archs"])) {
        INFO(arch);
        spec::Seccomp s;
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.architectures = {arch};
        CHECK_NOTHROW(security::compile_seccomp(s));
    }
    CHECK(list(sc["archs"]).size() >= 3);  // x86, x86_64 and x32 at least on this host
    for (const auto& f : list(sc["supportedFlags"])) {
        INFO(f);
        spec::Seccomp s;
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.flags = {f};
        CHECK_NOTHROW(security::compile_seccomp(s));
    }
}
