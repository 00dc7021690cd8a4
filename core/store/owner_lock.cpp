#include "core/store/owner_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/error.h"
#include "core/store/workspace.h"

namespace ladder::store {
namespace fs = std::filesystem;

fs::path runLockFile(const fs::path& workspace, std::int64_t runId) {
    return checkpointDirFor(workspace) / "locks" / ("run-" + std::to_string(runId) + ".lock");
}

fs::path importLockFile(const fs::path& workspace, std::int64_t datasetId) {
    return checkpointDirFor(workspace) / "locks" /
           ("import-" + std::to_string(datasetId) + ".lock");
}

OwnerLock::~OwnerLock() { release(); }

OwnerLock::OwnerLock(OwnerLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

OwnerLock& OwnerLock::operator=(OwnerLock&& other) noexcept {
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

void OwnerLock::release() {
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
        m_fd = -1;
    }
}

OwnerLock OwnerLock::tryAcquire(const fs::path& file) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw Error("cannot make the lock file " + file.string() + ": " + std::strerror(errno) +
                    " (Ladder writes beside the workspace: is its folder read-only?)");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return OwnerLock();
    }
    return OwnerLock(fd);
}

std::optional<bool> lockHeld(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::optional<bool> held;
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        held = false;
        ::flock(fd, LOCK_UN);
    } else if (errno == EWOULDBLOCK) {
        held = true;
    }
    ::close(fd);
    return held;
}

}  // namespace ladder::store
