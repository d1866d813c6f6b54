// The one parent/child protocol: typed messages over a SOCK_SEQPACKET pair (one datagram per message, so no
// framing is needed), each with an optional fd passed by SCM_RIGHTS.
//
// Container creation (runtime/create.cpp parent, runtime/init.cpp child):
//
//   parent                                   child (clone3, new namespaces)
//     |  cgroup joined, id maps written          |  without a new user namespace meanwhile: joins
//     |                                          |  namespaces, hostname, sysctls, first mounts
//     |------------- go ------------------------>|  (with one: all that now), cgroup ns, the
//     |                                          |  mounts that show it, devices
//     |<------------ hooks_request --------------|
//     |  prestart + createRuntime hooks          |
//     |------------- hooks_done (state json) --->|  createContainer hooks, pivot_root, masked
//     |                                          |  paths, terminal (master -> console socket)
//     |<------------ console (fd) ---------------|  (terminal without --console-socket: run relays it)
//     |<------------ seccomp_fd (fd) ------------|  (only for SCMP_ACT_NOTIFY profiles)
//     |<------------ ready ----------------------|  then blocks on the exec fifo until `start`
//   (create exits; run writes the fifo itself)
//
// Any step may instead send `error` with a message; the parent reports it and tears everything down.
// Exec into a running container uses go / error / ready, and EOF (the socket is CLOEXEC) means execve ran.
#pragma once

#include <cstdint>
#include <string>

#include "base/fd.hpp"

namespace ocirt::ipc {

enum class Msg : uint32_t { go = 1, hooks_request, hooks_done, seccomp_fd, console, ready, error };
const char* to_string(Msg m);

struct Message {
    Msg type = Msg::error;
    std::string payload;
    OwnedFd fd;
};

class Channel {
public:
    Channel() = default;
    explicit Channel(OwnedFd fd) : fd_(std::move(fd)) {}

    // A connected pair: [0] for the parent, [1] for the child.
    static std::pair<Channel, Channel> make_pair();

    void send(Msg type, const std::string& payload = {}, BorrowedFd fd = BorrowedFd()) const;
    // Receives one message; returns false on EOF (peer closed, e.g. the child exec'd or died).
    bool recv(Message& out) const;
    // Receives and checks the type: an `error` message becomes an Error with the child's text, EOF or another
    // type is a protocol Error naming what was expected.
    Message expect(Msg type) const;

    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }

private:
    OwnedFd fd_;
};

}  // namespace ocirt::ipc
