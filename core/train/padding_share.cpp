#include "core/train/padding_share.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/common/error.h"
#include "core/train/batch.h"

namespace ladder::train {

double PaddingCount::share() const {
    return slots() == 0 ? 0.0 : static_cast<double>(paddedTokens) / static_cast<double>(slots());
}

PaddingCount& PaddingCount::operator+=(const PaddingCount& other) {
    realTokens += other.realTokens;
    paddedTokens += other.paddedTokens;
    promptPadded += other.promptPadded;
    withinPairs += other.withinPairs;
    return *this;
}

PaddingCount batchPadding(const std::vector<const TokenizedPair*>& batch, bool withRejected,
                          bool packed) {
    if (packed) {
        // One row per pair (prompt, then its answers), right-padded to the longest row.
        std::int64_t longest = 0, real = 0;
        for (const TokenizedPair* p : batch) {
            const auto row = static_cast<std::int64_t>(
                p->prompt.size() + p->chosen.size() + (withRejected ? p->rejected.size() : 0));
            longest = std::max(longest, row);
            real += row;
        }
        PaddingCount count;
        count.realTokens = real;
        count.paddedTokens = static_cast<std::int64_t>(batch.size()) * longest - real;
        return count;
    }
    std::int64_t tp = 0, ta = 0, prompts = 0, answers = 0, gaps = 0;
    for (const TokenizedPair* p : batch) {
        const auto np = static_cast<std::int64_t>(p->prompt.size());
        const auto nc = static_cast<std::int64_t>(p->chosen.size());
        const auto nr = withRejected ? static_cast<std::int64_t>(p->rejected.size()) : nc;
        tp = std::max(tp, np);
        ta = std::max({ta, nc, nr});
        prompts += np;
        answers += withRejected ? nc + nr : nc;
        gaps += std::abs(nc - nr);
    }
    const auto b = static_cast<std::int64_t>(batch.size());
    const std::int64_t rows = withRejected ? 2 * b : b;
    PaddingCount count;
    count.realTokens = prompts + answers;
    count.paddedTokens = b * tp + rows * ta - count.realTokens;
    count.promptPadded = b * tp - prompts;
    count.withinPairs = gaps;
    return count;
}

PaddingCount batchesPadding(const std::vector<TokenizedPair>& pairs,
                            const std::vector<std::vector<std::int64_t>>& batches,
                            bool withRejected, bool packed) {
    PaddingCount total;
    std::vector<const TokenizedPair*> batch;
    for (const auto& indices : batches) {
        batch.clear();
        for (const std::int64_t i : indices) {
            if (i < 0 || i >= static_cast<std::int64_t>(pairs.size())) {
                throw Error("batch item " + std::to_string(i) + " is not one of the " +
                            std::to_string(pairs.size()) + " pairs: give the padding count the "
                            "pairs the sampler's indices point into");
            }
            batch.push_back(&pairs[static_cast<std::size_t>(i)]);
        }
        total += batchPadding(batch, withRejected, packed);
    }
    return total;
}

std::int64_t lengthGroupingKey(const TokenizedPair& pair, bool packed) {
    if (packed) {
        return static_cast<std::int64_t>(pair.prompt.size() + pair.chosen.size() + pair.rejected.size());
    }
    constexpr std::size_t kPromptBits = 24;  // prompts of up to 16M tokens keep their order
    const std::size_t longer = std::max(pair.chosen.size(), pair.rejected.size());
    const std::size_t prompt = std::min(pair.prompt.size(), (std::size_t{1} << kPromptBits) - 1);
    return static_cast<std::int64_t>((longer << kPromptBits) | prompt);
}

}  // namespace ladder::train
