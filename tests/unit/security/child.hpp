// Runs a test body in a forked child so that filters, capabilities and uid changes stay out of the test
// runner. The body returns an exit code; anything it throws becomes 125. The caller gets the waitpid status.
#pragma once

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

namespace ocirt::test {

inline int run_in_child(const std::function<int()>& body) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        // Dies with the runner rather than outliving a failed test.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int code = 125;
        try {
            code = body();
        } catch (...) {
        }
        _exit(code);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

inline bool exited_with(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

}  // namespace ocirt::test
