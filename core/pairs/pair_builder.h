// Builds preference pairs from a ladder: for every prompt and every two of the ladder's sources of
// different rank that both answered it, the higher-ranked source's answer is chosen. Answers meet
// on their prompt (match key), never on row positions. Pairs are upserted by (ladder, chosen,
// rejected), so a rebuild keeps the ids and the annotations of the pairs it produces again.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/pairs/preflight_report.h"
#include "core/store/database.h"

namespace ladder::pairs {

struct PairBuildOptions {
    std::vector<std::string> tiers;  // tiers to build ("A>B"); empty = all
    bool skipEmpty = true;           // drop pairs where an answer is empty (after normalising)
    bool skipIdentical = true;       // drop pairs whose two answers are the same text
    bool dedupe =
        true;  // one pair per prompt and (chosen, rejected) text; the easiest tier keeps it
    // Length cap on prompt + answer, in code points (0 = none); a pair over it counts as truncated.
    std::size_t maxChars = 0;
    // The same in tokens, when a tokenizer is at hand (0 or no counter = none). With a counter,
    // the report also gives each tier's lengths in tokens (prompt + answer).
    std::size_t maxTokens = 0;
    std::function<std::size_t(std::string_view)> countTokens;
    std::string tokenizerName;  // for the report, e.g. the model folder's name
    bool dropOverLength = false;    // drop pairs over the cap instead of keeping them marked
    double heldoutFraction = 0.05;  // share of prompts (by match-key hash) held out for evaluation
};

class PairBuilder {
public:
    PairBuilder(store::Database& db, std::string ladderName, PairBuildOptions options = {});

    // Computes the report without writing anything.
    [[nodiscard]] PreflightReport preflight();
    // Writes the pairs in one transaction (upsert; pairs no longer produced are removed) and
    // returns the same report with what was written.
    PreflightReport build();

private:
    PreflightReport run(bool write);

    store::Database& m_db;
    std::string m_ladderName;
    PairBuildOptions m_options;
};

}  // namespace ladder::pairs
