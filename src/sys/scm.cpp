#include "sys/scm.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ocirt::sys {

ssize_t send_with_fd(BorrowedFd sock, const iovec* iov, size_t iovlen, BorrowedFd fd) {
    msghdr mh{};
    mh.msg_iov = const_cast<iovec*>(iov);
    mh.msg_iovlen = iovlen;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
    if (fd.valid()) {
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        cmsghdr* c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        int f = fd.get();
        memcpy(CMSG_DATA(c), &f, sizeof f);
    }
    ssize_t n;
    while ((n = ::sendmsg(sock.get(), &mh, MSG_NOSIGNAL)) < 0)
        if (errno != EINTR) return -1;
    return n;
}

}  // namespace ocirt::sys
