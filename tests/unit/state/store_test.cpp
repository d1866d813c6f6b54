#include "state/store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "base/error.hpp"

using namespace ocirt;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ocirt-state-test.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { [[maybe_unused]] int rc = system(("rm -rf " + path).c_str()); }
};

}  // namespace

TEST_CASE("container ids: runc's character set, never a path", "[state]") {
    CHECK_NOTHROW(state::validate_id("abc-1.2_3+x"));
    CHECK_THROWS_WITH(state::validate_id(""), Catch::Contains("empty"));
    CHECK_THROWS_WITH(state::validate_id(".."), Catch::Contains("invalid"));
    CHECK_THROWS_WITH(state::validate_id("a/b"), Catch::Contains("invalid"));
    CHECK_THROWS(state::validate_id("a b"));
}

TEST_CASE("a state root is made with its missing parents (containerd's --root)", "[state]") {
    TempDir t;
    std::string root = t.path + "/runc/default";
    auto dir = state::StateDir::create(root, "c1");
    struct stat st {};
    CHECK(stat((root + "/c1").c_str(), &st) == 0);
    CHECK_THROWS_WITH(state::StateDir::create(root, "c1"), Catch::Contains("already exists"));
    CHECK_THROWS_WITH(state::StateDir::open(root, "c2"), Catch::Contains("does not exist"));
}

TEST_CASE("state.json round-trips and the OCI state omits pid when stopped", "[state]") {
    TempDir t;
    auto dir = state::StateDir::create(t.path, "c1");
    state::State s;
    s.id = "c1";
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.pid = 42;
    s.pid_start = 7;
    s.cgroup = "/sys/fs/cgroup/x";
    s.annotations = {{"k", "v\"quoted\""}};
    dir.save(s);
    state::State back = dir.load();
    CHECK(back.pid == 42);
    CHECK(back.pid_start == 7);
    CHECK(back.cgroup == "/sys/fs/cgroup/x");
    CHECK(back.annotations.at("k") == "v\"quoted\"");
    CHECK(state::oci_state_json(s, state::Status::running).find("\"pid\":42") != std::string::npos);
    CHECK(state::oci_state_json(s, state::Status::stopped).find("\"pid\"") == std::string::npos);
    CHECK_FALSE(state::process_alive(s));  // pid 42 with that start time is not us
    dir.remove();
    struct stat st {};
    CHECK(stat((t.path + "/c1").c_str(), &st) < 0);
}
