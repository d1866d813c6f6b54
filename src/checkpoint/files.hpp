// Small file steps that checkpoint and restore share.
#pragma once

#include <sys/types.h>

#include <string>

namespace ocirt::checkpoint {

// runc's name for the file that records the init's stdio in the image directory (criu_args.hpp).
inline constexpr const char* kDescriptors = "descriptors.json";
// The criu keys (file[MNT_ID:INODE]) of the init's stdio fds that were files outside the container's mount
// namespace, "" for the others: restore hands criu its own fds under those keys. A JSON array of 3 strings.
inline constexpr const char* kExternalStdio = "ocirt-external-stdio.json";
// linux.resources as they were in effect at the checkpoint (what `update` recorded), which restore applies
// over the bundle's: the restored processes keep the limits they ran with.
inline constexpr const char* kResources = "ocirt-resources.json";

// mkdir with mode 0700; an existing directory is fine (a container may be checkpointed more than once).
void make_dir(const std::string& path);
// Writes content to path (created 0600, truncated).
void write_file(const std::string& path, const std::string& content);
// The path with symlinks resolved: criu compares it with the mounts it finds.
std::string real_path(const std::string& path);

// While criu restores into a user namespace, its tasks there open some images themselves (tty-info.img),
// relative to the image directory and as the container's root, which a 0700 directory of the host's root
// keeps out. When others cannot search the directory, lends its group to the container's root group (gid
// outside) with search permission only, and gives the group and mode back at the end; nobody else gains
// access.
class ImageDirSearch {
public:
    ImageDirSearch(std::string dir, gid_t gid);
    ~ImageDirSearch();
    ImageDirSearch(const ImageDirSearch&) = delete;
    ImageDirSearch& operator=(const ImageDirSearch&) = delete;

private:
    std::string dir_;
    bool changed_ = false;
    gid_t gid_ = 0;
    mode_t mode_ = 0;
};

}  // namespace ocirt::checkpoint
