#include "ipc/channel.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/error.hpp"
#include "sys/scm.hpp"

namespace ocirt::ipc {
namespace {
constexpr size_t kMaxPayload = 64 * 1024;
}

const char* to_string(Msg m) {
    switch (m) {
    case Msg::go: return "go";
    case Msg::hooks_request: return "hooks_request";
    case Msg::hooks_done: return "hooks_done";
    case Msg::seccomp_fd: return "seccomp_fd";
    case Msg::console: return "console";
    case Msg::ready: return "ready";
    case Msg::error: return "error";
    }
    return "unknown";
}

std::pair<Channel, Channel> Channel::make_pair() {
    int sv[2];
    check(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), "socketpair");
    return {Channel(OwnedFd(sv[0])), Channel(OwnedFd(sv[1]))};
}

void Channel::send(Msg type, const std::string& payload, BorrowedFd fd) const {
    if (payload.size() > kMaxPayload) throw Error("ipc: message too large");
    uint32_t t = static_cast<uint32_t>(type);
    iovec iov[2] = {{&t, sizeof t}, {const_cast<char*>(payload.data()), payload.size()}};
    if (sys::send_with_fd(fd_.borrow(), iov, payload.empty() ? 1 : 2, fd) < 0)
        throw Error(errno, "ipc send", to_string(type));
}

bool Channel::recv(Message& out) const {
    std::vector<char> buf(sizeof(uint32_t) + kMaxPayload);
    iovec iov{buf.data(), buf.size()};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = ::recvmsg(fd_.get(), &mh, MSG_CMSG_CLOEXEC)) < 0)
        if (errno != EINTR) throw Error(errno, "ipc receive");
    if (n == 0) return false;
    if (static_cast<size_t>(n) < sizeof(uint32_t)) throw Error("ipc: short message");
    uint32_t t;
    memcpy(&t, buf.data(), sizeof t);
    out.type = static_cast<Msg>(t);
    out.payload.assign(buf.data() + sizeof t, static_cast<size_t>(n) - sizeof t);
    out.fd.reset();
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int f;
            memcpy(&f, CMSG_DATA(c), sizeof f);
            out.fd.reset(f);
        }
    }
    return true;
}

Message Channel::expect(Msg type) const {
    Message m;
    if (!recv(m)) throw Error(std::string("container process exited before sending ") + to_string(type));
    if (m.type == Msg::error) throw Error(m.payload);
    if (m.type != type)
        throw Error(std::string("ipc: expected ") + to_string(type) + ", got " + to_string(m.type));
    return m;
}

}  // namespace ocirt::ipc
