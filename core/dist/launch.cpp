#include "core/dist/launch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "core/common/error.h"
#include "core/dist/world.h"

namespace ladder::dist {
namespace {

volatile std::sig_atomic_t g_forward = 0;  // the signal to pass on to the workers, 0 for none

void onSignal(int signal) { g_forward = signal; }

struct Worker {
    int rank = 0;
    pid_t pid = -1;
    bool running = true;
    int status = 0;  // the exit status, or 128 + the signal
};

pid_t startWorker(const LaunchSpec& spec, const WorldSpec& world) {
    std::vector<std::string> args = spec.command;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto env = environmentOf(world);
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    return pid;
}

}  // namespace

void checkLaunch(const LaunchSpec& spec) {
    if (spec.processesPerNode < 1 || spec.processesPerNode > 1024) {
        throw Error("--nproc-per-node takes 1 to 1024 processes, not " +
                    std::to_string(spec.processesPerNode));
    }
    if (spec.nodes < 1) throw Error("--nnodes must be at least 1");
    if (spec.nodeRank < 0 || spec.nodeRank >= spec.nodes) {
        throw Error("--node-rank must be 0 to " + std::to_string(spec.nodes - 1) + " (--nnodes " +
                    std::to_string(spec.nodes) + "), not " + std::to_string(spec.nodeRank));
    }
    if (spec.nodes > 1 && spec.masterPort == 0) {
        throw Error("a run on " + std::to_string(spec.nodes) + " machines needs --master-port (the "
                    "same on every machine) and --master-addr (node 0's address)");
    }
    if (spec.masterPort < 0 || spec.masterPort > 65535) {
        throw Error("--master-port must be 1 to 65535");
    }
    if (spec.command.empty()) throw Error("no worker command");
}

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error("cannot open a socket to find a free port");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok) throw Error("cannot find a free port: pass --master-port");
    return ntohs(address.sin_port);
}

int startDetached(const std::vector<std::string>& command, const std::string& log) {
    if (command.empty()) throw Error("no command to start");
    std::vector<std::string> args = command;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int pipeFds[2];
    if (::pipe(pipeFds) != 0) throw Error("cannot start " + command[0] + ": no pipe");
    const pid_t child = ::fork();
    if (child < 0) {
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        throw Error("cannot start " + command[0] + ": fork failed");
    }
    if (child == 0) {
        // The child starts the program and leaves at once: the program is then init's child, not
        // the caller's. It leads a session of its own (its process group is its pid: `kill -pid`
        // reaches its workers too).
        ::close(pipeFds[0]);
        const pid_t grandchild = ::fork();
        if (grandchild == 0) {
            ::setsid();
            ::close(pipeFds[1]);
            const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (out >= 0) {
                ::dup2(out, STDOUT_FILENO);
                ::dup2(out, STDERR_FILENO);
            }
            if (in >= 0) ::dup2(in, STDIN_FILENO);
            ::signal(SIGINT, SIG_DFL);
            ::signal(SIGTERM, SIG_DFL);
            ::signal(SIGPIPE, SIG_DFL);
            ::execv(argv[0], argv.data());
            std::_Exit(127);
        }
        const int pid = static_cast<int>(grandchild);
        [[maybe_unused]] const auto written = ::write(pipeFds[1], &pid, sizeof pid);
        std::_Exit(0);
    }
    ::close(pipeFds[1]);
    int pid = -1;
    const auto got = ::read(pipeFds[0], &pid, sizeof pid);
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (got != static_cast<ssize_t>(sizeof pid) || pid <= 0) {
        throw Error("cannot start " + command[0] + ": fork failed");
    }
    return pid;
}

int launchWorkers(const LaunchSpec& spec, const std::function<void(const std::string&)>& say) {
    checkLaunch(spec);
    WorldSpec world;
    world.worldSize = spec.nodes * spec.processesPerNode;
    world.localWorldSize = spec.processesPerNode;
    world.masterAddr = spec.masterAddr;
    world.masterPort = spec.masterPort > 0 ? spec.masterPort : freePort();
    world.timeout = spec.timeout;

    g_forward = 0;
    auto* previousInt = std::signal(SIGINT, onSignal);
    auto* previousTerm = std::signal(SIGTERM, onSignal);
    std::vector<Worker> workers;
    for (int local = 0; local < spec.processesPerNode; ++local) {
        world.localRank = local;
        world.rank = spec.nodeRank * spec.processesPerNode + local;
        Worker w;
        w.rank = world.rank;
        w.pid = startWorker(spec, world);
        if (w.pid < 0) {
            w.running = false;
            w.status = 127;
        }
        say("rank " + std::to_string(w.rank) + " of " + std::to_string(world.worldSize) +
            ": pid " + std::to_string(w.pid));
        workers.push_back(w);
    }
    say("rendezvous at " + world.masterAddr + ":" + std::to_string(world.masterPort));

    int firstFailure = 0;
    bool forwarded = false;
    std::chrono::steady_clock::time_point failedAt{};
    std::chrono::steady_clock::time_point termSentAt{};
    bool termSent = false;
    // Once one has failed the others cannot go on (every step waits for all): a collective fails
    // them at once, or they wait for a rendezvous that will not come. 30 s lets them record the
    // failure; then SIGTERM, and SIGKILL 30 s later.
    const auto grace = std::min<std::chrono::seconds>(spec.timeout, std::chrono::seconds(30));
    while (true) {
        bool anyRunning = false;
        for (auto& w : workers) {
            if (!w.running) continue;
            int status = 0;
            const pid_t done = ::waitpid(w.pid, &status, WNOHANG);
            if (done == 0) {
                anyRunning = true;
                continue;
            }
            w.running = false;
            w.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (w.status != 0 && firstFailure == 0 && !forwarded) {
                firstFailure = w.status;
                failedAt = std::chrono::steady_clock::now();
                say("rank " + std::to_string(w.rank) + " (pid " + std::to_string(w.pid) + ") " +
                    (WIFEXITED(status) ? "exited with status " + std::to_string(w.status)
                                       : "was killed by signal " + std::to_string(WTERMSIG(status))) +
                    "; the other ranks stop");
            } else if (firstFailure == 0 && w.status != 0) {
                firstFailure = w.status;  // a forwarded Ctrl+C: the stopped run's 130
            }
        }
        if (!anyRunning) break;
        if (g_forward != 0 && !forwarded) {
            forwarded = true;
            for (const auto& w : workers) {
                if (w.running) ::kill(w.pid, static_cast<int>(g_forward));
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (firstFailure != 0 && !forwarded) {
            if (!termSent && now - failedAt > grace) {
                for (const auto& w : workers) {
                    if (w.running) ::kill(w.pid, SIGTERM);
                }
                termSent = true;
                termSentAt = now;
            } else if (termSent && now - termSentAt > std::chrono::seconds(30)) {
                for (const auto& w : workers) {
                    if (w.running) ::kill(w.pid, SIGKILL);
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
    return firstFailure;
}

}  // namespace ladder::dist
