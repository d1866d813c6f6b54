// File descriptor ownership: OwnedFd closes exactly once; BorrowedFd is a plain non-owning view.
// Functions take BorrowedFd and return OwnedFd. close() is never retried on EINTR (Linux frees the fd anyway).
#pragma once

#include <unistd.h>

#include <utility>

namespace ocirt {

class BorrowedFd {
public:
    constexpr BorrowedFd() = default;
    constexpr explicit BorrowedFd(int fd) : fd_(fd) {}
    constexpr int get() const { return fd_; }
    constexpr bool valid() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

class OwnedFd {
public:
    OwnedFd() = default;
    explicit OwnedFd(int fd) : fd_(fd) {}
    OwnedFd(OwnedFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    OwnedFd& operator=(OwnedFd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    BorrowedFd borrow() const { return BorrowedFd(fd_); }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace ocirt
