#include "cli/argv.hpp"

#include <catch2/catch.hpp>

using ocirt::cli::normalize_argv;

static std::vector<std::string> norm(std::vector<std::string> in) {
    std::vector<char*> p;
    for (auto& s : in) p.push_back(s.data());
    return normalize_argv(static_cast<int>(p.size()), p.data());
}

TEST_CASE("single-dash long flags become double-dash") {
    auto out = norm({"ocirt", "-root", "/r", "create", "-bundle", "/b", "-pid-file=/p", "id"});
    CHECK(out == std::vector<std::string>{"ocirt", "--root", "/r", "create", "--bundle", "/b", "--pid-file=/p", "id"});
}

TEST_CASE("short flags and unknown names are left alone") {
    auto out = norm({"ocirt", "exec", "-d", "-xyz", "id"});
    CHECK(out == std::vector<std::string>{"ocirt", "exec", "-d", "-xyz", "id"});
}

TEST_CASE("the command line after the container id passes through") {
    auto out = norm({"ocirt", "exec", "-t", "id", "ls", "-detach", "-root"});
    CHECK(out == std::vector<std::string>{"ocirt", "exec", "-t", "id", "ls", "-detach", "-root"});
}

TEST_CASE("the subcommand is the first argument that is neither a flag nor a flag's value") {
    using ocirt::cli::subcommand;
    CHECK(subcommand(norm({"ocirt", "--root", "run", "--debug", "create", "id"})) == "create");
    CHECK(subcommand(norm({"ocirt", "-log-format=json", "-log", "/l", "exec", "id", "run"})) == "exec");
    CHECK(subcommand(norm({"ocirt", "--debug"})).empty());
}

TEST_CASE("criu's boolean flags take no value: the container id after them stays a positional") {
    auto out = norm({"ocirt", "checkpoint", "-file-locks", "-ext-unix-sk", "id", "-x"});
    CHECK(out == std::vector<std::string>{"ocirt", "checkpoint", "--file-locks", "--ext-unix-sk", "id", "-x"});
}
