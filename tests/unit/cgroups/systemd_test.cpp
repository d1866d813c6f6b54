#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "cgroups/systemd.hpp"

using namespace ocirt::cgroups;

TEST_CASE("systemd cgroupsPath slice:prefix:name", "[cgroups]") {
    auto p = parse_systemd_path("machine.slice:libpod:abc", "id");
    CHECK(p.slice == "machine.slice");
    CHECK(p.unit == "libpod-abc.scope");
    auto d = parse_systemd_path("", "c1");
    CHECK(d.slice == "system.slice");
    CHECK(d.unit == "ocirt-c1.scope");
    CHECK(parse_systemd_path("::name.scope", "x").unit == "name.scope");
    CHECK_THROWS_WITH(parse_systemd_path("/plain/path", "x"), Catch::Contains("linux.cgroupsPath"));
    CHECK_THROWS_WITH(parse_systemd_path("a:b:c:d", "x"), Catch::Contains("slice:prefix:name"));
    CHECK_THROWS_WITH(parse_systemd_path("notaslice:p:n", "x"), Catch::Contains("not a slice"));
}

TEST_CASE("systemd slices nest by their dashes", "[cgroups]") {
    CHECK(expand_slice("system.slice") == "/system.slice");
    CHECK(expand_slice("a-b-c.slice") == "/a.slice/a-b.slice/a-b-c.slice");
    CHECK(expand_slice("-.slice") == "/");
    CHECK_THROWS_AS(expand_slice("a--b.slice"), ocirt::Error);
}
