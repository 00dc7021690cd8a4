// Damaging a workspace on purpose, for the recovery tests: one leaf page of a table overwritten.
// Header-only; the test that includes it links ladder::store.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/store/database.h"

namespace ladder::test {

// Overwrites the middle one of `table`'s leaf pages with garbage, after checkpointing the WAL into
// the file. No connection to the file may be open. False when this SQLite has no dbstat table or
// the table has fewer than three leaf pages.
inline bool damageLeafPage(const std::filesystem::path& file, const std::string& table) {
    std::int64_t page = -1;
    std::int64_t pageSize = 0;
    {
        store::Database db(file, store::OpenFlags{});
        pageSize = db.queryInt64("PRAGMA page_size");
        try {
            auto st = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
                                 "ORDER BY pageno");
            st.bind(1, table);
            std::vector<std::int64_t> leaves;
            while (st.step()) leaves.push_back(st.int64(0));
            if (leaves.size() < 3) return false;
            page = leaves[leaves.size() / 2];
        } catch (const Error&) {
            return false;
        }
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const int fd = ::open(file.c_str(), O_WRONLY);
    if (fd < 0) return false;
    const std::string garbage(static_cast<std::size_t>(pageSize), '\x5a');
    const bool ok = ::pwrite(fd, garbage.data(), garbage.size(), (page - 1) * pageSize) ==
                    static_cast<ssize_t>(garbage.size());
    ::close(fd);
    return ok;
}

}  // namespace ladder::test
