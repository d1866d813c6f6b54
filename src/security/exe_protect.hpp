// CVE-2019-5736: until execve, a container's first process and every `exec`ed one run the ocirt binary, and a
// container image can make execve land on it again (an entrypoint "#!/proc/self/exe"). A process of the
// container that opens /proc/<pid>/exe of such a process holds the host's ocirt file and, once the process
// has exited, can reopen it for writing and replace the runtime that the host runs next as root.
//
// The defence is to run from a file reference that cannot be written: before doing any work, the commands
// that start container processes re-execute ocirt from a detached read-only bind mount of its own binary
// (open_tree + mount_setattr, no copy and nothing left mounted: the mount lives only as long as the process
// that maps it). Opening that reference for writing fails with EROFS, for root too. Where a bind mount is
// not allowed (no CAP_SYS_ADMIN, kernels before 5.12) a sealed memfd copy is used instead, which costs a copy
// of the binary on every start; when the caller cannot write the binary at all (a rootless user running a
// root-owned ocirt) nothing is needed, since the container's processes have no more rights than the caller.
#pragma once

namespace ocirt::security {

// Returns when the running binary is already protected, or needs no protection; otherwise re-executes
// argv (never returns) or throws when no protected copy can be made.
void protect_binary(char** argv);

}  // namespace ocirt::security
