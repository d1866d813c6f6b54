// run_hooks for real, with /bin/sh hooks writing into a temporary directory.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "runtime/hooks.hpp"

using namespace ocirt;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ocirt-hooks-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

spec::Hook sh(const std::string& script) { return {"/bin/sh", {"sh", "-c", script}, {}, {}}; }

}  // namespace

TEST_CASE("hooks get the state on stdin; a failing hook is an error naming the phase") {
    TempDir t;
    runtime::run_hooks({sh("cat >" + t.path + "/state")}, R"({"id":"c1"})", "prestart");
    CHECK(slurp(t.path + "/state") == R"({"id":"c1"})");
    CHECK_THROWS_WITH(runtime::run_hooks({sh("exit 3")}, "{}", "prestart"), Catch::Contains("prestart hook /bin/sh: exit status 3"));
}

TEST_CASE("hooks get the state on stdin when the runtime runs with fd 0 closed (as criu's action script)") {
    TempDir t;
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(0);
        try {
            runtime::run_hooks({sh("cat >" + t.path + "/state")}, R"({"id":"c1"})", "prestart");
            _exit(0);
        } catch (...) {
            _exit(1);
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(slurp(t.path + "/state") == R"({"id":"c1"})");
}
