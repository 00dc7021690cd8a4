// A capability ladder: sources ranked from strongest (rank 1) down; equal ranks are ties, and tied
// sources are never paired. Several ladders per workspace, stored in ladders / ladder_rungs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.h"

namespace ladder::pairs {

struct Rung {
    std::string source;
    int rank = 1;  // 1 = strongest; equal ranks are ties
};

struct Ladder {
    std::int64_t id = 0;  // 0 until stored
    std::string name;
    std::vector<Rung> rungs;  // ordered by rank, then as given

    // "gpt4 > gpt-3.5-turbo-0301 = text_davinci_003 > text_davinci_001"
    [[nodiscard]] std::string describe() const;
    [[nodiscard]] std::optional<int> rankOf(const std::string& source) const;
    // The largest rank difference between two rungs (0 when all are tied).
    [[nodiscard]] int maxGap() const;
};

// Builds a ladder from "A > B = C > D" or from tokens {"A", "B=C", "D"} (each token one rank,
// '=' joining tied sources). Throws ladder::Error for an empty name, a repeated source, or fewer
// than two ranks (nothing to pair).
[[nodiscard]] Ladder parseLadder(const std::string& name, const std::string& spec);
[[nodiscard]] Ladder parseLadder(const std::string& name, const std::vector<std::string>& tokens);

// The difficulty of a pair whose sources are `gap` ranks apart: 0 for the largest gap (easiest),
// 1 for a gap of one (hardest), linear in between; 0 when the ladder has a single gap.
[[nodiscard]] double difficultyOf(int gap, int maxGap);

// The tier of a pair: "<chosen source>><rejected source>".
[[nodiscard]] std::string tierName(const std::string& chosenSource,
                                   const std::string& rejectedSource);

struct TierSpec {
    std::string name;  // tierName(chosenSource, rejectedSource)
    std::string chosenSource;
    std::string rejectedSource;
    int rankGap = 0;
    double difficulty = 0;
};

// Every pair of rungs of different rank, easiest first: largest gap, then the stronger chosen
// source, then the stronger rejected source.
[[nodiscard]] std::vector<TierSpec> tiersOf(const Ladder& ladder);

// Stores a ladder (replacing one of the same name, keeping its id so its pairs stay attached).
// Every source must exist in the workspace; the error lists those that do. Returns the id.
std::int64_t saveLadder(store::Database& db, const Ladder& ladder);
// Throws ladder::Error listing the stored ladders when there is none of that name.
[[nodiscard]] Ladder loadLadder(store::Database& db, const std::string& name);
[[nodiscard]] Ladder loadLadder(store::Database& db, std::int64_t id);
[[nodiscard]] std::vector<Ladder> listLadders(store::Database& db);
// Removes the ladder and the pairs built from it.
void deleteLadder(store::Database& db, const std::string& name);

}  // namespace ladder::pairs
