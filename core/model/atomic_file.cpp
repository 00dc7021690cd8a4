// AtomicFile: temporary file + rename, so a crash mid-write never leaves a truncated checkpoint.
#include "core/model/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/error.h"

namespace ladder::model {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(fs::path target) : m_target(std::move(target)) {
    static std::atomic<int> counter{0};
    m_temp = m_target;
    m_temp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    m_out.open(m_temp, std::ios::binary | std::ios::trunc);
    if (!m_out) {
        throw Error("cannot write " + m_temp.string() +
                    ": check that the folder exists and is writable");
    }
}

AtomicFile::~AtomicFile() {
    if (m_committed) return;
    m_out.close();
    std::error_code ec;
    fs::remove(m_temp, ec);
}

void AtomicFile::commit() {
    errno = 0;
    m_out.flush();
    const bool ok = static_cast<bool>(m_out);
    m_out.close();
    if (!ok || m_out.fail()) {
        // The stream keeps no error code; errno is that of the write or close that failed.
        const int error = errno;
        throw Error("writing " + m_target.string() + " failed (" +
                    (error != 0 ? std::string(std::strerror(error)) : std::string("disk full?")) +
                    "): nothing was replaced");
    }
    std::error_code ec;
    fs::rename(m_temp, m_target, ec);
    if (ec) {
        throw Error("cannot replace " + m_target.string() + ": " + ec.message());
    }
    m_committed = true;
}

}  // namespace ladder::model
