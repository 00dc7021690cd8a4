#include "core/train/sequence_logps.h"

#include <algorithm>

#include <torch/torch.h>


#include "core/model/causal_lm.h"
#include "core/model/autocast.h"
#include "core/model/recompute.h"
#include "core/train/batch.h"

namespace ladder::train {
namespace {

// Dimension letters: B pairs, R answer rows (B or 2B), Tp prompt length, Ta answer length,
// C hidden width, V vocabulary.

// Log-probs are taken in float32 from bfloat16/float16 logits, in the logits' own type otherwise.
torch::Dtype logpType(torch::Dtype type) {
    return type == torch::kBFloat16 || type == torch::kHalf ? torch::kFloat : type;
}
torch::Tensor forLogps(const torch::Tensor& logits) {
    return logits.to(logpType(logits.scalar_type()));
}

// log p of each answer token from the hidden states that predict it: (R, Ta, C) -> (R).
torch::Tensor sumTokenLogps(model::CausalLMImpl& model, const torch::Tensor& predicting,
                            const Batch& batch) {
    auto logits = forLogps(model.logits(predicting));                           // (R, Ta, V)
    // log_softmax then gather, as log p(y) = logit_y - logsumexp(logits).
    auto picked = logits.gather(2, batch.answerIds.unsqueeze(2)).squeeze(2);   // (R, Ta)
    auto logps = picked - logits.logsumexp(2);                                 // (R, Ta)
    return (logps * batch.answerMask.to(logps.scalar_type())).sum(1);          // (R)
}

// The same sums without (R, Ta, V) logits: only the N real answer positions go through the LM
// head, `chunk` tokens at a time, and each chunk's logits are made again in the backward pass
// (model::recomputed) instead of being kept: (chunk, V) at a time, forward and backward.
torch::Tensor sumTokenLogpsChunked(model::CausalLMImpl& model, const torch::Tensor& predicting,
                                   const Batch& batch, std::int64_t chunk) {
    const auto r = predicting.size(0), ta = predicting.size(1), c = predicting.size(2);
    const auto real = batch.answerMask.reshape({r * ta}).nonzero().squeeze(1);   // (N)
    const auto hidden = predicting.reshape({r * ta, c}).index_select(0, real);    // (N, C)
    const auto targets = batch.answerIds.reshape({r * ta}).index_select(0, real); // (N)
    const auto n = real.size(0);
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < n; start += chunk) {
        const auto length = std::min(chunk, n - start);
        const auto wanted = targets.narrow(0, start, length).unsqueeze(1);       // (n, 1)
        parts.push_back(model::recomputed(
            [&model, wanted](const torch::Tensor& h) {
                const auto logits = forLogps(model.logits(h));                   // (n, V)
                return logits.gather(1, wanted).squeeze(1) - logits.logsumexp(1);  // (n)
            },
            hidden.narrow(0, start, length), /*preserveRng=*/false));
    }
    const auto rowOf = real.div(ta, "floor");                                     // (N)
    auto sums = torch::zeros({r}, predicting.options().dtype(logpType(predicting.scalar_type())));
    if (parts.empty()) return sums;
    return sums.index_add(0, rowOf, torch::cat(parts));                           // (R)
}

// Packed pairs: one row per pair, the prompt once and then each of its answers, an answer's
// positions continuing from the prompt's end; an answer's tokens attend to the prompt and to their
// own answer's earlier tokens, never to the other answer (a tree of two branches in one row).
// Rows are right-padded to the longest pair: no prompt padding and no padding of a pair's shorter
// answer to its longer one. Returns the hidden states that predict each answer token, (R, Ta, C)
// (zeros' row where the answer mask is false).
torch::Tensor packedPredicting(model::CausalLMImpl& model, const Batch& batch,
                               std::int64_t ropeLength) {
    const std::int64_t b = batch.pairs;
    const std::int64_t r = batch.answerIds.size(0), ta = batch.answerIds.size(1);
    const std::int64_t tp = batch.promptIds.size(1);
    const std::int64_t perPair = r / b;
    const auto promptIds = batch.promptIds.to(torch::kCPU).contiguous();
    const auto promptMask = batch.promptMask.to(torch::kCPU, torch::kBool).contiguous();
    const auto answerIds = batch.answerIds.to(torch::kCPU).contiguous();
    const auto answerMask = batch.answerMask.to(torch::kCPU, torch::kBool).contiguous();
    const auto promptLen = promptMask.sum(1);  // (B)
    const auto answerLen = answerMask.sum(1);  // (R)
    const auto pl = promptLen.accessor<std::int64_t, 1>();
    const auto al = answerLen.accessor<std::int64_t, 1>();
    std::int64_t t = 0;
    for (std::int64_t i = 0; i < b; ++i) {
        std::int64_t length = pl[i];
        for (std::int64_t k = 0; k < perPair; ++k) length += al[i + k * b];
        t = std::max(t, length);
    }
    const auto longs = torch::TensorOptions().dtype(torch::kLong);
    auto ids = torch::zeros({b, t}, longs);
    auto positions = torch::zeros({b, t}, longs);
    auto segment = torch::full({b, t}, -1, longs);  // -1 padding, 0 prompt, k + 1 answer k
    auto gather = torch::zeros({r, ta}, longs);     // index into the (B * T) hidden states
    const auto pIds = promptIds.accessor<std::int64_t, 2>();
    const auto aIds = answerIds.accessor<std::int64_t, 2>();
    auto id = ids.accessor<std::int64_t, 2>();
    auto pos = positions.accessor<std::int64_t, 2>();
    auto seg = segment.accessor<std::int64_t, 2>();
    auto at = gather.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < b; ++i) {
        for (std::int64_t j = 0; j < pl[i]; ++j) {  // left-padded: its last pl tokens
            id[i][j] = pIds[i][tp - pl[i] + j];
            pos[i][j] = j;
            seg[i][j] = 0;
        }
        std::int64_t cursor = pl[i];
        for (std::int64_t k = 0; k < perPair; ++k) {
            const std::int64_t row = i + k * b;
            for (std::int64_t j = 0; j < al[row]; ++j) {  // right-padded: its first al tokens
                id[i][cursor + j] = aIds[row][j];
                pos[i][cursor + j] = pl[i] + j;
                seg[i][cursor + j] = k + 1;
                // The prompt's last token predicts the first answer token; each answer token
                // the next.
                at[row][j] = i * t + (j == 0 ? pl[i] - 1 : cursor + j - 1);
            }
            cursor += al[row];
        }
    }
    const auto device = batch.promptIds.device();
    segment = segment.to(device);
    const auto index = torch::arange(t, longs.device(device));
    const auto causal = index.unsqueeze(0) <= index.unsqueeze(1);              // (T, T): k <= q
    const auto segQ = segment.unsqueeze(2), segK = segment.unsqueeze(1);        // (B, T, 1), (B, 1, T)
    const auto visible = causal.unsqueeze(0) & segK.ge(0) & (segK.eq(0) | segK.eq(segQ));
    const auto self = torch::eye(t, torch::TensorOptions().dtype(torch::kBool).device(device));
    model::ForwardInput input;
    input.inputIds = ids.to(device);
    input.positionIds = positions.to(device);
    input.attentionMask = (visible | self.unsqueeze(0)).unsqueeze(1);            // (B, 1, T, T)
    input.ropeLength = ropeLength;
    const auto hidden = model.hidden(input);                                    // (B, T, C)
    const auto c = hidden.size(2);
    return hidden.reshape({b * t, c}).index_select(0, gather.reshape({r * ta}).to(device))
        .reshape({r, ta, c});                                                   // (R, Ta, C)
}

