// Importing a file into the workspace: one transaction per file, idempotent by content hash.
// Answers of different files meet on their prompt's match key (see prompt_key.h), never on rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data/importer.h"
#include "core/data/importer_registry.h"
#include "core/store/database.h"

namespace ladder::data {

// The bad rows a report lists; beyond this only the count is kept.
inline constexpr std::size_t kListedBadRows = 100;

struct ImportResult {
    std::int64_t datasetId = 0;
    std::string datasetName;
    std::string file;
    std::string format;
    std::string importerOrigin;  // "built-in", "plugin" or "generated"
    DatasetKind kind = DatasetKind::Responses;
    bool alreadyImported = false;  // the same content was imported before: nothing was written

    std::int64_t rows = 0;         // rows read and kept
    std::int64_t skippedRows = 0;  // bad rows left out (BadRowPolicy::Skip)
    std::vector<BadRow> badRows;   // the first kListedBadRows of them

    std::int64_t responses = 0;         // answers written
    std::int64_t duplicateAnswers = 0;  // rows whose (prompt, source, text) an earlier row had
    std::int64_t pairs = 0;
    std::int64_t verdicts = 0;
    std::int64_t newPrompts = 0;
    std::int64_t matchedPrompts = 0;  // distinct prompts that earlier imports already had
    std::map<std::string, std::int64_t> answersBySource;
    double seconds = 0;
};

// Imports one file. Throws ladder::Error naming the file (and row, line and field for a bad row
// under BadRowPolicy::Abort); then nothing of the file is in the workspace. The rows are committed
// in chunks (other writers, a training run's metrics, get their turn), under a dataset that stays
// 'importing' until the last one: readers that build pairs leave it out, and an import whose
// process was killed is rolled back when the file is imported again. A file imported before is
// skipped; one being imported by another process at the same time is refused (say so).
ImportResult importFile(store::Database& db, const std::filesystem::path& file,
                        const ImportOptions& options = {},
                        const ImporterRegistry& registry = ImporterRegistry::instance());

// Imports rows made by a program (the demo) as a dataset. contentKey plays the content hash's part:
// the same key imports once.
struct GeneratedDataset {
    std::string name;
    std::string format;      // "demo"
    std::string contentKey;  // e.g. a hash of the generator's options
    DatasetKind kind = DatasetKind::Responses;
    std::string description;  // stored as the dataset's path, for people reading the list
};
ImportResult importGenerated(store::Database& db, const GeneratedDataset& dataset,
                             const ImportOptions& options,
                             const std::function<void(ImportSink&)>& produce);

// Removes an unfinished ('importing') dataset and everything it wrote, in chunks: its answers,
// pairs and verdicts, and the prompts and sources nothing else uses. Nothing for a complete one.
void rollbackImport(store::Database& db, std::int64_t datasetId);

// A few lines for the CLI: counts, matches, sources, the bad rows.
[[nodiscard]] std::string renderImportResult(const ImportResult& result);

}  // namespace ladder::data
