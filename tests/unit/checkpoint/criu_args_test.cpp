#include "checkpoint/criu_args.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "spec/parse.hpp"

using namespace ocirt::checkpoint;
using Args = std::vector<std::string>;

namespace {

// True when the flag is followed by value somewhere in a.
bool has(const Args& a, const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < a.size(); ++i)
        if (a[i] == flag && a[i + 1] == value) return true;
    return false;
}
bool has(const Args& a, const std::string& flag) { return std::find(a.begin(), a.end(), flag) != a.end(); }

CheckpointOptions dump_opts() {
    CheckpointOptions o;
    o.image_path = "/img";
    return o;
}

const char* kConfig = R"({"ociVersion":"1.0.2","root":{"path":"rootfs"},
  "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
            {"destination":"/data","type":"bind","source":"/srv/data","options":["rbind","ro"]},
            {"destination":"etc/hosts","type":"none","source":"/b/hosts","options":["bind"]},
            {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup"}],
  "linux":{"maskedPaths":["/proc/kcore","/proc/acpi"],
           "devices":[{"type":"c","path":"/dev/fuse","major":10,"minor":229}]}})";

}  // namespace

TEST_CASE("dump: the tree, images, log, cgroups, root and the flags that were asked for") {
    CheckpointOptions o = dump_opts();
    o.work_path = "/work";
    o.tcp_established = o.ext_unix_sk = o.shell_job = o.file_locks = true;
    DumpTarget t{42, "/rootfs", "/sys/fs/cgroup/c1", {{"/data", "/data"}}, {"net[4026532]:extRootNetNS"}};
    Args a = dump_args(o, t);
    CHECK(a.at(0) == "dump");
    CHECK(has(a, "--tree", "42"));
    CHECK(has(a, "--images-dir", "/img"));
    CHECK(has(a, "--work-dir", "/work"));
    CHECK(has(a, "--log-file", "dump.log"));
    CHECK(has(a, "--manage-cgroups=soft"));
    CHECK(has(a, "--root", "/rootfs"));
    CHECK(has(a, "--freeze-cgroup", "/sys/fs/cgroup/c1"));
    CHECK(has(a, "--ext-mount-map", "/data:/data"));
    CHECK(has(a, "--external", "net[4026532]:extRootNetNS"));
    for (const char* f : {"--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks"}) CHECK(has(a, f));
    CHECK_FALSE(has(a, "--leave-running"));
    CHECK_FALSE(has(a, "--track-mem"));
}

TEST_CASE("dump: leave-running, parent images, page server, cgroup mode") {
    CheckpointOptions o = dump_opts();
    o.leave_running = true;
    o.parent_path = "../pre";
    o.page_server = "10.0.0.2:2777";
    o.manage_cgroups_mode = "strict";
    Args a = dump_args(o, DumpTarget{7, "/r", "", {}, {}});
    CHECK(has(a, "--leave-running"));
    CHECK(has(a, "--prev-images-dir", "../pre"));
    CHECK(has(a, "--track-mem"));
    CHECK(has(a, "--page-server"));
    CHECK(has(a, "--address", "10.0.0.2"));
    CHECK(has(a, "--port", "2777"));
    CHECK(has(a, "--manage-cgroups=strict"));
    CHECK_FALSE(has(a, "--freeze-cgroup"));
}

TEST_CASE("pre-dump: memory only, tracked, no mounts or namespaces") {
    CheckpointOptions o = dump_opts();
    o.pre_dump = true;
    Args a = dump_args(o, DumpTarget{7, "/r", "", {{"/data", "/data"}}, {"net[1]:extRootNetNS"}});
    CHECK(a.at(0) == "pre-dump");
    CHECK(has(a, "--log-file", "pre-dump.log"));
    CHECK(has(a, "--track-mem"));
    CHECK_FALSE(has(a, "--ext-mount-map"));
    CHECK_FALSE(has(a, "--external"));
}

