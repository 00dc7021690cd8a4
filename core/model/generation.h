// Text generation from a CausalLM: greedy or sampled (temperature, top-p), batched over prompts of
// different lengths (left-padded inside), with a KV cache, stopping at EOS, stop ids, stop token
// sequences or a caller's test (for stop strings, which need the tokenizer to decode).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/model/causal_lm.h"

namespace ladder::model {

enum class StopReason {
    Eos,           // a stop id (EOS) came; it is not part of the tokens
    StopSequence,  // a stop sequence came; it is cut from the tokens
    StopWhen,      // the caller's stopWhen said so
    MaxTokens,     // maxNewTokens were generated
};

[[nodiscard]] const char* toString(StopReason reason);

struct GenerationOptions {
    std::int64_t maxNewTokens = 256;
    double temperature = 0.0;  // 0: greedy (argmax); > 0: sample from softmax(logits / T)
    double topP = 1.0;         // sample from the smallest set of tokens whose mass reaches topP
    std::int64_t topK = 0;     // and only from the topK most likely tokens (0: no such limit)
    std::uint64_t seed = 0;    // sampling draws rows in order from one generator seeded here
    // Ids that end an answer; empty: the model config's EOS ids.
    std::vector<std::int64_t> stopIds;
    // Token sequences that end an answer (a stop string tokenized in context may vary: prefer
    // stopWhen with the tokenizer for strings).
    std::vector<std::vector<std::int64_t>> stopSequences;
    // Called after each new token of a row with the row's tokens so far; true ends the row.
    std::function<bool(std::size_t row, const std::vector<std::int64_t>& tokens)> stopWhen;
    bool useCache = true;  // false: recompute the whole sequence every step (for tests)
};

struct Generation {
    std::vector<std::int64_t> tokens;  // the new tokens, without the prompt and the stop id
    StopReason reason = StopReason::MaxTokens;
};

// One Generation per prompt (each non-empty, ids within the vocabulary). Runs without autograd,
// on the model's device.
[[nodiscard]] std::vector<Generation> generate(
    CausalLMImpl& model, const std::vector<std::vector<std::int64_t>>& prompts,
    const GenerationOptions& options);

}  // namespace ladder::model
