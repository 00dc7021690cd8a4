// exchangeLines(): posix_spawn with three pipes, then one poll() loop that writes, reads and
// watches the clock, so that neither side can block the other (a judge may read everything
// before answering, or answer each line as it comes).
#include "core/eval/line_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/common/error.h"


namespace ladder::eval {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kStderrTail = 4096;
constexpr std::size_t kMaxStdoutBytes = 256u << 20;  // a judge that floods is stopped here

class Fd {
public:
    Fd() = default;
    ~Fd() { close(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return m_fd; }
    [[nodiscard]] bool open() const { return m_fd >= 0; }
    void close() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }
    void reset(int fd) {
        close();
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

struct Pipe {
    Fd read;
    Fd write;
};

void makePipe(Pipe& p) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw Error(std::string("cannot create a pipe to the judge program: ") +
                    std::strerror(errno));
    }
    p.read.reset(fds[0]);
    p.write.reset(fds[1]);
}

void setNonBlocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Writing to a program that has exited raises SIGPIPE, which would end Ladder: it is blocked on
// this thread (signals from write() go to the writing thread) and any pending one is consumed.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    }
    ~SigpipeBlock() {
        const timespec zero{0, 0};
        while (sigtimedwait(&m_set, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t m_set;
    sigset_t m_old;
};

int millisecondsUntil(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(0, std::min<long long>(left, 1 << 30)));
}

// Appends complete lines of `buffer` to `lines` and keeps the unfinished rest in `buffer`.
std::size_t takeLines(std::string& buffer, std::vector<std::string>& lines) {
    std::size_t taken = 0;
    std::size_t start = 0;
    for (std::size_t nl = buffer.find('\n'); nl != std::string::npos;
         nl = buffer.find('\n', start)) {
        std::string line = buffer.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        ++taken;
        start = nl + 1;
    }
    buffer.erase(0, start);
    return taken;
}

void recordStatus(LineExchange& out, int status) {
    if (WIFEXITED(status)) {
        out.exited = true;
        out.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    }
}

}  // namespace

std::string LineExchange::describeEnd() const {
    if (!started) return "did not start: " + problem;
    if (timedOut) return "was stopped after the timeout without output";
    if (!problem.empty()) return problem;
    if (signal != 0) {
        const char* name = ::strsignal(signal);
        return "was killed by signal " + std::to_string(signal) +
               (name ? std::string(" (") + name + ")" : "");
    }
    return "exited with status " + std::to_string(exitCode);
}

std::vector<std::string> programEnvironment(const std::vector<std::string>& extra) {
    static const char* const kMinimal[] = {"PATH", "HOME",     "USER", "LOGNAME", "LANG",
                                           "LC_ALL", "LC_CTYPE", "TZ",   "TMPDIR"};
    std::vector<std::string> names(std::begin(kMinimal), std::end(kMinimal));
    names.insert(names.end(), extra.begin(), extra.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
            names.begin() + static_cast<std::ptrdiff_t>(i)) {
            continue;  // named twice
        }
        if (const char* value = std::getenv(name.c_str())) out.push_back(name + "=" + value);
    }
    return out;
}