TEST_CASE("restore: detached, as criu's sibling, with root, pid file, mounts, inherited fds, joined namespaces") {
    RestoreOptions o;
    o.image_path = "/img";
    o.empty_ns = {"network"};
    RestoreTarget t{"/state/c1/criu-root", "/state/c1/criu.pid", {{"/data", "/srv/data"}}, {"fd[1]:pipe:[77]", "fd[3]:extRootNetNS"}, {"ipc:/proc/1/ns/ipc"}};
    Args a = restore_args(o, t);
    CHECK(a.at(0) == "restore");
    CHECK(has(a, "--restore-detached"));
    CHECK(has(a, "--restore-sibling"));
    CHECK(has(a, "--log-file", "restore.log"));
    CHECK(has(a, "--root", "/state/c1/criu-root"));
    CHECK(has(a, "--pidfile", "/state/c1/criu.pid"));
    CHECK(has(a, "--ext-mount-map", "/data:/srv/data"));
    CHECK(has(a, "--inherit-fd", "fd[1]:pipe:[77]"));
    CHECK(has(a, "--inherit-fd", "fd[3]:extRootNetNS"));
    CHECK(has(a, "--join-ns", "ipc:/proc/1/ns/ipc"));
    CHECK(has(a, "--empty-ns", "net"));
    CHECK(has(a, "--evasive-devices"));
    CHECK_FALSE(has(a, "--work-dir"));
    CHECK_FALSE(has(a, "--action-script"));
    t.action_script = "/usr/local/sbin/ocirt";
    CHECK(has(restore_args(o, t), "--action-script", "/usr/local/sbin/ocirt"));
}

TEST_CASE("external mounts: binds by destination at dump and from their source at restore, masked files, devices") {
    ocirt::spec::Config c = ocirt::spec::parse_config(kConfig);
    auto dump = dump_ext_mounts(c, {"/proc/kcore"}, false);
    CHECK(dump == std::vector<ExtMount>{{"/data", "/data"}, {"/etc/hosts", "/etc/hosts"}, {"/proc/kcore", "/dev/null"},
                                        {"/dev/fuse", "/dev/fuse"}});
    auto rst = restore_ext_mounts(c, false);
    CHECK(rst == std::vector<ExtMount>{{"/data", "/srv/data"}, {"/etc/hosts", "/b/hosts"}, {"/dev/null", "/dev/null"},
                                       {"/dev/fuse", "/dev/fuse"}});
}

TEST_CASE("external mounts in a user namespace: the default devices and the cgroup mount are binds too") {
    ocirt::spec::Config c = ocirt::spec::parse_config(kConfig);
    std::vector<ExtMount> devices{{"/dev/fuse", "/dev/fuse"}, {"/dev/null", "/dev/null"}, {"/dev/zero", "/dev/zero"},
                                  {"/dev/full", "/dev/full"}, {"/dev/random", "/dev/random"},
                                  {"/dev/urandom", "/dev/urandom"}, {"/dev/tty", "/dev/tty"}};
    std::vector<ExtMount> want{{"/data", "/data"}, {"/etc/hosts", "/etc/hosts"}, {"/sys/fs/cgroup", "/sys/fs/cgroup"},
                               {"/proc/kcore", "/dev/null"}};
    want.insert(want.end(), devices.begin(), devices.end());
    CHECK(dump_ext_mounts(c, {"/proc/kcore"}, true) == want);
    // At restore the masked files' "/dev/null" is not repeated.
    want = {{"/data", "/srv/data"}, {"/etc/hosts", "/b/hosts"}, {"/sys/fs/cgroup", "/sys/fs/cgroup"}, {"/dev/null", "/dev/null"}};
    want.insert(want.end(), devices.begin(), devices.begin() + 1);
    want.insert(want.end(), devices.begin() + 2, devices.end());
    CHECK(restore_ext_mounts(c, true) == want);
    // A cgroup namespace of its own lets criu mount cgroup2 itself.
    c.linux_->namespaces.push_back({ocirt::spec::NamespaceType::cgroup, std::nullopt});
    CHECK(restore_ext_mounts(c, true)[2] != ExtMount{"/sys/fs/cgroup", "/sys/fs/cgroup"});
}

