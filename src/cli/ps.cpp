// ps: the processes in the container's cgroup, as a JSON array of pids or as ps(1)'s table filtered to them.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/fd.hpp"
#include "cli/cli.hpp"
#include "cli/container_cgroup.hpp"

namespace ocirt::cli {

namespace {

// Runs ps with args and returns its stdout.
std::string run_ps(const std::vector<std::string>& args) {
    int fds[2];
    check(::pipe2(fds, O_CLOEXEC), "pipe2", "for ps");
    OwnedFd rd(fds[0]), wr(fds[1]);
    std::vector<char*> argv;
    std::string ps = "ps";
    argv.push_back(ps.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = check(::fork(), "fork", "ps");
    if (pid == 0) {
        ::dup2(wr.get(), STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
        ::execvp("ps", argv.data());
        ::_exit(127);
    }
    wr.reset();
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(rd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error("ps " + (args.empty() ? std::string() : args.front()) + " failed (status " + std::to_string(status) + ")");
    return out;
}

// The header, then every line whose PID column is one of pids.
std::string filter_table(const std::string& table, const std::vector<pid_t>& pids) {
    std::istringstream in(table);
    std::string header;
    std::getline(in, header);
    std::istringstream hs(header);
    int col = -1, i = 0;
    for (std::string w; hs >> w; ++i)
        if (w == "PID") col = i;
    if (col < 0) throw Error("ps: the output has no PID column (pass -o pid,... or use --format json)");
    std::string out = header + "\n";
    for (std::string line; std::getline(in, line);) {
        std::istringstream ls(line);
        std::string w;
        for (int k = 0; k <= col && ls >> w; ++k) {}
        pid_t p = static_cast<pid_t>(std::atoi(w.c_str()));
        if (std::find(pids.begin(), pids.end(), p) != pids.end()) out += line + "\n";
    }
    return out;
}

}  // namespace

void register_ps(Registry& r, const GlobalOptions& g) {
    struct Opts {
        std::string format = "table";
        std::vector<std::string> rest;  // ID, then ps arguments
    };
    auto o = std::make_shared<Opts>();
    r.add("ps", "list the processes running inside a container")
        .option("-f,--format", o->format, "table or json")
        .trailing(o->rest)
        .run([o, &g] {
            if (o->rest.empty()) throw Error("ps: missing container id");
            auto c = open_container_cgroup(g.root, o->rest.front(), false);
            auto pids = c.cg->pids();
            if (o->format == "json") {
                std::string s = "[";
                for (size_t i = 0; i < pids.size(); ++i) s += (i ? "," : "") + std::to_string(pids[i]);
                std::cout << s << "]\n";
                return;
            }
            if (o->format != "table") throw Error("ps: --format must be table or json, not " + o->format);
            std::vector<std::string> args(o->rest.begin() + 1, o->rest.end());
            if (args.empty()) args = {"-ef"};
            std::cout << filter_table(run_ps(args), pids);
        });
}

}  // namespace ocirt::cli
