// Sending a message with an fd attached (SCM_RIGHTS): shared by the parent/child channel and the console
// socket.
#pragma once

#include <sys/uio.h>

#include "base/fd.hpp"

namespace ocirt::sys {

// sendmsg of iov[0..iovlen) with fd attached when valid, retried on EINTR, never raising SIGPIPE. Returns
// false with errno set on failure.
bool send_with_fd(BorrowedFd sock, const iovec* iov, size_t iovlen, BorrowedFd fd);

}  // namespace ocirt::sys
