// Summed log-probabilities of each answer given its prompt: the one quantity every preference loss
// needs. Packed, a pair is one row (prompt, chosen, rejected; each answer sees the prompt and
// itself); with prefix sharing the prompt of a pair goes through the model once and both answers
// attend to its keys and values; without either, each row is prompt + answer. Same numbers in
// every layout.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace ladder::model {
class CausalLMImpl;
}

namespace ladder::train {

struct Batch;

// How a forward pass runs, chosen once per run and passed down.
struct ForwardOptions {
    // One row per pair: the prompt once, then the chosen and the rejected answer, each attending
    // to the prompt and itself (no padding inside a pair, no KvCache: works with gradient
    // checkpointing). Wins over prefixSharing.
    bool packedPairs = false;
    bool prefixSharing = true;  // one prompt forward for a pair's chosen and rejected answers
    bool bf16Autocast = false;  // bfloat16 autocast (CUDA only; ignored on the CPU)
    // 0: the LM head over every answer position at once, (R, Ta, V) logits kept for the backward
    // pass; N: over the real answer tokens only, N at a time, recomputed in the backward pass.
    std::int64_t headChunkTokens = 0;
};

// The chunk a run's `logits_head` gives: train::headChunkTokens (memory_estimate.h).

struct AnswerLogps {
    torch::Tensor logps;   // (R) sum over each answer's real tokens of log p(token | before)
    torch::Tensor tokens;  // (R) float, the answer lengths
};

// Runs under whatever grad mode the caller set (a NoGradGuard for reference and eval passes).
[[nodiscard]] AnswerLogps answerLogps(model::CausalLMImpl& model, const Batch& batch,
                                      const ForwardOptions& options);

}  // namespace ladder::train
