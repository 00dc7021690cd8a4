// The prompts an evaluation asks, each with the reference source's answer: the held-out prompts
// of a run's pairs (never trained on), or every prompt the reference answered (AlpacaEval's 805),
// cut to a fixed, evenly spread subset so that evaluations at different steps ask the same ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/pairs/training_pairs.h"
#include "core/store/database.h"

namespace ladder::eval {

struct EvalPrompt {
    std::int64_t promptId = 0;
    std::string instruction;
    std::string input;
    std::string category;
    std::string reference;  // the reference source's answer (its first one)
    std::vector<data::Message> messages;  // a conversation prompt's turns (else empty)
};

struct PromptSetOptions {
    std::string reference;  // the source whose answers the generated ones play against
    // Held-out prompts of these pairs (split is set to heldout); with no ladder and no datasets,
    // every prompt the reference answered.
    pairs::PairSelection heldoutOf;
    int limit = 0;  // an evenly spread subset of this many (by prompt id); 0: all
};

// Every prompt a source answered, with its first answer as `reference`, in prompt id order
// (answers held by pair or verdict datasets are not a source's own). Throws ladder::Error naming
// the workspace and listing the sources when there is none of that name.
[[nodiscard]] std::vector<EvalPrompt> sourceAnswers(store::Database& db, const std::string& source);

// In prompt id order. Throws ladder::Error naming the workspace when the reference source does
// not exist (listing those that do) or no prompt qualifies.
[[nodiscard]] std::vector<EvalPrompt> loadEvalPrompts(store::Database& db,
                                                      const PromptSetOptions& options);

// "held-out prompts of ladder demo" / "every prompt of text_davinci_003", for messages.
[[nodiscard]] std::string describePromptSet(const PromptSetOptions& options);

}  // namespace ladder::eval
