// The one translation unit that compiles CLI11: global flags, the subcommand table, error reporting.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cli/argv.hpp"
#include "cli/cli.hpp"
#include "security/exe_protect.hpp"
#include "sys/identity.hpp"

namespace ocirt::cli {

int g_exit_status = 0;

Command& Command::option(const std::string& n, std::string& out, const std::string& d) {
    app_->add_option(n, out, d);
    return *this;
}
Command& Command::option(const std::string& n, std::vector<std::string>& out, const std::string& d) {
    app_->add_option(n, out, d)->take_all()->allow_extra_args(false);
    return *this;
}
Command& Command::option(const std::string& n, int& out, const std::string& d) {
    app_->add_option(n, out, d);
    return *this;
}
Command& Command::option(const std::string& n, int64_t& out, const std::string& d) {
    app_->add_option(n, out, d);
    return *this;
}
Command& Command::option(const std::string& n, uint64_t& out, const std::string& d) {
    app_->add_option(n, out, d);
    return *this;
}
Command& Command::flag(const std::string& n, bool& out, const std::string& d) {
    app_->add_flag(n, out, d);
    return *this;
}
Command& Command::positional(const std::string& n, std::string& out, const std::string& d, bool required) {
    auto* o = app_->add_option(n, out, d);
    if (required) o->required();
    return *this;
}
Command& Command::trailing(std::vector<std::string>& out) {
    app_->prefix_command(true);
    trailing_ = &out;
    return *this;
}
Command& Command::alias(const std::string& name) {
    app_->alias(name);
    return *this;
}
Command& Command::run(std::function<void()> fn) {
    CLI::App* app = app_;
    std::vector<std::string>* rest = trailing_;
    app_->callback([app, rest, fn = std::move(fn)] {
        if (rest) *rest = app->remaining();
        fn();
    });
    return *this;
}

Command Registry::add(const std::string& name, const std::string& desc) {
    return Command(app_->add_subcommand(name, desc));
}

namespace {

std::string default_root() {
    // Root of the host owns /run; a rootless caller (an unprivileged user, or root of a user namespace
    // such as rootless Podman's, where USER still names the user) keeps state in its XDG_RUNTIME_DIR.
    const char* xdg = getenv("XDG_RUNTIME_DIR");
    const char* user = getenv("USER");
    bool use_xdg = xdg && *xdg && (geteuid() != 0 || (sys::in_user_namespace() && (!user || strcmp(user, "root") != 0)));
    if (use_xdg) return std::string(xdg) + "/ocirt";
    if (geteuid() == 0) return "/run/ocirt";
    return "/tmp/ocirt-" + std::to_string(geteuid());
}

void report(const std::string& msg) {
    log::error(msg);
    // containerd and conmon read the log file; a person at a terminal reads stderr.
    if (log::logging_to_file()) fprintf(stderr, "ocirt: %s\n", msg.c_str());
}

}  // namespace

int run_app(int argc, char** argv) {
    std::vector<std::string> args = normalize_argv(argc, argv);
    // Commands that run ocirt code inside a container protect the binary first (CVE-2019-5736), before
    // anything else so the re-execution repeats little; the others never share a process with a container.
    // An error waits until the log is set up, so that it reaches the caller's log file.
    std::optional<Error> protect_error;
    if (const std::string cmd = subcommand(args); cmd == "create" || cmd == "run" || cmd == "exec" || cmd == "restore") {
        try {
            security::protect_binary(argv);
        } catch (const Error& e) {
            protect_error = e;
        }
    }

    GlobalOptions g;
    g.root = default_root();

    CLI::App app{"ocirt: an OCI container runtime", "ocirt"};
    app.require_subcommand(1);
    app.set_version_flag("-v,--version",
                         "ocirt version " OCIRT_VERSION "\nspec: " OCIRT_SPEC_VERSION);
    app.add_option("--root", g.root, "root directory for container state");
    app.add_option("--log", g.log, "log file (default stderr)");
    app.add_option("--log-format", g.log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_flag("--debug", g.debug, "enable debug logging");
    app.add_flag("--systemd-cgroup", g.systemd_cgroup, "use the systemd cgroup driver");
    app.add_option("--criu", g.criu, "path to the criu binary for checkpoint and restore (default: criu on PATH)");
    app.add_option("--rootless", "true, false or auto (accepted for runc compatibility; detected)");
    app.parse_complete_callback([&] {
        log::configure(g.log, g.log_format == "json" ? log::Format::json : log::Format::text, g.debug);
        if (protect_error) throw *protect_error;
    });

    Registry r(&app);
    register_create(r, g);
    register_start(r, g);
    register_run(r, g);
    register_state(r, g);
    register_kill(r, g);
    register_delete(r, g);
    register_list(r, g);
    register_exec(r, g);
    register_spec(r, g);
    register_validate(r, g);
    register_features(r, g);
    register_ps(r, g);
    register_pause_resume(r, g);
    register_events(r, g);
    register_update(r, g);
    register_checkpoint_restore(r, g);

    std::vector<const char*> cargs;
    cargs.reserve(args.size());
    for (auto& a : args) cargs.push_back(a.c_str());
    try {
        app.parse(static_cast<int>(cargs.size()), cargs.data());
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const Error& e) {
        report(e.message());
        return 1;
    } catch (const std::exception& e) {
        report(e.what());
        return 1;
    }
    return g_exit_status;
}

}  // namespace ocirt::cli
