// A larger SQLite page cache for the length of a bulk write (an import, a pair build): with the
// default 2 MiB cache, index pages of a 300,000-row insert are evicted and read back again and
// again.
#pragma once

#include <cstdint>
#include <string>

#include "core/store/database.h"

namespace ladder::data {

class BulkWrite {
public:
    explicit BulkWrite(store::Database& db, std::int64_t cacheKiB = 64 * 1024)
        : m_db(db), m_previous(db.queryInt64("PRAGMA cache_size")) {
        m_db.exec("PRAGMA cache_size = -" + std::to_string(cacheKiB));
    }
    ~BulkWrite() {
        try {
            m_db.exec("PRAGMA cache_size = " + std::to_string(m_previous));
        } catch (...) {  // a destructor must not throw; the setting dies with the connection anyway
        }
    }
    BulkWrite(const BulkWrite&) = delete;
    BulkWrite& operator=(const BulkWrite&) = delete;

private:
    store::Database& m_db;
    std::int64_t m_previous;
};

}  // namespace ladder::data
