// Schema versions of the workspace file (PRAGMA user_version) and the forward migrations between them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/store/database.h"

namespace ladder::store {

struct Migration {
    int version;                               // user_version after this migration
    std::string description;                   // logged when applied
    std::function<void(Database&)> apply;      // runs inside the migration's transaction
};

// Every migration, in order; the last one's version is the schema this build writes.
const std::vector<Migration>& migrations();
int latestSchemaVersion();

int schemaVersion(Database& db);

// Applies each migration newer than the file's version, one transaction each; returns the new version.
// A failed migration rolls back and leaves the file at the last version that succeeded.
int migrate(Database& db, const std::vector<Migration>& list = migrations());

}  // namespace ladder::store
