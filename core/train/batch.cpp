#include "core/train/batch.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"

namespace ladder::train {
TokenizedPair tokenizePair(const pairs::TrainingPair& pair, const format::TextFormat& textFormat,
                           const LengthCaps& caps) {
    TokenizedPair t;
    t.pairId = pair.pairId;
    t.tier = pair.tier;
    t.flipped = pair.flipped;
    format::PairTokens tokens;
    try {
        tokens = textFormat.pairTokens({pair.instruction, pair.input, pair.messages}, pair.chosen,
                                       pair.rejected);
    } catch (const Error& e) {
        throw Error("pair " + std::to_string(pair.pairId) + " (" + textFormat.name() +
                    "): " + e.what() + "; leave this pair out or train with another template "
                    "(the run config's `template`: chatml, alpaca or raw)");
    }
    t.prompt.assign(tokens.prompt.begin(), tokens.prompt.end());
    t.chosen.assign(tokens.chosen.begin(), tokens.chosen.end());
    t.rejected.assign(tokens.rejected.begin(), tokens.rejected.end());
    if (t.prompt.empty()) {
        throw Error("pair " + std::to_string(pair.pairId) + " has an empty prompt with " +
                    textFormat.name() + ": check its instruction");
    }
    if (t.chosen.empty() || t.rejected.empty()) {
        throw Error("pair " + std::to_string(pair.pairId) + " has an answer without tokens with " +
                    textFormat.name() + ": check its chosen and rejected texts");
    }

    const std::size_t maxLength = static_cast<std::size_t>(caps.maxLength);
    const std::size_t longest = std::max(t.chosen.size(), t.rejected.size());
    if (t.prompt.size() + longest > maxLength) {
        // Keep the end of the prompt (where the instruction meets the answer), then cut answers.
        const std::size_t keepPrompt =
            std::min(t.prompt.size(), static_cast<std::size_t>(caps.maxPromptLength));
        if (keepPrompt < t.prompt.size()) {
            t.prompt.erase(t.prompt.begin(), t.prompt.end() - static_cast<std::ptrdiff_t>(keepPrompt));
            t.promptTruncated = true;
        }
        const std::size_t answerRoom = maxLength - t.prompt.size();
        for (auto* answer : {&t.chosen, &t.rejected}) {
            if (answer->size() > answerRoom) {
                answer->resize(answerRoom);
                t.answerTruncated = true;
            }
        }
    }
    return t;
}

std::string TruncationReport::text() const {
    if (promptsCut == 0 && answersCut == 0) {
        return "no pair was truncated (" + std::to_string(pairs) + " pairs)";
    }
    return std::to_string(promptsCut) + " of " + std::to_string(pairs) +
           " pairs had their prompt cut at the start and " + std::to_string(answersCut) +
           " an answer cut at the end by the length caps (raise max_length to keep more)";
}

TruncationReport truncationReport(const std::vector<TokenizedPair>& pairs) {
    TruncationReport r;
    r.pairs = static_cast<std::int64_t>(pairs.size());
    for (const auto& p : pairs) {
        r.promptsCut += p.promptTruncated ? 1 : 0;
        r.answersCut += p.answerTruncated ? 1 : 0;
    }
    return r;
}

Batch collate(const std::vector<const TokenizedPair*>& pairs, bool withRejected,
              std::int64_t padId, torch::Device device) {
    if (pairs.empty()) throw Error("cannot build a batch of no pairs");
    const auto b = static_cast<std::int64_t>(pairs.size());
    const std::int64_t rows = withRejected ? 2 * b : b;
    std::int64_t tp = 0, ta = 0;
    for (const auto* p : pairs) {
        tp = std::max<std::int64_t>(tp, static_cast<std::int64_t>(p->prompt.size()));
        ta = std::max<std::int64_t>(ta, static_cast<std::int64_t>(p->chosen.size()));
        if (withRejected) ta = std::max<std::int64_t>(ta, static_cast<std::int64_t>(p->rejected.size()));
    }
    const std::int64_t pad = padId >= 0 ? padId : 0;  // masked, so any id in the vocabulary works
    auto promptIds = torch::full({b, tp}, pad, torch::kLong);
    auto promptMask = torch::zeros({b, tp}, torch::kBool);
    auto answerIdsT = torch::full({rows, ta}, pad, torch::kLong);
    auto answerMask = torch::zeros({rows, ta}, torch::kBool);
    auto answerTokens = torch::zeros({rows}, torch::kFloat);
    auto pIds = promptIds.accessor<std::int64_t, 2>();
    auto pMask = promptMask.accessor<bool, 2>();
    auto aIds = answerIdsT.accessor<std::int64_t, 2>();
    auto aMask = answerMask.accessor<bool, 2>();
    auto aTok = answerTokens.accessor<float, 1>();

    Batch batch;
    batch.pairs = b;
    for (std::int64_t i = 0; i < b; ++i) {
        const TokenizedPair& p = *pairs[static_cast<std::size_t>(i)];
        batch.pairIds.push_back(p.pairId);
        batch.tiers.push_back(p.tier);
        const auto np = static_cast<std::int64_t>(p.prompt.size());
        batch.padded = batch.padded || np != tp;
        for (std::int64_t j = 0; j < np; ++j) {
            pIds[i][tp - np + j] = p.prompt[static_cast<std::size_t>(j)];
            pMask[i][tp - np + j] = true;
        }
        auto fill = [&](std::int64_t row, const std::vector<std::int64_t>& answer) {
            const auto na = static_cast<std::int64_t>(answer.size());
            for (std::int64_t j = 0; j < na; ++j) {
                aIds[row][j] = answer[static_cast<std::size_t>(j)];
                aMask[row][j] = true;
            }
            aTok[row] = static_cast<float>(na);
            batch.padded = batch.padded || na != ta;
            batch.realTokens += np + na;
        };
        fill(i, p.chosen);
        if (withRejected) fill(b + i, p.rejected);
    }
    batch.promptIds = promptIds.to(device);
    batch.promptMask = promptMask.to(device);
    batch.answerIds = answerIdsT.to(device);
    batch.answerMask = answerMask.to(device);
    batch.answerTokens = answerTokens.to(device);
    return batch;
}

}  // namespace ladder::train
