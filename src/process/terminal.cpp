#include "process/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"
#include "sys/scm.hpp"

namespace ocirt::process {

OwnedFd connect_console_socket(const std::string& path) {
    OwnedFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s.valid()) throw Error(errno, "socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error("--console-socket: path too long: " + path);
    memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throw Error(errno, "connect", path).context("--console-socket");
    return s;
}

void send_fd(BorrowedFd sock, BorrowedFd fd, const std::string& payload) {
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    if (sys::send_with_fd(sock, &iov, 1, fd) < 0) throw Error(errno, "sendmsg", "console socket");
}

Pty make_pty(const std::string& ptmx) {
    OwnedFd master(::open(ptmx.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master.valid()) throw Error(errno, "open", ptmx).context("process.terminal");
    check(::unlockpt(master.get()), "unlockpt");
    // TIOCGPTPEER opens the slave through the master, never through a path the container could swap.
    OwnedFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) throw Error(errno, "ioctl(TIOCGPTPEER)").context("process.terminal");
    return Pty{std::move(master), std::move(slave)};
}

Pty open_pty(BorrowedFd console_socket, const std::optional<spec::ConsoleSize>& size) {
    // /dev/ptmx was set up by rootfs to reach the container's own devpts instance.
    Pty p = make_pty("/dev/ptmx");
    if (size) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(size->height);
        ws.ws_col = static_cast<unsigned short>(size->width);
        check(::ioctl(p.slave.get(), TIOCSWINSZ, &ws), "ioctl(TIOCSWINSZ)", "process.consoleSize");
    }
    if (console_socket.valid()) {
        send_fd(console_socket, p.master.borrow(), "/dev/ptmx");
        p.master.reset();
    }
    return p;
}

void enter_new_session(BorrowedFd slave) {
    check(::setsid(), "setsid");
    if (!slave.valid()) return;
    check(::ioctl(slave.get(), TIOCSCTTY, 0), "ioctl(TIOCSCTTY)");
    for (int i = 0; i < 3; ++i) check(::dup2(slave.get(), i), "dup2", "terminal");
}

}  // namespace ocirt::process
