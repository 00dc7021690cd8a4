// A curriculum: ordered stages, each a mix of tiers (weights) for a length (steps, or epochs of its
// tiers), entered by a switch or by a linear blend from the previous stage's mix. Plain data with
// JSON (de)serialisation (stored in the `curricula` table and embedded in run configs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::curriculum {

enum class Transition {
    Switch,  // the stage's mix applies from its first step
    Blend,   // the mix moves linearly from the previous stage's to this one's over blendSteps
};

[[nodiscard]] const char* toString(Transition t);

struct Stage {
    std::string name;
    std::int64_t steps = 0;  // length in optimiser steps ...
    double epochs = 0;       // ... or in passes over the pairs of its tiers (see resolved())
    std::map<std::string, double> tierWeights;  // relative weights; only their ratio matters
    Transition transition = Transition::Switch;
    std::int64_t blendSteps = 0;  // Blend only; counted from the stage's first step
};

struct ValidationMessage {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    int stage = -1;  // 0-based stage index; -1 for the curriculum as a whole
    std::string text;
};

using TierCounts = std::map<std::string, std::int64_t>;  // pairs per tier

struct Curriculum {
    std::string name;
    std::vector<Stage> stages;

    // Errors make the curriculum unusable; warnings are worth a look. With pair counts, a tier that
    // has no pairs but a weight is an error too.
    [[nodiscard]] std::vector<ValidationMessage> validate(
        const TierCounts* pairsPerTier = nullptr) const;
    // Throws ladder::Error listing every error (warnings are not errors).
    void throwIfInvalid(const TierCounts* pairsPerTier = nullptr) const;

    // A copy whose stages all have a length in steps: a stage given in epochs gets
    // ceil(epochs * pairs of its weighted tiers / batchSize) steps (and epochs 0). Throws when
    // invalid, e.g. a weighted tier without pairs.
    [[nodiscard]] Curriculum resolved(const TierCounts& pairsPerTier, std::int64_t batchSize) const;
    [[nodiscard]] bool isResolved() const;  // every stage has steps > 0

    // The following need a resolved curriculum (they throw ladder::Error otherwise).
    [[nodiscard]] std::int64_t totalSteps() const;
    [[nodiscard]] std::int64_t stageStart(std::size_t stage) const;
    // The stage that step (0-based) falls in; steps past the end stay in the last stage.
    [[nodiscard]] std::size_t stageAt(std::int64_t step) const;
    // Each tier's share of the batch at a step (shares sum to 1; tiers with no share left out).
    [[nodiscard]] std::map<std::string, double> tierShareAt(std::int64_t step) const;

    // Every tier that some stage gives a positive weight, sorted.
    [[nodiscard]] std::vector<std::string> tiers() const;

    [[nodiscard]] nlohmann::json toJson() const;
    // Throws ladder::Error naming the field that is missing or wrong.
    [[nodiscard]] static Curriculum fromJson(const nlohmann::json& j);
};

}  // namespace ladder::curriculum
