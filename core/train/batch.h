// From preference pairs to tensors: each pair tokenised once (format::TextFormat: the model's chat
// template or a built-in format, as TRL tokenizes; lengths capped with every cut counted), then
// batches in the layout the log-prob computation wants: prompts left-padded, answers right-padded,
// chosen rows first, then rejected rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/train/length_caps.h"

namespace ladder::tokenizer {
class Tokenizer;
}
namespace ladder::format {
class TextFormat;
}
namespace ladder::pairs {
struct TrainingPair;
}

namespace ladder::train {

struct TokenizedPair {
    std::int64_t pairId = 0;
    std::string tier;
    bool flipped = false;               // chosen/rejected were swapped by an annotation
    std::vector<std::int64_t> prompt;   // the rendered prompt (generation prompt included)
    std::vector<std::int64_t> chosen;   // the answer's tokens through the end of its turn / EOS
    std::vector<std::int64_t> rejected;
    bool promptTruncated = false;       // the prompt's start was cut (its end is kept)
    bool answerTruncated = false;       // an answer's end was cut
};

// Throws ladder::Error naming the pair when its prompt or an answer has no tokens, or when the
// chat template refuses it.
[[nodiscard]] TokenizedPair tokenizePair(const pairs::TrainingPair& pair,
                                         const format::TextFormat& textFormat,
                                         const LengthCaps& caps);

// How many pairs a length cap cut, for the run's report (never silent).
struct TruncationReport {
    std::int64_t pairs = 0;
    std::int64_t promptsCut = 0;
    std::int64_t answersCut = 0;
    [[nodiscard]] std::string text() const;
};
[[nodiscard]] TruncationReport truncationReport(const std::vector<TokenizedPair>& pairs);

struct Batch {
    torch::Tensor promptIds;     // (B, Tp) int64, left-padded
    torch::Tensor promptMask;    // (B, Tp) bool, true = real token
    torch::Tensor answerIds;     // (R, Ta) int64, right-padded; R = B (chosen only) or 2B
    torch::Tensor answerMask;    // (R, Ta) bool
    torch::Tensor answerTokens;  // (R) float: real answer tokens per row
    std::int64_t pairs = 0;      // B
    std::vector<std::int64_t> pairIds;
    std::vector<std::string> tiers;
    bool padded = false;          // some row has padding (else masks can be left out)
    std::int64_t realTokens = 0;  // prompt + answer tokens, padding excluded (chosen and rejected
                                  // each count the prompt once: the concatenated-sequence count)

    [[nodiscard]] bool hasRejected() const { return answerIds.size(0) == 2 * pairs; }
};

// Stacks pairs into a batch on `device`. withRejected false: chosen rows only (SFT).
[[nodiscard]] Batch collate(const std::vector<const TokenizedPair*>& pairs, bool withRejected,
                            std::int64_t padId, torch::Device device);

}  // namespace ladder::train
