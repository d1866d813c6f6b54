#include "cli/argv.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace ocirt::cli {
namespace {

// Long options that take a value (so the next argument is not a positional).
constexpr std::array kValued = {
    "root", "log", "log-format", "criu", "bundle", "b", "pid-file", "console-socket", "preserve-fds",
    "process", "p", "cwd", "env", "e", "user", "u", "cap", "c", "format", "f", "signal", "interval",
    "resources", "r", "image-path", "work-path", "parent-path", "manage-cgroups-mode", "empty-ns",
    "additional-gids", "g", "process-label", "apparmor", "cgroup", "memory", "memory-reservation",
    "memory-swap", "kernel-memory", "kernel-memory-tcp", "cpu-shares", "cpu-quota", "cpu-period",
    "cpu-rt-runtime", "cpu-rt-period", "cpuset-cpus", "cpuset-mems", "pids-limit", "blkio-weight",
    "l3-cache-schema", "mem-bw-schema", "status-fd", "lsm-profile", "lsm-mount-context", "page-server",
    "cpu-idle", "cpu-burst", "rootless"};

constexpr std::array kFlags = {
    "debug", "systemd-cgroup", "detach", "d", "no-pivot", "no-new-keyring", "no-subreaper",
    "tty", "t", "no-new-privs", "force", "all", "a", "stats", "quiet", "q", "leave-running",
    "tcp-established", "shell-job", "pre-dump", "help", "h", "version", "v", "keep", "ignore-paused",
    "lazy-pages", "auto-dedup", "ext-unix-sk", "file-locks", "no-mount-fallback"};

bool is_known(std::string_view name) {
    auto eq = [&](const char* k) { return name == k; };
    return std::any_of(kValued.begin(), kValued.end(), eq) || std::any_of(kFlags.begin(), kFlags.end(), eq);
}

bool takes_value(std::string_view name) {
    return std::any_of(kValued.begin(), kValued.end(), [&](const char* k) { return name == k; });
}

}  // namespace

std::vector<std::string> normalize_argv(int argc, char** argv) {
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(argc));
    int positionals = 0;  // the subcommand is the first, the container id the second
    bool rewriting = true;
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        if (i == 0 || !rewriting) {
            out.push_back(std::move(a));
            continue;
        }
        if (a == "--") {
            rewriting = false;
            out.push_back(std::move(a));
            continue;
        }
        if (a.size() > 1 && a[0] == '-') {
            bool dashes2 = a.size() > 2 && a[1] == '-';
            std::string_view body = std::string_view(a).substr(dashes2 ? 2 : 1);
            bool has_inline_value = body.find('=') != std::string_view::npos;
            std::string name(body.substr(0, body.find('=')));
            // Single-letter flags stay as they are: "-d" is CLI11's short form already.
            if (!dashes2 && name.size() > 1 && is_known(name)) a = "-" + a;
            out.push_back(std::move(a));
            if (takes_value(name) && !has_inline_value && i + 1 < argc) out.emplace_back(argv[++i]);
            continue;
        }
        out.push_back(std::move(a));
        if (++positionals >= 2) rewriting = false;
    }
    return out;
}

std::string subcommand(const std::vector<std::string>& args) {
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") return i + 1 < args.size() ? args[i + 1] : "";
        if (a.size() > 1 && a[0] == '-') {
            std::string_view body = std::string_view(a).substr(a[1] == '-' ? 2 : 1);
            if (body.find('=') == std::string_view::npos && takes_value(body)) ++i;
            continue;
        }
        return a;
    }
    return "";
}

}  // namespace ocirt::cli
