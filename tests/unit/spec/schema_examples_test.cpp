// Our schemas against the examples the runtime-spec ships (schema/test/<kind>/{good,bad}/*.json): every good
// one passes and every bad one fails. The spec sits beside the clone, in ../shared; without it, skip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/schema_validate.hpp"

namespace fs = std::filesystem;
using ocirt::spec::SchemaKind;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string listing(const std::vector<ocirt::spec::SchemaViolation>& vs) {
    std::string out;
    for (const auto& v : vs) out += "  " + v.pointer + ": " + v.message + "\n";
    return out;
}

}  // namespace

TEST_CASE("the spec's good examples pass and its bad ones fail", "[schema]") {
    fs::path root = fs::path(OCIRT_SOURCE_ROOT) / ".." / "shared" / "runtime-spec" / "schema" / "test";
    if (!fs::is_directory(root)) {
        WARN("skipped: the runtime-spec test examples are not at " << root.string());
        return;
    }
    const std::pair<const char*, SchemaKind> kinds[] = {
        {"config", SchemaKind::config}, {"state", SchemaKind::state}, {"features", SchemaKind::features}};
    int good = 0, bad = 0;
    for (const auto& [dir, kind] : kinds) {
        for (bool expect_valid : {true, false}) {
            fs::path folder = root / dir / (expect_valid ? "good" : "bad");
            if (!fs::is_directory(folder)) continue;
            for (const auto& e : fs::directory_iterator(folder)) {
                if (e.path().extension() != ".json") continue;
                auto violations = ocirt::spec::validate_against_schema(slurp(e.path()), kind);
                INFO(e.path().string() << "\n" << listing(violations));
                CHECK(violations.empty() == expect_valid);
                (expect_valid ? good : bad)++;
            }
        }
    }
    // The spec 1.3.0 folder holds 12 good and 7 bad examples; finding none would mean a wrong path.
    CHECK(good >= 12);
    CHECK(bad >= 7);
}