TEST_CASE("ids outside the config's user namespace; devpts uid= and gid= turned into them") {
    ocirt::spec::Config c = ocirt::spec::parse_config(kConfig);
    CHECK_FALSE(id_outside(c, true, 5));
    CHECK(devpts_data_outside("mode=0620,gid=5", c) == "mode=0620,gid=5");
    c.linux_->namespaces.push_back({ocirt::spec::NamespaceType::user, std::nullopt});
    c.linux_->uidMappings = {{0, 100000, 1000}};
    c.linux_->gidMappings = {{0, 200000, 1}, {1, 300001, 10}};
    CHECK(id_outside(c, false, 999) == 100999u);
    CHECK_FALSE(id_outside(c, false, 1000));
    CHECK(id_outside(c, true, 0) == 200000u);
    CHECK(id_outside(c, true, 5) == 300005u);
    CHECK(devpts_data_outside("newinstance,uid=3,mode=0620,gid=5", c) == "newinstance,uid=100003,mode=0620,gid=300005");
    // A joined user namespace's mappings are not the config's business.
    c.linux_->namespaces.back().path = "/proc/1/ns/user";
    CHECK_FALSE(id_outside(c, true, 0));
}

TEST_CASE("the keys of external namespaces") {
    using ocirt::spec::NamespaceType;
    CHECK(external_ns_key(NamespaceType::network) == "extRootNetNS");
    CHECK(external_ns_key(NamespaceType::pid) == "extRootPidNS");
}

TEST_CASE("cgroup roots from /proc/PID/cgroup: v2 applies to every controller, v1 per controller") {
    CHECK(cgroup_root_args("0::/ocirt/c1\n") == Args{"--cgroup-root", "/ocirt/c1"});
    CHECK(cgroup_root_args("4:memory:/c1\n1:name=systemd:/c1\n") ==
          Args{"--cgroup-root", "memory:/c1", "--cgroup-root", "name=systemd:/c1"});
    CHECK(cgroup_root_args("").empty());
}

TEST_CASE("descriptors.json round trip; pipes and external files are inherited") {
    std::vector<std::string> links{"/dev/null", "pipe:[1234]", "pipe:[99]"};
    std::string json = descriptors_json(links);
    CHECK(json == R"(["/dev/null","pipe:[1234]","pipe:[99]"])");
    CHECK(parse_descriptors(json) == links);
    CHECK(stdio_inherit_fds(links, {}) == Args{"fd[1]:pipe:[1234]", "fd[2]:pipe:[99]"});
    // A host /dev/null on fds 0 and 2 (one key) and a pipe on fd 1.
    CHECK(stdio_inherit_fds({"/dev/null", "pipe:[7]", "/dev/null"}, {"file[18:5]", "", "file[18:5]"}) ==
          Args{"fd[0]:file[18:5]", "fd[1]:pipe:[7]"});
    // One pipe on fds 1 and 2.
    CHECK(stdio_inherit_fds({"/dev/null", "pipe:[7]", "pipe:[7]"}, {"", "", ""}) == Args{"fd[1]:pipe:[7]"});
    CHECK_THROWS_AS(parse_descriptors("{}"), ocirt::Error);
    CHECK_THROWS_AS(parse_descriptors("[1]"), ocirt::Error);
}

TEST_CASE("external files: criu's key, the mount id of an fd, whether a mount is the container's") {
    CHECK(external_file_key(24, 5) == "file[18:5]");
    CHECK(external_file_key(300, 0xabcdef) == "file[12c:abcdef]");
    CHECK(fdinfo_mnt_id("pos:\t0\nflags:\t0100002\nmnt_id:\t24\nino:\t5\n") == 24);
    CHECK(fdinfo_mnt_id("pos:\t0\n") == -1);
    std::string mi = "21 1 0:20 / / rw - overlay overlay rw\n240 21 0:5 / /dev rw - tmpfs tmpfs rw\n";
    CHECK(has_mount_id(mi, 240));
    CHECK(has_mount_id(mi, 21));
    CHECK_FALSE(has_mount_id(mi, 24));
    CHECK_FALSE(has_mount_id("", 1));
}

