// Helpers of the data tests: a fresh workspace in a temp folder and counts read back from it.
#pragma once

#include <cstdint>
#include <string>

#include "core/data/dataset_import.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::test {

// A workspace file in its own temp folder; fixtures written next to it.
struct WorkspaceFixture {
    TempDir dir;
    store::Workspace ws = store::Workspace::create(dir / "test.ladder");

    store::Database& db() { return ws.db(); }
    std::int64_t count(const std::string& sql) { return ws.db().queryInt64(sql); }
    std::string text(const std::string& sql) { return ws.db().queryText(sql).value_or(""); }
    // Writes a fixture file next to the workspace and imports it.
    data::ImportResult importText(const std::string& name, const std::string& content,
                                  const data::ImportOptions& options = {}) {
        writeFile(dir / name, content);
        return data::importFile(ws.db(), dir / name, options);
    }
};

}  // namespace ladder::test
