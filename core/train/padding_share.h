// How much of a run's batches is padding: the token slots of the tensors collate() (batch.h) makes,
// counted from the pairs' lengths without building them. A batch of B pairs has B x Tp prompt
// slots (Tp: its longest prompt) and R x Ta answer slots (R = 2B with rejected answers, B
// without; Ta: its longest answer, chosen and rejected alike); what real tokens do not fill is
// padding. The prompt counts once per pair, as prefix sharing runs it (Batch::realTokens counts it
// for each answer).
//
// Part of the padding no batching removes: a pair's chosen and rejected rows share the batch's
// answer width, so the shorter answer pads at least to the longer one (`withinPairs`); on the
// AlpacaEval ladder (GPT-4 against text-davinci-001) that alone is about a fifth of the slots. Only
// rows without padding (packed sequences) go below it.
#pragma once

#include <cstdint>
#include <vector>

namespace ladder::train {

struct TokenizedPair;

struct PaddingCount {
    std::int64_t realTokens = 0;
    std::int64_t paddedTokens = 0;  // all padding; the two below are parts of it
    std::int64_t promptPadded = 0;  // prompt slots
    std::int64_t withinPairs = 0;   // a pair's shorter answer up to its longer one

    [[nodiscard]] std::int64_t slots() const { return realTokens + paddedTokens; }
    // paddedTokens / slots, 0 for no slots.
    [[nodiscard]] double share() const;
    PaddingCount& operator+=(const PaddingCount& other);
};

// One batch, as collate(batch, withRejected, ...) pads it, or packed (ForwardOptions::packedPairs:
// a row per pair holding the prompt and its answers, right-padded to the longest row; no prompt
// or within-pair padding).
[[nodiscard]] PaddingCount batchPadding(const std::vector<const TokenizedPair*>& batch,
                                        bool withRejected, bool packed = false);

// A sequence of batches, each a list of indices into `pairs` (what the samplers return when given
// indices). Throws ladder::Error for an index outside `pairs`.
[[nodiscard]] PaddingCount batchesPadding(const std::vector<TokenizedPair>& pairs,
                                          const std::vector<std::vector<std::int64_t>>& batches,
                                          bool withRejected, bool packed = false);

// What a LengthGroupedSampler sorts a pair by: its longer answer's tokens, then its prompt's (each
// pair has two answer rows and one prompt row; on AlpacaEval this order leaves a quarter less
// padding than sorting by prompt + longer answer); packed, its row's length (prompt + answers).
[[nodiscard]] std::int64_t lengthGroupingKey(const TokenizedPair& pair, bool packed = false);

}  // namespace ladder::train
