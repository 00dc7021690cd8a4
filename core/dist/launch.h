// Starts the worker processes of a data-parallel run on this machine, as torchrun does: each is
// the same program with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, ... set. Forwards Ctrl+C
// and SIGTERM to them, and when one fails, says which rank it was and stops the rest. No LibTorch.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ladder::dist {

struct LaunchSpec {
    std::vector<std::string> command;  // the worker: program and arguments
    int processesPerNode = 1;
    int nodes = 1;
    int nodeRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 0;  // 0: a free port of this machine (one node only)
    std::chrono::seconds timeout{600};
};

// Throws ladder::Error naming the option that is out of range.
void checkLaunch(const LaunchSpec& spec);

// A TCP port nobody listens on now (the kernel's choice).
[[nodiscard]] int freePort();

// Starts `command` in a session of its own (setsid), its output appended to `log`, detached from
// this process (no zombie is left: it is not this process's child): it goes on when this process
// ends. Returns its pid; throws ladder::Error when it cannot start.
int startDetached(const std::vector<std::string>& command, const std::string& log);

// Runs the workers until all have ended. Returns 0 when all succeeded; else the status of the
// first that failed (a signal as 128 + its number), after telling `say` which rank it was, and
// after the others ended: they stop by themselves (a collective fails at once when a peer's
// connection closes, or after the timeout when it hangs) or get SIGTERM 30 s after the failure
// (or the timeout, when shorter), then SIGKILL 30 s later.
int launchWorkers(const LaunchSpec& spec, const std::function<void(const std::string&)>& say);

}  // namespace ladder::dist
