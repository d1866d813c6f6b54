#include <memory>

#include "base/error.hpp"
#include "cli/cli.hpp"
#include "runtime/exec.hpp"

namespace ocirt::cli {

void register_exec(Registry& r, const GlobalOptions& g) {
    auto o = std::make_shared<runtime::ExecOptions>();
    auto rest = std::make_shared<std::vector<std::string>>();
    r.add("exec", "run a new process in a running container: exec [flags] ID [COMMAND [ARGS...]]")
        .option("-p,--process", o->process_file, "a process.json describing the process")
        .option("--console-socket", o->console_socket, "unix socket that receives the pty master")
        .option("--pid-file", o->pid_file, "write the process's pid to this file")
        .option("--cwd", o->cwd, "working directory in the container")
        .option("-e,--env", o->env, "set an environment variable (repeatable)")
        .option("-u,--user", o->user, "uid[:gid]")
        .option("-g,--additional-gids", o->additional_gids, "additional gid (repeatable)")
        .option("-c,--cap", o->caps, "add a capability (repeatable)")
        .option("--apparmor", o->apparmor, "AppArmor profile")
        .option("--process-label", o->process_label, "SELinux label")
        .option("--preserve-fds", o->preserve_fds, "pass this many fds above stdio to the process")
        .flag("-d,--detach", o->detach, "return once the process has started")
        .flag("-t,--tty", o->tty, "allocate a pseudo-terminal")
        .flag("--no-new-privs", o->no_new_privs, "set no_new_privs")
        .trailing(*rest)
        .run([o, rest, &g] {
            if (rest->empty()) throw Error("exec: missing container id");
            o->root = g.root;
            o->id = rest->front();
            size_t first = rest->size() > 1 && (*rest)[1] == "--" ? 2 : 1;
            o->args.assign(rest->begin() + static_cast<long>(first), rest->end());
            g_exit_status = runtime::exec(*o);
        });
}

}  // namespace ocirt::cli
