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
    // Lengths of the `answers` in characters (Unicode code points, as pairs count them); 0 when
    // it has none, or until addAnswerLengths filled them. The median of an even count is the mean
    // of the middle two.
    double medianChars = 0;
    std::int64_t shortestChars = 0;
    std::int64_t longestChars = 0;
};

[[nodiscard]] std::vector<DatasetInfo> listDatasets(store::Database& db);
// The sources with their answer and prompt counts, by name; their lengths are left 0.
[[nodiscard]] std::vector<SourceInfo> listSources(store::Database& db);
// Fills the sources' answer lengths. It reads every pairable answer's text: seconds on a workspace
// of millions of answers, so the window asks for it on a worker thread.
void addAnswerLengths(store::Database& db, std::vector<SourceInfo>& sources);
[[nodiscard]] std::optional<std::int64_t> findSource(store::Database& db, const std::string& name);
// Removes a dataset with its answers, pairs and verdicts (ON DELETE CASCADE).
void deleteDataset(store::Database& db, std::int64_t datasetId);

}  // namespace ladder::data
