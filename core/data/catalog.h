// What the workspace holds, for lists in the CLI and the window: datasets and sources with counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/records.h"
#include "core/store/database.h"

namespace ladder::data {

struct DatasetInfo {
    std::int64_t id = 0;
    std::string name;
    std::string path;
    std::string format;
    DatasetKind kind = DatasetKind::Responses;
    std::int64_t rows = 0;
    std::int64_t skippedRows = 0;
    std::int64_t responses = 0;
    std::int64_t pairs = 0;
    std::int64_t verdicts = 0;
    std::string importedAt;
};

struct SourceInfo {
    std::int64_t id = 0;
    std::string name;
    std::int64_t answers = 0;  // answers in 'responses' datasets (those that ladders pair up)
    std::int64_t prompts = 0;  // distinct prompts among them
    std::int64_t otherResponses = 0;  // answers held by pair or verdict datasets
};

[[nodiscard]] std::vector<DatasetInfo> listDatasets(store::Database& db);
[[nodiscard]] std::vector<SourceInfo> listSources(store::Database& db);
[[nodiscard]] std::optional<std::int64_t> findSource(store::Database& db, const std::string& name);
// Removes a dataset with its answers, pairs and verdicts (ON DELETE CASCADE).
void deleteDataset(store::Database& db, std::int64_t datasetId);

}  // namespace ladder::data
