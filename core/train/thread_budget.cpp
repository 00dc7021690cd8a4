#include "core/train/thread_budget.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace ladder::train {
namespace fs = std::filesystem;

namespace {

int usableCores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// A folder only this user can write: $XDG_RUNTIME_DIR/ladder/threads, else
// <tmp>/ladder-<uid>/threads made with mode 0700 and checked to be ours (not a planted link).
fs::path claimFolder() {
    fs::path base;
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
        base = fs::path(runtime) / "ladder";
    } else {
        std::error_code ec;
        base = fs::temp_directory_path(ec) / ("ladder-" + std::to_string(::getuid()));
    }
    ::mkdir(base.c_str(), 0700);
    struct stat st {};
    if (::lstat(base.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
        (st.st_mode & 0022) != 0) {
        return {};
    }
    const fs::path folder = base / "threads";
    ::mkdir(folder.c_str(), 0700);
    return folder;
}

}  // namespace

ThreadUse threadUse() {
    ThreadUse use;
    use.cores = usableCores();
    const fs::path folder = claimFolder();
    if (folder.empty()) return use;
    std::error_code ec;
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
            // Nobody holds it: its run has ended without cleaning up (killed).
            ::flock(fd, LOCK_UN);
            ::close(fd);
            fs::remove(it->path(), ec);
            ec.clear();
            continue;
        }
        char text[16] = {};
        const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
        ::close(fd);
        ++use.otherRuns;
        use.otherThreads += n > 0 ? std::max(1, std::atoi(text)) : 1;
    }
    return use;
}

std::string describeOtherRuns(const ThreadUse& use) {
    if (use.otherRuns == 0) return {};
    return std::to_string(use.otherRuns) + " other Ladder run" + (use.otherRuns == 1 ? "" : "s") +
           " on this machine use" + (use.otherRuns == 1 ? "s " : " ") +
           std::to_string(use.otherThreads) + " thread" + (use.otherThreads == 1 ? "" : "s") +
           " of the " + std::to_string(use.cores) + " cores";
}

ThreadClaim::~ThreadClaim() { drop(); }

void ThreadClaim::drop() {
    if (m_fd >= 0) {
        std::error_code ec;
        fs::remove(m_file, ec);
        ::close(m_fd);
        m_fd = -1;
    }
}

ThreadClaim::ThreadClaim(ThreadClaim&& other) noexcept
    : m_threads(other.m_threads), m_fd(other.m_fd), m_file(std::move(other.m_file)),
      m_note(std::move(other.m_note)) {
    other.m_fd = -1;
}

ThreadClaim& ThreadClaim::operator=(ThreadClaim&& other) noexcept {
    if (this != &other) {
        drop();
        m_threads = other.m_threads;
        m_fd = other.m_fd;
        m_file = std::move(other.m_file);
        m_note = std::move(other.m_note);
        other.m_fd = -1;
    }
    return *this;
}

ThreadClaim ThreadClaim::make(int configured) {
    ThreadClaim claim;
    const ThreadUse use = threadUse();
    claim.m_threads = configured > 0 ? configured : std::max(1, use.cores - use.otherThreads);
    if (use.otherRuns > 0) {
        claim.m_note = describeOtherRuns(use) + ": this run takes " +
                       std::to_string(claim.m_threads) + " thread" +
                       (claim.m_threads == 1 ? "" : "s") +
                       (configured > 0 ? " (threads in its config)"
                                       : " (set threads in the config to choose)");
        if (use.otherThreads + claim.m_threads > use.cores) {
            claim.m_note += "; together they ask for more threads than there are cores, and each "
                            "trains slower than alone";
        }
    }
    const fs::path folder = claimFolder();
    if (folder.empty()) return claim;
    static std::atomic<int> counter{0};
    claim.m_file = (folder / (std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                              ".claim"))
                       .string();
    claim.m_fd = ::open(claim.m_file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                        0600);
    if (claim.m_fd >= 0) {
        ::flock(claim.m_fd, LOCK_EX);
        const std::string text = std::to_string(claim.m_threads);
        (void)::pwrite(claim.m_fd, text.data(), text.size(), 0);
    }
    return claim;
}

}  // namespace ladder::train
