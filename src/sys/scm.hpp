// Sending a message with an fd attached (SCM_RIGHTS): shared by the parent/child channel and the console
// socket.
#pragma once

#include <sys/uio.h>

#include "base/fd.hpp"

namespace ocirt::sys {

// sendmsg of iov[0..iovlen) with fd attached when valid, retried on EINTR, never raising SIGPIPE. Returns
// the bytes sent (a stream socket may take fewer), or -1 with errno set.
ssize_t send_with_fd(BorrowedFd sock, const iovec* iov, size_t iovlen, BorrowedFd fd);

}  // namespace ocirt::sys
