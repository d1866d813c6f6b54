// A small builder over CLI11 so that only cli/app.cpp compiles CLI11 (its headers cost ~20 s of build time
// per translation unit). Each cli/<name>.cpp describes its subcommand's flags with this and names the
// function to run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ocirt::cli {

struct GlobalOptions;

class Command {
public:
    explicit Command(CLI::App* app) : app_(app) {}

    // names in CLI11 form: "-d,--detach", "--pid-file".
    Command& option(const std::string& names, std::string& out, const std::string& desc);
    Command& option(const std::string& names, std::vector<std::string>& out, const std::string& desc);
    Command& option(const std::string& names, int& out, const std::string& desc);
    Command& option(const std::string& names, int64_t& out, const std::string& desc);
    Command& option(const std::string& names, uint64_t& out, const std::string& desc);
    Command& flag(const std::string& names, bool& out, const std::string& desc);
    Command& positional(const std::string& name, std::string& out, const std::string& desc, bool required);
    // Every argument from the first positional on, untouched (exec's "ID CMD ARGS...", where CMD's own flags
    // must not be parsed as ours).
    Command& trailing(std::vector<std::string>& out);
    Command& alias(const std::string& name);
    Command& run(std::function<void()> fn);

private:
    CLI::App* app_;
    std::vector<std::string>* trailing_ = nullptr;
};

class Registry {
public:
    explicit Registry(CLI::App* app) : app_(app) {}
    Command add(const std::string& name, const std::string& desc);

private:
    CLI::App* app_;
};

// Parses argv and runs the chosen subcommand; returns the process exit status.
int run_app(int argc, char** argv);

}  // namespace ocirt::cli
