// A larger SQLite page cache for the length of a bulk write (an import, a pair build): with the
// default 2 MiB cache, index pages of a 300,000-row insert are evicted and read back again and
// again. A write that only inserts rows whose parents it has just read or inserted itself may also
// skip foreign-key checks (a fifth of an import's time); one that deletes must not, as cascades
// are foreign-key actions.
#pragma once

#include <cstdint>
#include <string>

#include "core/store/database.h"

namespace ladder::data {

class BulkWrite {
public:
    enum class ForeignKeys { Check, SkipChecks };

    // Must be made outside a transaction: SQLite ignores foreign_keys changes inside one.
    explicit BulkWrite(store::Database& db, ForeignKeys foreignKeys = ForeignKeys::Check,
                       std::int64_t cacheKiB = 64 * 1024)
        : m_db(db),
          m_previous(db.queryInt64("PRAGMA cache_size")),
          m_restoreForeignKeys(foreignKeys == ForeignKeys::SkipChecks &&
                               db.queryInt64("PRAGMA foreign_keys") != 0) {
        m_db.exec("PRAGMA cache_size = -" + std::to_string(cacheKiB));
        if (m_restoreForeignKeys) m_db.exec("PRAGMA foreign_keys = OFF");
    }
    ~BulkWrite() {
        try {
            m_db.exec("PRAGMA cache_size = " + std::to_string(m_previous));
            if (m_restoreForeignKeys) m_db.exec("PRAGMA foreign_keys = ON");
        } catch (...) {  // a destructor must not throw; the setting dies with the connection anyway
        }
    }
    BulkWrite(const BulkWrite&) = delete;
    BulkWrite& operator=(const BulkWrite&) = delete;

private:
    store::Database& m_db;
    std::int64_t m_previous;
    bool m_restoreForeignKeys;
};

}  // namespace ladder::data
