#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "checkpoint/action_script.hpp"

using namespace ocirt::checkpoint;

TEST_CASE("the hooks' state gets the restored init's pid, its other fields untouched") {
    CHECK(with_pid(R"({"ociVersion":"1.2.0","id":"c1","status":"creating","pid":0,"bundle":"/b"})", 4242) ==
          R"({"ociVersion":"1.2.0","id":"c1","status":"creating","bundle":"/b","pid":4242})");
    CHECK(with_pid(R"({"id":"c1"})", 7) == R"({"id":"c1","pid":7})");
    CHECK_THROWS_AS(with_pid("[]", 1), ocirt::Error);
}
