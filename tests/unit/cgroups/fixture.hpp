// A temporary directory of empty "cgroup files" that the controller writers fill; removed even when a test
// fails (the destructor runs during unwinding).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include "cgroups/fs.hpp"

namespace ocirt::cgroups::test {

class Fixture {
public:
    explicit Fixture(std::initializer_list<const char*> files) {
        char tmpl[] = "/tmp/ocirt-cgtest-XXXXXX";
        path_ = ::mkdtemp(tmpl);
        for (const char* f : files) set(f, "");
    }
    ~Fixture() { std::filesystem::remove_all(path_); }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    Dir dir() const { return Dir(path_); }
    void set(const std::string& file, const std::string& value) const { std::ofstream(path_ + "/" + file) << value; }
    std::string get(const std::string& file) const { return trim(read_file(path_ + "/" + file)); }

private:
    std::string path_;
};

}  // namespace ocirt::cgroups::test