LineExchange exchangeLines(const std::vector<std::string>& argv,
                           const std::vector<std::string>& input,
                           const LineExchangeOptions& options) {
    if (argv.empty() || argv.front().empty()) {
        throw Error("no program to run: give the judge's command line (program and arguments)");
    }
    LineExchange out;
    Pipe in, stdoutPipe, stderrPipe;
    makePipe(in);
    makePipe(stdoutPipe);
    makePipe(stderrPipe);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stderrPipe.write.get(), STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group (a timeout kills its children too), no inherited blocked signals,
    // and SIGPIPE at its default even if Ladder ignores it.
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none, pipeOnly;
    sigemptyset(&none);
    sigemptyset(&pipeOnly);
    sigaddset(&pipeOnly, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &pipeOnly);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::vector<std::string> environment = programEnvironment(options.passEnvironment);
    std::vector<char*> envp;
    for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    // posix_spawnp looks the program up on Ladder's PATH, which the program also gets.
    const int rc =
        posix_spawnp(&pid, argv.front().c_str(), &actions, &attributes, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        out.problem = "cannot run `" + argv.front() + "`: " + std::strerror(rc) +
                      (rc == ENOENT ? " (give a full path, or a program on PATH)" : "");
        return out;
    }
    out.started = true;
    in.read.close();
    stdoutPipe.write.close();
    stderrPipe.write.close();
    setNonBlocking(in.write.get());
    setNonBlocking(stdoutPipe.read.get());
    setNonBlocking(stderrPipe.read.get());

    SigpipeBlock sigpipe;
    std::string pending;
    for (const auto& line : input) {
        pending += line;
        pending += '\n';
    }
    std::size_t written = 0;
    if (pending.empty()) in.write.close();
    std::string stdoutBuffer;
    std::size_t stdoutBytes = 0;
    auto deadline = Clock::now() + options.timeout;
    bool answeredAll = false;
    bool silent = false;  // the timeout passed without output
    char chunk[65536];

    while (stdoutPipe.read.open() || stderrPipe.read.open()) {
        answeredAll = options.expectedLines > 0 && out.lines.size() >= options.expectedLines;
        if (answeredAll && in.write.open()) in.write.close();
        pollfd fds[3];
        nfds_t count = 0;
        int inIndex = -1, outIndex = -1, errIndex = -1;
        if (in.write.open()) {
            inIndex = static_cast<int>(count);
            fds[count++] = {in.write.get(), POLLOUT, 0};
        }
        if (stdoutPipe.read.open()) {
            outIndex = static_cast<int>(count);
            fds[count++] = {stdoutPipe.read.get(), POLLIN, 0};
        }
        if (stderrPipe.read.open()) {
            errIndex = static_cast<int>(count);
            fds[count++] = {stderrPipe.read.get(), POLLIN, 0};
        }
        const int ready = ::poll(fds, count, millisecondsUntil(deadline));
        if (ready < 0) {
            if (errno == EINTR) continue;
            out.problem = std::string("waiting for the program failed: ") + std::strerror(errno);
            break;
        }
        if (ready == 0) {
            silent = true;
            out.timedOut = !answeredAll;
            break;
        }
        if (inIndex >= 0 && fds[inIndex].revents != 0) {
            if (fds[inIndex].revents & POLLOUT) {
                const ssize_t n =
                    ::write(in.write.get(), pending.data() + written, pending.size() - written);
                if (n > 0) {
                    written += static_cast<std::size_t>(n);
                    deadline = Clock::now() + options.timeout;
                    if (written == pending.size()) in.write.close();
                } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                    in.write.close();  // EPIPE: it stopped reading; its answers so far still count
                }
            } else {
                in.write.close();
            }
        }
        if (outIndex >= 0 && fds[outIndex].revents != 0) {
            const ssize_t n = ::read(stdoutPipe.read.get(), chunk, sizeof chunk);
            if (n > 0) {
                stdoutBuffer.append(chunk, static_cast<std::size_t>(n));
                stdoutBytes += static_cast<std::size_t>(n);
                if (takeLines(stdoutBuffer, out.lines) > 0) {
                    deadline = Clock::now() + options.timeout;
                }
                if (stdoutBytes > kMaxStdoutBytes) {
                    out.problem = "was stopped: it wrote more than 256 MB to stdout";
                    break;
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                stdoutPipe.read.close();
            }
        }
        if (errIndex >= 0 && fds[errIndex].revents != 0) {
            const ssize_t n = ::read(stderrPipe.read.get(), chunk, sizeof chunk);
            if (n > 0) {
                out.stderrTail.append(chunk, static_cast<std::size_t>(n));
                if (out.stderrTail.size() > 2 * kStderrTail) {
                    out.stderrTail.erase(0, out.stderrTail.size() - kStderrTail);
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                stderrPipe.read.close();
            }
        }
    }
    if (!stdoutBuffer.empty() && !stdoutPipe.read.open() && !out.timedOut) {
        out.lines.push_back(stdoutBuffer);  // a last line without its newline
    }
    in.write.close();
    stdoutPipe.read.close();
    stderrPipe.read.close();
    if (out.stderrTail.size() > kStderrTail) {
        out.stderrTail.erase(0, out.stderrTail.size() - kStderrTail);
    }

    // It closed its output, or was given up on: let it exit within the timeout, then kill it.
    int status = 0;
    const bool stop = silent || !out.problem.empty();
    const auto exitDeadline =
        Clock::now() + (stop ? std::chrono::milliseconds(0) : options.timeout);
    while (!stop) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            recordStatus(out, status);
            return out;
        }
        if (done < 0 && errno != EINTR) return out;
        if (Clock::now() >= exitDeadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    recordStatus(out, status);
    return out;
}

}  // namespace ladder::eval
