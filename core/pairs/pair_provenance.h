// Where a pair comes from: the ladder (or imported dataset) and, for each answer, its source, file
// and row. Assembled from the pair's responses rather than copied into every pair row, so it can
// never disagree with them and costs the pairs table nothing.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/database.h"

namespace ladder::pairs {

struct AnswerOrigin {
    std::string source;
    std::int64_t datasetId = 0;  // 0 for an answer that came from no file
    std::string dataset;
    std::string file;
    std::int64_t row = -1;  // 0-based row in the file
};

struct PairProvenance {
    std::int64_t pairId = 0;
    std::string ladder;    // the ladder that built it; empty for an imported pair
    std::string imported;  // the dataset it was imported with; empty for a ladder pair
    AnswerOrigin chosen;
    AnswerOrigin rejected;

    [[nodiscard]] nlohmann::json toJson() const;
};

// Throws ladder::Error when there is no such pair.
[[nodiscard]] PairProvenance pairProvenance(store::Database& db, std::int64_t pairId);

}  // namespace ladder::pairs
