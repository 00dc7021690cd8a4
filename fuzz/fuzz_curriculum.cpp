// Fuzz target: a curriculum's JSON (a file for `ladder-cli curriculum`, a row of a workspace from
// someone else, a run config's curriculum) and, after a NUL byte, a sampler position saved with a
// checkpoint. The curriculum is parsed, validated, written back and read again (which must give
// the same JSON), resolved against tier sizes taken from the input, and asked for its stages and
// shares; a valid one then drives both samplers for a few batches, from the saved position when
// it fits. Any outcome but that or a ladder::Error is a finding.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/curriculum/curriculum.h"
#include "core/curriculum/curriculum_sampler.h"
#include "core/curriculum/length_grouped_sampler.h"

namespace {

using namespace ladder::curriculum;

constexpr int kBatches = 8;  // per sampler: enough to cross a short stage, few enough to be quick

void checkShares(const Curriculum& c, std::int64_t step) {
    const auto shares = c.tierShareAt(step);
    double sum = 0;
    for (const auto& [tier, share] : shares) {
        if (!(share > 0) || share > 1 + 1e-9) __builtin_trap();
        sum += share;
    }
    if (!shares.empty() && std::abs(sum - 1) > 1e-6) __builtin_trap();
}

void sample(const Curriculum& resolved, const TierCounts& counts, std::size_t batchSize,
            const std::string_view positionText) {
    std::map<std::string, std::vector<std::int64_t>> items;
    std::int64_t next = 0;
    for (const auto& [tier, count] : counts) {
        for (std::int64_t i = 0; i < count; ++i) items[tier].push_back(next++);
    }
    CurriculumSampler plain(resolved, items, /*seed=*/1234);
    LengthGroupedSampler grouped(resolved, items, /*seed=*/1234, LengthGrouping{4, 0},
                                 [](std::int64_t item) { return item % 7; });
    if (!positionText.empty()) {
        const nlohmann::json position = ladder::json::parseText(positionText, "position.json");
        try {
            plain.restore(SamplerPosition::fromJson(position));
        } catch (const ladder::Error&) {
        }
        try {
            grouped.restore(GroupedSamplerPosition::fromJson(position));
        } catch (const ladder::Error&) {
        }
    }
    for (int i = 0; i < kBatches; ++i) {
        const auto batch = plain.nextBatch(batchSize);
        if (batch.size() != batchSize || plain.lastBatchTiers().size() != batchSize) {
            __builtin_trap();
        }
        for (const std::int64_t item : batch) {
            if (item < 0 || item >= next) __builtin_trap();
        }
        (void)grouped.nextBatch(batchSize);
    }
    const SamplerPosition saved = plain.position();
    if (SamplerPosition::fromJson(saved.toJson()) != saved) __builtin_trap();
    const GroupedSamplerPosition savedGrouped = grouped.position();
    if (GroupedSamplerPosition::fromJson(savedGrouped.toJson()) != savedGrouped) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view text = input.substr(0, nul);
    const std::string_view positionText =
        nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    try {
        const Curriculum c =
            Curriculum::fromJson(ladder::json::parseText(text, "curriculum.json"));
        (void)c.validate();
        const nlohmann::json written = c.toJson();
        if (Curriculum::fromJson(written).toJson() != written) __builtin_trap();

        // Tier sizes and the batch size from the input, so that both are explored.
        TierCounts counts;
        std::size_t h = size;
        for (const std::string& tier : c.tiers()) {
            h = h * 31 + tier.size() + (tier.empty() ? 0 : static_cast<unsigned char>(tier[0]));
            counts[tier] = static_cast<std::int64_t>(h % 40);  // 0: a weighted tier without pairs
        }
        (void)c.validate(&counts);
        const std::size_t batchSize = 1 + h % 16;
        const Curriculum resolved = c.resolved(counts, static_cast<std::int64_t>(batchSize));
        const std::int64_t total = resolved.totalSteps();
        for (std::size_t s = 0; s < resolved.stages.size(); ++s) (void)resolved.stageStart(s);
        for (const std::int64_t step : {std::int64_t{0}, total / 2, total - 1, total}) {
            if (resolved.stageAt(step) >= resolved.stages.size()) __builtin_trap();
            checkShares(resolved, step);
        }
        sample(resolved, counts, batchSize, positionText);
    } catch (const ladder::Error&) {
        // A refused curriculum or position: what should happen to a bad one.
    }
    return 0;
}
