// Writing a file so that readers see either the old file or the complete new one, never a part:
// the bytes go to a temporary file beside the target, which replaces it by rename on commit().
#pragma once

#include <filesystem>
#include <fstream>

namespace ladder::model {

class AtomicFile {
public:
    // Opens `<target>.tmp-<pid>-<n>` for writing; throws ladder::Error when it cannot.
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();  // removes the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    [[nodiscard]] std::ofstream& stream() { return m_out; }
    // Flushes, closes and renames onto the target; throws ladder::Error on any failure.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    std::ofstream m_out;
    bool m_committed = false;
};

}  // namespace ladder::model
