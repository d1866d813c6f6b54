// `checkpoint` and `restore`, with runc's flags (containerd's shim and Podman pass these).
#include <unistd.h>

#include <climits>
#include <memory>

#include "base/error.hpp"
#include "checkpoint/checkpoint.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {
namespace {

// criu changes into its work directory: every path it gets is made absolute first. runc's default image
// directory is ./checkpoint.
std::string absolute(const std::string& p) {
    if (!p.empty() && p[0] == '/') return p;
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw Error(errno, "getcwd");
    return std::string(cwd) + "/" + (p.empty() ? "checkpoint" : p);
}

void finish_common(checkpoint::CommonOptions& o, const GlobalOptions& g) {
    o.criu = g.criu;
    o.image_path = absolute(o.image_path);
    if (!o.work_path.empty()) o.work_path = absolute(o.work_path);
}

Command& add_common(Command& c, checkpoint::CommonOptions& o) {
    return c.option("--image-path", o.image_path, "directory of the criu images (default ./checkpoint)")
        .option("--work-path", o.work_path, "directory for criu's logs and work files (default the image path)")
        .option("--manage-cgroups-mode", o.manage_cgroups_mode, "cgroups mode: soft (default), full, strict, ignore")
        .flag("--tcp-established", o.tcp_established, "allow open TCP connections")
        .flag("--ext-unix-sk", o.ext_unix_sk, "allow external unix sockets")
        .flag("--shell-job", o.shell_job, "allow shell jobs")
        .flag("--file-locks", o.file_locks, "handle file locks")
        .flag("--auto-dedup", o.auto_dedup, "deduplicate memory pages against the parent images")
        .flag("--lazy-pages", o.lazy_pages, "lazy migration of memory (not supported: an error)");
}

}  // namespace

void register_checkpoint_restore(Registry& r, const GlobalOptions& g) {
    struct CheckpointArgs {
        checkpoint::CheckpointOptions o;
        std::string id;
        int status_fd = -1;
    };
    auto c = std::make_shared<CheckpointArgs>();
    Command cmd = r.add("checkpoint", "checkpoint a running container with criu");
    add_common(cmd, c->o)
        .option("--parent-path", c->o.parent_path, "images of a previous pre-dump, relative to --image-path")
        .option("--page-server", c->o.page_server, "ADDRESS:PORT of a criu page server to send the memory to")
        .option("--empty-ns", c->o.empty_ns, "namespace whose properties are not dumped (network)")
        // runc uses the fd only to report that lazy pages are ready, and --lazy-pages is refused.
        .option("--status-fd", c->status_fd, "fd criu reports lazy-pages readiness on (only with --lazy-pages)")
        .flag("--leave-running", c->o.leave_running, "leave the container running after the checkpoint")
        .flag("--pre-dump", c->o.pre_dump, "dump memory only, leave the container running")
        .positional("id", c->id, "container id", true)
        .run([c, &g] {
            finish_common(c->o, g);
            checkpoint::checkpoint(g.root, c->id, c->o);
        });

    struct RestoreArgs {
        checkpoint::RestoreOptions o;
        std::string id;
        bool no_subreaper = false, no_pivot = false;
    };
    auto rs = std::make_shared<RestoreArgs>();
    Command rcmd = r.add("restore", "restore a container from a criu checkpoint");
    add_common(rcmd, rs->o)
        .option("-b,--bundle", rs->o.bundle, "path to the bundle (default .)")
        .option("--pid-file", rs->o.pid_file, "file to write the restored process's pid to")
        .option("--empty-ns", rs->o.empty_ns, "namespace to make but not restore (network)")
        // criu makes the init our child and enters the root itself, so a subreaper and pivot_root do not apply.
        .option("--console-socket", rs->o.console_socket, "unix socket that receives the restored terminal's pty master")
        .flag("--no-subreaper", rs->no_subreaper, "accepted for runc compatibility (the init is our child)")
        .flag("--no-pivot", rs->no_pivot, "accepted for runc compatibility (criu enters the root)")
        .flag("-d,--detach", rs->o.detach, "detach from the restored container")
        .positional("id", rs->id, "container id", true)
        .run([rs, &g] {
            finish_common(rs->o, g);
            g_exit_status = checkpoint::restore(g.root, rs->id, rs->o, g.systemd_cgroup);
        });
}

}  // namespace ocirt::cli
