// trace FUNCS OUT BINARY CMD ARGS...: runs CMD under ptrace and records which functions of BINARY run, in the
// order they first run. FUNCS lists the functions' start addresses (hex, as in the ELF file); each gets a
// one-shot breakpoint (int3) in every process image of BINARY, followed through fork, clone and exec (ocirt
// re-executes itself from a read-only bind mount, the same inode). Processes that exec another program
// (the container's own) are let go. OUT receives the addresses that were hit, one per line. CMD must not leave
// a process of BINARY running: it would meet a breakpoint once the tracer is gone.
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<unsigned long> g_funcs;
std::set<unsigned long> g_func_set;
std::map<unsigned long, unsigned char> g_orig;  // function address -> first byte
std::set<unsigned long> g_seen;
std::vector<unsigned long> g_order;
std::map<pid_t, unsigned long> g_base;  // traced process running BINARY -> load address
dev_t g_dev;
ino_t g_ino;

// The load address of BINARY in pid, or 0 when pid runs something else.
unsigned long image_base(pid_t pid) {
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    std::string line;
    while (std::getline(maps, line)) {
        unsigned long start, end, off, ino;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line.c_str(), "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &off, &maj, &min, &ino) != 7)
            continue;
        if (ino == g_ino && makedev(maj, min) == g_dev && off == 0) return start;
    }
    return 0;
}

void poke_byte(pid_t pid, unsigned long addr, unsigned char b) {
    errno = 0;
    long word = ptrace(PTRACE_PEEKTEXT, pid, addr, nullptr);
    if (errno) return;
    word = (word & ~0xffL) | b;
    ptrace(PTRACE_POKETEXT, pid, addr, word);
}

void arm(pid_t pid) {
    unsigned long base = image_base(pid);
    if (!base) return;
    g_base[pid] = base;
    std::string mem = "/proc/" + std::to_string(pid) + "/mem";
    int fd = open(mem.c_str(), O_RDWR);
    if (fd < 0) return;
    unsigned char cc = 0xcc;
    for (unsigned long f : g_funcs) {
        if (g_seen.count(f)) continue;
        if (!g_orig.count(f)) {
            unsigned char b;
            if (pread(fd, &b, 1, static_cast<off_t>(base + f)) != 1) continue;
            g_orig[f] = b;
        }
        (void)!pwrite(fd, &cc, 1, static_cast<off_t>(base + f));
    }
    close(fd);
}

// A SIGTRAP from one of our breakpoints: record the function, put its byte back, re-run the instruction.
bool hit(pid_t pid) {
    auto it = g_base.find(pid);
    if (it == g_base.end()) return false;
    user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) < 0) return false;
    unsigned long f = regs.rip - 1 - it->second;
    if (!g_func_set.count(f) || !g_orig.count(f)) return false;
    poke_byte(pid, regs.rip - 1, g_orig[f]);
    regs.rip -= 1;
    ptrace(PTRACE_SETREGS, pid, nullptr, &regs);
    if (g_seen.insert(f).second) g_order.push_back(f);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: trace FUNCS OUT BINARY CMD ARGS...\n");
        return 2;
    }
    std::ifstream in(argv[1]);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) g_funcs.push_back(std::stoul(l, nullptr, 16));
    g_func_set.insert(g_funcs.begin(), g_funcs.end());
    struct stat st;
    if (stat(argv[3], &st) < 0) return perror(argv[3]), 1;
    g_dev = st.st_dev;
    g_ino = st.st_ino;

    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);  // stopped at its exec
    ptrace(PTRACE_SETOPTIONS, child, nullptr,
           PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    arm(child);
    ptrace(PTRACE_CONT, child, nullptr, nullptr);
    int rc = 0;
    for (;;) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0) break;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            g_base.erase(pid);
            if (pid == child) rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int sig = WSTOPSIG(status);
        int event = status >> 16;
        int pass = 0;
        if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
            unsigned long newpid;
            ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &newpid);
            if (g_base.count(pid)) g_base[static_cast<pid_t>(newpid)] = g_base[pid];
        } else if (event == PTRACE_EVENT_EXEC) {
            g_base.erase(pid);
            arm(pid);
            if (!g_base.count(pid)) {  // another program: not ours to follow
                ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
                continue;
            }
        } else if (event == PTRACE_EVENT_STOP || (event == 0 && sig == SIGSTOP)) {
            pass = 0;  // the initial stop of a new tracee
        } else if (sig == SIGTRAP) {
            if (!hit(pid)) pass = SIGTRAP;
        } else {
            pass = sig;
        }
        ptrace(PTRACE_CONT, pid, nullptr, pass);
    }
    std::ofstream out(argv[2]);
    for (unsigned long f : g_order) out << std::hex << f << "\n";
    return rc;
}
