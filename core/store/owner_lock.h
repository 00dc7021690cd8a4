// The lock a process holds on what it is writing for as long as it writes it: a run it trains, an
// import it commits in chunks. One owner at a time (a second `train --resume N` is refused), and
// another process on this machine tells live work from work whose process died by trying the
// lock, which the kernel releases when the process ends however it ends (no pid that another
// program may have been given since).
//
// The lock is a flock() on <workspace>.checkpoints/locks/<name>.lock: flock belongs to the open
// file, so unlike SQLite's fcntl locks it survives other descriptors of the file being closed, and
// a second open in the same process (the window's trainer thread) conflicts as another process's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ladder::store {

class OwnerLock {
public:
    OwnerLock() = default;
    ~OwnerLock();
    OwnerLock(OwnerLock&& other) noexcept;
    OwnerLock& operator=(OwnerLock&& other) noexcept;
    OwnerLock(const OwnerLock&) = delete;
    OwnerLock& operator=(const OwnerLock&) = delete;

    // Takes the lock, or returns an empty lock (held() false) when someone else holds it. Throws
    // ladder::Error when the lock file cannot be made (a read-only folder).
    [[nodiscard]] static OwnerLock tryAcquire(const std::filesystem::path& lockFile);
    [[nodiscard]] bool held() const { return m_fd >= 0; }
    void release();

private:
    explicit OwnerLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

// The lock files of a run and of an import of a workspace (they may not exist).
[[nodiscard]] std::filesystem::path runLockFile(const std::filesystem::path& workspace,
                                                std::int64_t runId);
[[nodiscard]] std::filesystem::path importLockFile(const std::filesystem::path& workspace,
                                                   std::int64_t datasetId);

// Whether a process of this machine holds the lock now; nullopt when there is no lock file (the
// work never ran here, or an older Ladder ran it) or it cannot be read.
[[nodiscard]] std::optional<bool> lockHeld(const std::filesystem::path& lockFile);

}  // namespace ladder::store
