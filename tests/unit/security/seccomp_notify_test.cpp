// SCMP_ACT_NOTIFY end to end: a child loads the filter and hands the listener fd to the test, which answers
// the intercepted syscall; and send_seccomp_listener to an agent socket.
#include <fcntl.h>
#include <linux/seccomp.h>
#include <rapidjson/document.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "base/error.hpp"
#include "security/child.hpp"
#include "security/seccomp.hpp"

using namespace ocirt;
using ocirt::test::exited_with;
using ocirt::test::run_in_child;

namespace {

constexpr long kAnswer = 4242;

void send_fd(int sock, int fd) {
    char byte = 'x';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    check(sendmsg(sock, &msg, 0), "sendmsg");
}

// Receives up to `size` bytes and one fd (invalid when none came).
OwnedFd recv_fd(int sock, char* buf, size_t size, ssize_t* got) {
    iovec iov{buf, size};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    *got = check(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC), "recvmsg");
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_type != SCM_RIGHTS) return OwnedFd();
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    return OwnedFd(fd);
}

security::SeccompProgram notify_on_getppid(std::vector<std::string> flags) {
    spec::Seccomp s;
    s.defaultAction = "SCMP_ACT_ALLOW";
    s.flags = std::move(flags);
    spec::SeccompSyscall r;
    r.names = {"getppid"};
    r.action = "SCMP_ACT_NOTIFY";
    s.syscalls = {r};
    return security::compile_seccomp(s);
}

// The agent's side: receive one notification, check it is getppid, answer kAnswer.
bool answer_one(int listener) {
    seccomp_notif req{};
    seccomp_notif_resp resp{};
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) return false;
    if (req.data.nr != SYS_getppid) return false;
    resp.id = req.id;
    resp.val = kAnswer;
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
}

}  // namespace

TEST_CASE("SCMP_ACT_NOTIFY hands a listener that can answer a syscall", "[security][seccomp]") {
    // TSYNC needs TSYNC_ESRCH next to a listener; WAIT_KILLABLE_RECV needs the listener (Linux 5.19).
    auto flags = GENERATE(std::vector<std::string>{},
                          std::vector<std::string>{"SECCOMP_FILTER_FLAG_TSYNC"},
                          std::vector<std::string>{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"});
    auto prog = notify_on_getppid(flags);
    REQUIRE(prog.notify);
    int sp[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == 0);
    OwnedFd parent_end(sp[0]), child_end(sp[1]);

    int status = -1;
    {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) _exit(120);
            int code = 0;
            try {
                OwnedFd listener = security::load_seccomp(prog);
                send_fd(child_end.get(), listener.get());
                code = syscall(SYS_getppid) == kAnswer ? 0 : 1;
            } catch (...) {
                code = 125;
            }
            _exit(code);
        }
        child_end.reset();
        char byte;
        ssize_t got = 0;
        OwnedFd listener = recv_fd(parent_end.get(), &byte, 1, &got);
        bool answered = listener.valid() && answer_one(listener.get());
        if (!answered) kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(answered);
    }
    CHECK(exited_with(status, 0));
}

TEST_CASE("seccomp_process_state follows the spec's layout", "[security][seccomp]") {
    std::string json = security::seccomp_process_state(
        R"({"ociVersion":"1.2.0","id":"c1","status":"creating","pid":77,"bundle":"/b"})", "MKNOD=/dev/null");
    rapidjson::Document d;
    REQUIRE_FALSE(d.Parse(json.c_str()).HasParseError());
    CHECK(d["pid"].GetInt() == 77);
    CHECK(std::string(d["fds"][0].GetString()) == "seccompFd");
    CHECK(std::string(d["metadata"].GetString()) == "MKNOD=/dev/null");
    CHECK(std::string(d["state"]["id"].GetString()) == "c1");
    CHECK(d.HasMember("ociVersion"));

    CHECK_THROWS(security::seccomp_process_state("not json", ""));
    CHECK_FALSE(security::seccomp_process_state(R"({"pid":1})", "").find("metadata") != std::string::npos);
}

TEST_CASE("send_seccomp_listener delivers the state and the fd", "[security][seccomp]") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ocirt-seccomp-agent-" + std::to_string(getpid()));
    fs::create_directories(dir);
    struct Cleanup {
        fs::path p;
        ~Cleanup() { fs::remove_all(p); }
    } cleanup{dir};
    std::string path = (dir / "agent.sock").string();

    OwnedFd server(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    REQUIRE(bind(server.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(server.get(), 1) == 0);

    // Any fd will do to check the passing; a pipe's read end is easy to recognise by inode.
    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    OwnedFd rd(p[0]), wr(p[1]);
    security::send_seccomp_listener(path, rd.borrow(), R"({"ociVersion":"1.2.0","id":"c","pid":5})", "meta");

    OwnedFd conn(accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(conn.valid());
    char buf[4096];
    ssize_t got = 0;
    OwnedFd fd = recv_fd(conn.get(), buf, sizeof(buf) - 1, &got);
    REQUIRE(fd.valid());
    buf[got] = '\0';
    rapidjson::Document d;
    REQUIRE_FALSE(d.Parse(buf).HasParseError());
    CHECK(std::string(d["metadata"].GetString()) == "meta");
    CHECK(d["pid"].GetInt() == 5);
    struct stat a {}, b {};
    REQUIRE(fstat(fd.get(), &a) == 0);
    REQUIRE(fstat(rd.get(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
}

TEST_CASE("send_seccomp_listener names the field when the agent is absent", "[security][seccomp]") {
    CHECK_THROWS_WITH(security::send_seccomp_listener("/nonexistent/ocirt/agent.sock", BorrowedFd(0),
                                                      R"({"pid":1})"),
                      Catch::Contains("linux.seccomp.listenerPath"));
}