TEST_CASE("a terminal: the slave's key, inherited as the new pty's slave; no slave to give, no key") {
    // /dev/pts/0 (136:0, glibc's dev_t) of a devpts instance numbered 0:38.
    std::string key = external_tty_key(0x8800, 0x26);
    CHECK(key == "tty[8800:26]");
    CHECK(is_tty_key(key));
    CHECK_FALSE(is_tty_key("file[18:5]"));
    CHECK(terminal_key({"", "file[18:5]", key}) == key);
    CHECK(terminal_key({"file[18:5]", "", ""}).empty());
    std::vector<std::string> pts{"/dev/pts/0", "/dev/pts/0", "/dev/pts/0"};
    CHECK(stdio_inherit_fds(pts, {key, key, key}, 5) == Args{"fd[5]:" + key});
    CHECK(stdio_inherit_fds(pts, {key, key, key}).empty());
    // A terminal on stdin and stdout, a pipe on stderr.
    CHECK(stdio_inherit_fds({"/dev/pts/0", "/dev/pts/0", "pipe:[7]"}, {key, key, ""}, 4) ==
          Args{"fd[4]:" + key, "fd[2]:pipe:[7]"});
}

TEST_CASE("a terminal's mounts: external by destination at dump when the container has them, ours at restore") {
    std::string mi = "21 1 0:20 / / rw - overlay overlay rw\n"
                     "59 21 0:38 / /dev/pts rw,nosuid,noexec - devpts devpts rw,gid=5,mode=620,ptmxmode=666\n"
                     "53 21 0:38 /0 /dev/console rw,nosuid,noexec - devpts devpts rw,gid=5,mode=620,ptmxmode=666\n";
    CHECK(has_mount_point(mi, "/dev/pts"));
    CHECK_FALSE(has_mount_point(mi, "/dev"));
    CHECK_FALSE(has_mount_point("59 21 0:38 /", "/"));
    CHECK(terminal_dump_mounts(mi) == std::vector<ExtMount>{{"/dev/pts", "/dev/pts"}, {"/dev/console", "/dev/console"}});
    CHECK(terminal_dump_mounts("21 1 0:20 / / rw - overlay overlay rw\n").empty());
    CHECK(terminal_restore_mounts("/run/ocirt/c/criu-devpts", "/run/ocirt/c/criu-devpts/0") ==
          std::vector<ExtMount>{{"/dev/pts", "/run/ocirt/c/criu-devpts"}, {"/dev/console", "/run/ocirt/c/criu-devpts/0"}});
}

TEST_CASE("the reason of a failure: the first error that is not from criu's kernel probes") {
    std::string log =
        "(00.01) Error (criu/tun.c:85): tun: Unable to create tun: No such file or directory\n"
        "(00.02) Warn  (compel/src/lib/infect.c:127): Unable to interrupt task\n"
        "(06.88) Error (criu/files-reg.c:1710): Can't lookup mount=24 for fd=0 path=/dev/null\n"
        "(06.89) Error (criu/cr-dump.c:1635): Dump files (pid: 158) failed with -1\n"
        "(08.00) Error (criu/cr-dump.c:2053): Dumping FAILED.\n";
    CHECK(failure_reason(log) == "Can't lookup mount=24 for fd=0 path=/dev/null");
    CHECK(failure_reason("(00.01) Error (criu/tun.c:85): tun: no tun\n") == "tun: no tun");
    CHECK(failure_reason("all fine\n").empty());
}

TEST_CASE("flag values criu cannot take are errors naming the flag") {
    CheckpointOptions o = dump_opts();
    o.manage_cgroups_mode = "sometimes";
    CHECK_THROWS_WITH(check_options(o), Catch::Contains("--manage-cgroups-mode"));
    o = dump_opts();
    o.empty_ns = {"ipc"};
    CHECK_THROWS_WITH(check_options(o), Catch::Contains("--empty-ns"));
    o = dump_opts();
    o.lazy_pages = true;
    CHECK_THROWS_WITH(check_options(o), Catch::Contains("--lazy-pages"));
    for (const char* ps : {"host", ":1", "host:", "host:x"}) {
        o = dump_opts();
        o.page_server = ps;
        CHECK_THROWS_WITH(check_options(o), Catch::Contains("--page-server"));
    }
    o = dump_opts();
    o.page_server = "[::1]:2777";
    o.manage_cgroups_mode = "ignore";
    CHECK_NOTHROW(check_options(o));
}
