// The lock a training process holds on its run for as long as it trains it: a run has one owner at
// a time (a second `train --resume N` is refused), and a follower on this machine tells a live run
// from one whose process died by trying the lock, which the kernel releases when the process ends
// however it ends (no pid that another program may have been given since).
//
// The lock is a flock() on <workspace>.checkpoints/locks/run-<id>.lock: flock belongs to the open
// file, so unlike SQLite's fcntl locks it survives other descriptors of the file being closed, and
// a second open in the same process (the window's trainer thread) conflicts as another process's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ladder::store {

class RunLock {
public:
    RunLock() = default;
    ~RunLock();
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&& other) noexcept;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    // Takes the lock of the run, or returns an empty lock (held() false) when someone else holds
    // it. Throws ladder::Error when the lock file cannot be made (a read-only folder).
    [[nodiscard]] static RunLock tryAcquire(const std::filesystem::path& workspace,
                                            std::int64_t runId);
    [[nodiscard]] bool held() const { return m_fd >= 0; }
    void release();

private:
    explicit RunLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

// The lock file of a run (it may not exist).
[[nodiscard]] std::filesystem::path runLockFile(const std::filesystem::path& workspace,
                                                std::int64_t runId);

// Whether a process of this machine holds the run's lock now; nullopt when the run has no lock
// file (it never trained here, or an older Ladder trained it) or it cannot be read.
[[nodiscard]] std::optional<bool> runLockHeld(const std::filesystem::path& workspace,
                                              std::int64_t runId);

}  // namespace ladder::store
