#include <cstdio>

#include "cli/cli.hpp"
#include "runtime/features.hpp"

namespace ocirt::cli {

void register_features(Registry& r, const GlobalOptions&) {
    r.add("features", "print the OCI features document: what this ocirt recognises and supports").run([] {
        printf("%s\n", runtime::features_json().c_str());
    });
}

}  // namespace ocirt::cli
