// Running a benchmark's programs each in a process of its own, so that each one's peak resident
// memory (wait4's ru_maxrss) is its own: the child's output, exit code and peak; its "key=value"
// figures; this binary's path (for --worker children); the oracle environment's Python (the TRL
// and PEFT peers). Header only: each benchmark is one program.
#pragma once

#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ladder::bench {

using Values = std::map<std::string, std::string>;

// "key=value key=value" words, on any line (other words are ignored).
inline Values parseValues(const std::string& text) {
    Values out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find_first_of(" \n", pos), text.size());
        const std::string word = text.substr(pos, end - pos);
        const std::size_t eq = word.find('=');
        if (eq != std::string::npos && eq > 0) out[word.substr(0, eq)] = word.substr(eq + 1);
        pos = end + 1;
    }
    return out;
}

struct Child {
    int status = -1;  // the exit code, or -1 when it could not start or was killed
    std::string output;
    long peakKb = 0;  // its peak resident memory (ru_maxrss)
};

// Runs argv[0] (looked up on PATH) with its stdout and stderr collected.
inline Child runChild(const std::vector<std::string>& argv) {
    Child c;
    int fds[2];
    if (::pipe(fds) != 0) return c;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (spawned != 0) {
        ::close(fds[0]);
        c.output = "cannot run " + argv[0] + ": " + std::strerror(spawned);
        return c;
    }
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) c.output.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    rusage usage{};
    if (::wait4(pid, &status, 0, &usage) == pid) {
        c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        c.peakKb = usage.ru_maxrss;
    }
    return c;
}

// This binary, for --worker children.
inline std::string selfPath(const std::string& fallback) {
    std::error_code ec;
    const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? fallback : p.string();
}

// The oracle environment's Python (`explicit` when given; "none": none), or why there is none:
// {python, ""} or {"", reason}. sourceDir: the checkout (scripts/oracle-python).
inline std::pair<std::string, std::string> oraclePython(const std::string& explicitPath,
                                                        const std::string& sourceDir) {
    if (explicitPath == "none") return {"", "--trl-python none"};
    if (!explicitPath.empty()) return {explicitPath, ""};
    const Child c = runChild({sourceDir + "/scripts/oracle-python"});
    std::string text = c.output;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (c.status != 0) return {"", text.empty() ? "scripts/oracle-python failed" : text};
    return {text, ""};
}

}  // namespace ladder::bench
