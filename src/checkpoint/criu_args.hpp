// What ocirt asks of criu(8), as plain values: the command lines of `criu dump`, `criu pre-dump` and `criu
// restore`, built from the flags (runc's names) and from facts gathered about the container, so that unit
// tests check them without root or CRIU. ocirt runs the criu binary rather than speaking its RPC (`criu
// swrk`): Debian ships no libcriu, and everything a checkpoint or a restore needs here has a command-line form.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::checkpoint {

// Flags that checkpoint and restore share.
struct CommonOptions {
    std::string criu = "criu";          // the global --criu
    std::string image_path;             // absolute
    std::string work_path;              // criu's -W (logs go there); empty: the image directory
    std::string manage_cgroups_mode;    // soft (the default), full, strict or ignore
    std::vector<std::string> empty_ns;  // namespaces made empty on restore: only "network"
    bool tcp_established = false;
    bool ext_unix_sk = false;
    bool shell_job = false;
    bool file_locks = false;
    bool auto_dedup = false;
    bool lazy_pages = false;  // refused: it needs criu's lazy-pages daemon and RPC notifications
};

struct CheckpointOptions : CommonOptions {
    std::string parent_path;  // --prev-images-dir, relative to the image directory
    std::string page_server;  // ADDRESS:PORT
    bool leave_running = false;
    bool pre_dump = false;
};

struct RestoreOptions : CommonOptions {
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;  // receives the restored terminal's new pty master
    bool detach = false;
};

// One --ext-mount-map KEY:VALUE. At dump the key names the mount in the image; at restore the value is what
// the host mounts there.
using ExtMount = std::pair<std::string, std::string>;

struct DumpTarget {
    pid_t pid = 0;
    std::string rootfs;
    std::string freeze_cgroup;  // a cgroup v2 directory to freeze; empty: criu stops the tasks with ptrace
    std::vector<ExtMount> ext_mounts;
    std::vector<std::string> externals;  // --external values (namespaces the container joined by path)
};

struct RestoreTarget {
    std::string root;      // the rootfs, bind-mounted so that it is a mount point of its own
    std::string pid_file;  // where criu writes the restored init's pid
    std::vector<ExtMount> ext_mounts;
    std::vector<std::string> inherit_fds;  // --inherit-fd values
    std::vector<std::string> join_ns;      // --join-ns values
    std::string action_script;             // --action-script (action_script.hpp); empty: none
};

// Error for a flag value criu cannot take (an unknown cgroup mode, an empty namespace other than network,
// --lazy-pages, a page server without a port).
void check_options(const CheckpointOptions& o);
void check_options(const RestoreOptions& o);

std::vector<std::string> dump_args(const CheckpointOptions& o, const DumpTarget& t);
std::vector<std::string> restore_args(const RestoreOptions& o, const RestoreTarget& t);

// The mounts criu cannot make from the image and must be told about, as runc marks them: every bind mount of
// config.json (at dump keyed by its destination; at restore bound from its source), the masked files (binds
// of /dev/null, one key "/dev/null" at restore) and the linux.devices nodes. masked_files: the maskedPaths
// that are files in the running container (directories are masked with a tmpfs, which criu dumps).
// userns: the container is in a user namespace (rootfs::devices_are_binds), where the default devices are
// binds of the host's nodes too, and so is its cgroup mount unless it has a cgroup namespace.
std::vector<ExtMount> dump_ext_mounts(const spec::Config& c, const std::vector<std::string>& masked_files,
                                      bool userns);
std::vector<ExtMount> restore_ext_mounts(const spec::Config& c, bool userns);

// "extRootNetNS" for a network namespace joined by path: the key criu's --external and --inherit-fd share.
std::string external_ns_key(spec::NamespaceType t);

// --cgroup-root values from the text of /proc/<pid>/cgroup of a process already in the container's cgroup:
// criu then restores the tasks' cgroups under it rather than under the paths recorded at dump.
std::vector<std::string> cgroup_root_args(const std::string& proc_cgroup);

// descriptors.json in the image directory: where the init's fds 0, 1 and 2 pointed at dump ("pipe:[123]",
// "/dev/null"), so that restore can hand criu the new pipes in their place (runc's file and format).
std::string descriptors_json(const std::vector<std::string>& links);
std::vector<std::string> parse_descriptors(const std::string& json);
// --inherit-fd values for the init's stdio: ours of the same number replace the fds that were pipes, and
// those that were files outside the container (external_keys[fd]: a host /dev/null); the terminal (a tty key)
// becomes terminal_fd, the slave of restore's new pty (none when terminal_fd is -1). A key given twice (one
// pipe on fds 1 and 2) is given once, with the lower fd.
std::vector<std::string> stdio_inherit_fds(const std::vector<std::string>& descriptors,
                                           const std::vector<std::string>& external_keys, int terminal_fd = -1);

// criu's name for a file it is told is external (--external at dump, the --inherit-fd key at restore):
// file[MNT_ID:INODE], both in hex.
std::string external_file_key(int mnt_id, unsigned long inode);
// A terminal (process.terminal) is the slave of a pty whose master is outside, held by whoever got it on
// --console-socket. criu will dump neither a slave without its master nor the container's devpts (the slave's
// index would not exist on restore), unless both are declared external. So at dump the slave is
// --external tty[RDEV:DEV] and the container's /dev/pts and /dev/console (create's bind of the slave) are
// external mounts; restore mounts a devpts instance of its own, opens a pty in it, and hands criu the slave
// under that key and the instance and slave as those mounts: the restored process's terminal is again
// /dev/pts/N inside the container, as its controlling terminal, and the new master goes to the console socket.
std::string external_tty_key(unsigned long rdev, unsigned long dev);
bool is_tty_key(const std::string& key);
// The first tty key among the external stdio keys; empty when the init had no terminal.
std::string terminal_key(const std::vector<std::string>& external_keys);
// Whether a mount point (as the process sees it) appears in the text of /proc/PID/mountinfo (its fifth field).
bool has_mount_point(const std::string& mountinfo, const std::string& path);
// At dump: the terminal's mounts (kDevPts, kConsole) that the container has, marked external by destination.
inline constexpr const char* kDevPts = "/dev/pts";
inline constexpr const char* kConsole = "/dev/console";
std::vector<ExtMount> terminal_dump_mounts(const std::string& mountinfo);
// In a user namespace the config makes (not one it joins), an id inside as it is outside (uidMappings, or
// gidMappings when gid); none without such a namespace or when the id is not mapped.
std::optional<uint32_t> id_outside(const spec::Config& c, bool gid, uint32_t id);
// devpts mount data with its uid= and gid= turned into ids outside the config's user namespace: restore
// mounts the instance from outside, where the kernel reads them, and create from inside.
std::string devpts_data_outside(const std::string& data, const spec::Config& c);
// At restore: the devpts instance and the slave (host paths) bound in their place.
std::vector<ExtMount> terminal_restore_mounts(const std::string& devpts, const std::string& slave);

// The mnt_id of /proc/PID/fdinfo/N; -1 when it has none.
int fdinfo_mnt_id(const std::string& fdinfo);
// Whether the mount id appears in the text of /proc/PID/mountinfo (its first field).
bool has_mount_id(const std::string& mountinfo, int mnt_id);

// The line of a criu log that says why it failed, without criu's prefix; empty when none does.
std::string failure_reason(const std::string& log);

}  // namespace ocirt::checkpoint
