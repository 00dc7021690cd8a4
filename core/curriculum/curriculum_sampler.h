// Draws training batches by a curriculum, deterministically: the same seed and step give the same
// batch on every machine and standard library, and a sampler restored from a saved position
// continues with exactly the batches the original would have drawn.
//
// How: each batch's tier mix comes from Curriculum::tierShareAt(step); its slots are given to the
// tiers by systematic sampling (one random offset per batch, keyed by (seed, step)), so a tier gets
// its share of the batch to within one pair. Within a tier, pairs are drawn without replacement in
// a pass: a permutation keyed by (seed, tier, pass), walked by a cursor; the next pass reshuffles.
// The position is the step and each tier's (pass, offset): nothing else is state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/curriculum/curriculum.h"

namespace ladder::curriculum {

struct TierCursor {
    std::int64_t pass = 0;    // how many times the tier has been used up
    std::int64_t offset = 0;  // pairs drawn in the current pass

    bool operator==(const TierCursor&) const = default;
};

// Where a sampler stands; save it with a checkpoint and restore() it to resume.
struct SamplerPosition {
    std::int64_t step = 0;  // batches drawn so far
    std::map<std::string, TierCursor> tiers;

    bool operator==(const SamplerPosition&) const = default;
    [[nodiscard]] nlohmann::json toJson() const;
    [[nodiscard]] static SamplerPosition fromJson(const nlohmann::json& j);  // throws ladder::Error
};

class CurriculumSampler {
public:
    // curriculum must be resolved (lengths in steps); itemsByTier holds what a batch returns for
    // each tier (pair ids, or indices into the caller's pair vector). Throws ladder::Error when a
    // weighted tier has no items or the curriculum is invalid.
    CurriculumSampler(Curriculum curriculum,
                      std::map<std::string, std::vector<std::int64_t>> itemsByTier,
                      std::uint64_t seed);

    // The next batch of items; advances the step by one.
    std::vector<std::int64_t> nextBatch(std::size_t batchSize);

    // The tier of each item of the last batch, in the same order.
    [[nodiscard]] const std::vector<std::string>& lastBatchTiers() const { return m_lastTiers; }
    // The stage of a step, and of the next batch.
    [[nodiscard]] std::size_t stageAt(std::int64_t step) const {
        return m_curriculum.stageAt(step);
    }
    [[nodiscard]] std::size_t currentStage() const { return stageAt(m_position.step); }
    [[nodiscard]] std::int64_t step() const { return m_position.step; }
    [[nodiscard]] std::int64_t totalSteps() const { return m_curriculum.totalSteps(); }
    [[nodiscard]] const Curriculum& curriculum() const { return m_curriculum; }
    [[nodiscard]] std::uint64_t seed() const { return m_seed; }

    [[nodiscard]] const SamplerPosition& position() const { return m_position; }
    // Continues from a saved position. Throws ladder::Error for a position that does not fit these
    // tiers (a cursor beyond a tier's size: the pairs changed since it was saved).
    void restore(const SamplerPosition& position);

private:
    struct TierState {
        std::vector<std::int64_t> items;
        std::vector<std::int64_t> order;  // the current pass's permutation
        std::int64_t orderPass = -1;      // which pass `order` belongs to
        std::uint64_t key = 0;            // fnv1a of the tier name
    };

    std::int64_t take(const std::string& tier);
    void shuffle(TierState& state, std::int64_t pass) const;

    Curriculum m_curriculum;
    std::map<std::string, TierState> m_tiers;
    std::uint64_t m_seed;
    SamplerPosition m_position;
    std::vector<std::string> m_lastTiers;
};

}  // namespace ladder::curriculum
