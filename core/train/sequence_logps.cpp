#include "core/train/sequence_logps.h"

#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "core/train/autocast.h"
#include "core/train/batch.h"

namespace ladder::train {
namespace {

// Dimension letters: B pairs, R answer rows (B or 2B), Tp prompt length, Ta answer length,
// C hidden width, V vocabulary.

// log p of each answer token from the hidden states that predict it: (R, Ta, C) -> (R).
torch::Tensor sumTokenLogps(model::CausalLMImpl& model, const torch::Tensor& predicting,
                            const Batch& batch) {
    auto logits = model.logits(predicting).to(torch::kFloat);                   // (R, Ta, V)
    // log_softmax then gather, as log p(y) = logit_y - logsumexp(logits); float32 throughout.
    auto picked = logits.gather(2, batch.answerIds.unsqueeze(2)).squeeze(2);   // (R, Ta)
    auto logps = picked - logits.logsumexp(2);                                 // (R, Ta)
    return (logps * batch.answerMask.to(logps.scalar_type())).sum(1);          // (R)
}

}  // namespace

AnswerLogps answerLogps(model::CausalLMImpl& model, const Batch& batch,
                        const ForwardOptions& options) {
    const AutocastGuard autocast(batch.promptIds.device(), options.bf16Autocast);
    const std::int64_t b = batch.pairs;
    const std::int64_t r = batch.answerIds.size(0);
    const std::int64_t ta = batch.answerIds.size(1);
    const std::int64_t tp = batch.promptIds.size(1);
    const auto device = batch.promptIds.device();
    // Row i of the answers belongs to pair i % B (chosen rows, then rejected rows).
    const auto rows = torch::arange(b, torch::TensorOptions().dtype(torch::kLong).device(device))
                          .repeat({r / b});                                       // (R)
    const bool padded = batch.padded;
    // The last answer token predicts nothing we score, so it is not fed in.
    auto answerIn = batch.answerIds.narrow(1, 0, ta - 1);                         // (R, Ta-1)
    auto answerInMask = batch.answerMask.narrow(1, 0, ta - 1);                     // (R, Ta-1)

    torch::Tensor predicting;  // (R, Ta, C): the hidden state before each answer token
    if (options.prefixSharing) {
        model::KvCache cache;
        model::ForwardInput prompt;
        prompt.inputIds = batch.promptIds;                                         // (B, Tp)
        prompt.cache = &cache;
        if (padded) {
            prompt.keyPaddingMask = batch.promptMask;
            prompt.positionIds = model::positionIdsFromMask(batch.promptMask, tp);
        }
        auto promptHidden = model.hidden(prompt);                                  // (B, Tp, C)
        auto lastPrompt = promptHidden.narrow(1, tp - 1, 1).index_select(0, rows); // (R, 1, C)
        if (ta > 1) {
            model::KvCache shared = cache.indexSelect(rows);                      // R rows of K/V
            model::ForwardInput answers;
            answers.inputIds = answerIn;                                           // (R, Ta-1)
            answers.cache = &shared;
            if (padded) {
                auto keys = torch::cat({batch.promptMask.index_select(0, rows), answerInMask}, 1);
                answers.keyPaddingMask = keys;                                     // (R, Tp+Ta-1)
                answers.positionIds = model::positionIdsFromMask(keys, ta - 1);
            }
            predicting = torch::cat({lastPrompt, model.hidden(answers)}, 1);       // (R, Ta, C)
        } else {
            predicting = lastPrompt;
        }
    } else {
        model::ForwardInput whole;
        whole.inputIds = torch::cat({batch.promptIds.index_select(0, rows), answerIn}, 1);
        if (padded) {
            auto keys = torch::cat({batch.promptMask.index_select(0, rows), answerInMask}, 1);
            whole.keyPaddingMask = keys;                                           // (R, Tp+Ta-1)
            whole.positionIds = model::positionIdsFromMask(keys, tp + ta - 1);
        }
        auto hidden = model.hidden(whole);                                         // (R, Tp+Ta-1, C)
        predicting = hidden.narrow(1, tp - 1, ta);                                 // (R, Ta, C)
    }
    return {sumTokenLogps(model, predicting, batch), batch.answerTokens};
}

}  // namespace ladder::train
