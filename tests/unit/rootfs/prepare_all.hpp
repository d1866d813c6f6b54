// The whole of the child's rootfs preparation in one call, as the tests want it (the runtime splits it around
// `go`: rootfs::prepare_start before, prepare_finish after).
#pragma once

#include "rootfs/rootfs.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::testing {

inline void prepare(sys::Syscalls& s, const rootfs::Plan& p) {
    rootfs::Progress done = rootfs::prepare_start(s, p);
    rootfs::prepare_finish(s, p, done);
}

}  // namespace ocirt::testing
