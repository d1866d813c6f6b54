// Opening /proc files that a container cannot redirect (CVE-2025-52881): a container that shares mounts
// with another, or an image that prepared /proc, can put a bind mount or symlink over /proc/self/attr/exec or
// /proc/sys/... so that a write meant for one file lands in another (core_pattern, say). Every /proc write
// of the runtime goes through one handle on a procfs instance nobody else can see or mount over:
//   1. a fresh procfs from fsopen("proc") + fsmount: detached, no submounts;
//   2. else (no CAP_SYS_ADMIN over the pid namespace, or a /proc with masked paths makes a new procfs "too
//      revealing") a detached clone of the /proc mount, open_tree(OPEN_TREE_CLONE): submounts not included;
//   3. else open("/proc") itself, checked with fstatfs to be a procfs.
// Paths under the handle are opened with openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
// RESOLVE_NO_XDEV), so a symlink or a mount crossing inside it is an error, and the result is checked to be
// on procfs.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/fd.hpp"

namespace ocirt::sys::procfs {

// The process-wide handle, created on first use. Call it in the parent before clone so the child inherits
// the host's instance (O_CLOEXEC: it does not survive execve); a handle first created in the child is made
// in the child's pid namespace, which is equally correct.
BorrowedFd handle();
// Closes the handle: the container process calls it just before execve, so that no directory of the host is
// among its open fds while the kernel resolves the executable's path (/proc/self/fd/N/...).
void close_handle();
// A new instance by the same three steps; handle() keeps the first one.
OwnedFd new_handle();

// rel is relative to the procfs root: "sys/net/ipv4/ip_forward". flags get O_CLOEXEC added.
OwnedFd open_root(std::string_view rel, int flags);
// rel is relative to /proc/<pid>/: "uid_map", "oom_score_adj". The pid is as the handle's pid namespace
// sees it (the parent's for a handle created in the parent).
OwnedFd open_pid(pid_t pid, std::string_view rel, int flags);
// rel relative to /proc/self/ and /proc/thread-self/; "self" is resolved by reading the link inside the
// handle, never by following it.
OwnedFd open_self(std::string_view rel, int flags);
OwnedFd open_thread_self(std::string_view rel, int flags);

// The openat2 step on its own, beneath any procfs directory fd: used by the functions above, and by tests
// to show that a mount over a file of a plain /proc is refused.
OwnedFd open_beneath(BorrowedFd proc_dir, std::string_view rel, int flags);

// Writes data with a single write(2), as procfs files expect; a short write is an error. what names the
// file in errors ("/proc/self/attr/exec").
void write_all(BorrowedFd fd, std::string_view data, std::string_view what);

}  // namespace ocirt::sys::procfs
