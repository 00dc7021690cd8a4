// Batches of similar length, so that little of a batch is padding: a wrapper around
// CurriculumSampler that draws G batches at a time, sorts their G x B items by a length the caller
// gives, cuts them into G batches again and shuffles the order of those batches. It is not a
// different sampler: every group is G consecutive batches of the plain sampler (never crossing a
// curriculum stage's start or the run's end), so each stage trains on exactly the pairs it did
// before; only the order within a group, and which pairs share a batch, change.
//
// Deterministic and resumable like the sampler it wraps: a position is the plain sampler's position
// at the group's first batch plus how many batches of the group were taken; restoring it draws the
// group again (the plain sampler is deterministic) and continues mid-group. With G = 1 it is the
// plain sampler: the same batches in the same order, and the same position JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/curriculum/curriculum_sampler.h"

namespace ladder::curriculum {

// Where a LengthGroupedSampler stands; save it with a checkpoint and restore() it to resume.
struct GroupedSamplerPosition {
    SamplerPosition groupStart;  // the plain sampler at the current group's first batch
    std::int64_t offset = 0;     // batches of the group already returned (0: none; a new group)
    std::int64_t groupBatches = 0;  // the group's length in batches (0 when offset is 0)
    std::int64_t batchSize = 0;     // the group's batch size (0 when offset is 0)

    [[nodiscard]] std::int64_t step() const { return groupStart.step + offset; }

    bool operator==(const GroupedSamplerPosition&) const = default;
    // Between groups (offset 0) the plain SamplerPosition's JSON, so that a run without grouping
    // (G = 1) saves what it saved before.
    [[nodiscard]] nlohmann::json toJson() const;
    // Also reads a plain SamplerPosition's JSON (offset 0: a run saved without length grouping
    // resumes with it from its step). Throws ladder::Error for damaged JSON.
    [[nodiscard]] static GroupedSamplerPosition fromJson(const nlohmann::json& j);
};

struct LengthGrouping {
    std::int64_t groupBatches = 16;  // G: batches sorted together (1 = off: the plain sampler)
    // The run's last step (batches it draws; 0 = no end): a group stops there too, so that a run
    // trains on the same pairs as without grouping whatever its length.
    std::int64_t endStep = 0;
};

class LengthGroupedSampler {
public:
    // What an item (an index or a pair id, as the sampler returns) is sorted by: a length, or a
    // key ordered like one (train::lengthGroupingKey: the longer answer, then the prompt). Must
    // not change while the sampler lives.
    using LengthOf = std::function<std::int64_t(std::int64_t item)>;

    // Arguments as CurriculumSampler's, plus the grouping and the lengths. Throws ladder::Error
    // as CurriculumSampler does, and for groupBatches < 1 or a negative endStep.
    LengthGroupedSampler(Curriculum curriculum,
                         std::map<std::string, std::vector<std::int64_t>> itemsByTier,
                         std::uint64_t seed, LengthGrouping grouping, LengthOf lengthOf);

    // The next batch of items; advances the step by one. A group is drawn with the batch size of
    // its first batch: another size before the group ends throws ladder::Error.
    std::vector<std::int64_t> nextBatch(std::size_t batchSize);

    // The tier of each item of the last batch, in the same order.
    [[nodiscard]] const std::vector<std::string>& lastBatchTiers() const { return m_lastTiers; }
    [[nodiscard]] std::size_t stageAt(std::int64_t step) const { return m_plain.stageAt(step); }
    [[nodiscard]] std::size_t currentStage() const { return stageAt(step()); }
    [[nodiscard]] std::int64_t step() const { return m_position.step(); }
    [[nodiscard]] std::int64_t totalSteps() const { return m_plain.totalSteps(); }
    [[nodiscard]] const Curriculum& curriculum() const { return m_plain.curriculum(); }
    [[nodiscard]] std::uint64_t seed() const { return m_plain.seed(); }
    [[nodiscard]] const LengthGrouping& grouping() const { return m_grouping; }

    // How many batches the group starting at `step` has: G, or fewer up to the next stage's start
    // or the run's end.
    [[nodiscard]] std::int64_t groupLengthAt(std::int64_t step) const;

    [[nodiscard]] const GroupedSamplerPosition& position() const { return m_position; }
    // Continues from a saved position. Throws ladder::Error for a position that does not fit (the
    // pairs, the group length G or the run's length changed since it was saved mid-group).
    void restore(const GroupedSamplerPosition& position);

private:
    void drawGroup(std::size_t batchSize);

    CurriculumSampler m_plain;  // stands at the end of the group in m_batches (when drawn)
    LengthGrouping m_grouping;
    LengthOf m_lengthOf;
    GroupedSamplerPosition m_position;
    std::vector<std::vector<std::int64_t>> m_batches;  // the current group, in the order returned
    std::vector<std::vector<std::string>> m_tiers;     // their items' tiers
    std::vector<std::string> m_lastTiers;
};

}  // namespace ladder::curriculum
