#include "runtime/start_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace ocirt::runtime {
namespace {

sockaddr_un address(const state::StateDir& dir) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::string p = dir.socket_path();
    if (p.size() >= sizeof a.sun_path) throw Error("start socket path too long: " + p);
    memcpy(a.sun_path, p.c_str(), p.size() + 1);
    return a;
}

}  // namespace

OwnedFd listen_start_socket(const state::StateDir& dir) {
    OwnedFd s(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!s.valid()) throw Error(errno, "socket");
    sockaddr_un a = address(dir);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) throw Error(errno, "bind", dir.path() + "/exec.sock");
    check(::listen(s.get(), 1), "listen", dir.path() + "/exec.sock");
    return s;
}

OwnedFd wait_for_start(BorrowedFd listener) {
    OwnedFd conn;
    for (;;) {
        conn.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (conn.valid()) break;
        if (errno != EINTR) throw Error(errno, "accept", "start socket");
    }
    char b;
    while (::recv(conn.get(), &b, 1, 0) < 0)
        if (errno != EINTR) throw Error(errno, "recv", "start socket");
    return conn;
}

void request_start(const state::StateDir& dir) {
    OwnedFd s(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!s.valid()) throw Error(errno, "socket");
    sockaddr_un a = address(dir);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        throw Error(errno, "connect", dir.path() + "/exec.sock").context("start");
    if (::send(s.get(), "s", 1, MSG_NOSIGNAL) < 0) throw Error(errno, "send", "start socket");
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(s.get(), buf, sizeof buf, 0)) < 0)
        if (errno != EINTR) throw Error(errno, "recv", "start socket");
    if (n > 0) throw Error(std::string(buf, static_cast<size_t>(n)));
}

}  // namespace ocirt::runtime
