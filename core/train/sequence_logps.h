// Summed log-probabilities of each answer given its prompt: the one quantity every preference loss
// needs. With prefix sharing the prompt of a pair goes through the model once and both answers
// attend to its keys and values; without, each row is prompt + answer. Same numbers either way.
#pragma once

#include <torch/types.h>

namespace ladder::model {
class CausalLMImpl;
}

namespace ladder::train {

struct Batch;

// How a forward pass runs, chosen once per run and passed down.
struct ForwardOptions {
    bool prefixSharing = true;  // one prompt forward for a pair's chosen and rejected answers
    bool bf16Autocast = false;  // bfloat16 autocast (CUDA only; ignored on the CPU)
};

struct AnswerLogps {
    torch::Tensor logps;   // (R) sum over each answer's real tokens of log p(token | before)
    torch::Tensor tokens;  // (R) float, the answer lengths
};

// Runs under whatever grad mode the caller set (a NoGradGuard for reference and eval passes).
[[nodiscard]] AnswerLogps answerLogps(model::CausalLMImpl& model, const Batch& batch,
                                      const ForwardOptions& options);

}  // namespace ladder::train