// Dynamic and longrope RoPE depend on the text's length: every layout, and the prompt pass of
// prefix sharing, uses the batch's longest prompt + answer, what transformers sees when it runs
// the whole texts; 0 (the forward's own positions) for the other kinds of RoPE.
std::int64_t textLength(const model::CausalLMImpl& model, const Batch& batch,
                        const torch::Tensor& rows) {
    const std::string& type = model.config().ropeScaling.type;
    if (type != "dynamic" && type != "longrope") return 0;
    if (!batch.padded) return batch.promptIds.size(1) + batch.answerIds.size(1);
    const auto lengths = batch.promptMask.sum(1).index_select(0, rows) + batch.answerMask.sum(1);
    return lengths.max().item<std::int64_t>();
}

}  // namespace

AnswerLogps answerLogps(model::CausalLMImpl& model, const Batch& batch,
                        const ForwardOptions& options) {
    const model::AutocastGuard autocast(batch.promptIds.device(), options.bf16Autocast);
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

    const std::int64_t ropeLength = textLength(model, batch, rows);
    torch::Tensor predicting;  // (R, Ta, C): the hidden state before each answer token
    if (options.packedPairs) {
        predicting = packedPredicting(model, batch, ropeLength);
    } else if (options.prefixSharing) {
        model::KvCache cache;
        model::ForwardInput prompt;
        prompt.inputIds = batch.promptIds;                                         // (B, Tp)
        prompt.cache = &cache;
        prompt.ropeLength = ropeLength;
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
            answers.ropeLength = ropeLength;
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
        whole.ropeLength = ropeLength;
        if (padded) {
            auto keys = torch::cat({batch.promptMask.index_select(0, rows), answerInMask}, 1);
            whole.keyPaddingMask = keys;                                           // (R, Tp+Ta-1)
            whole.positionIds = model::positionIdsFromMask(keys, tp + ta - 1);
        }
        auto hidden = model.hidden(whole);                                         // (R, Tp+Ta-1, C)
        predicting = hidden.narrow(1, tp - 1, ta);                                 // (R, Ta, C)
    }
    if (options.headChunkTokens > 0) {
        return {sumTokenLogpsChunked(model, predicting, batch, options.headChunkTokens),
                batch.answerTokens};
    }
    return {sumTokenLogps(model, predicting, batch), batch.answerTokens};
}

}  // namespace ladder::train
