// Ready-made curricula: the paper's easy-then-hard (largest rank gap first), a uniform mix over all
// pairs, and a single tier. They take the tiers as the pair builder reports them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/curriculum/curriculum.h"

namespace ladder::curriculum {

struct TierInfo {
    std::string name;  // "A>B"
    int rankGap = 1;   // larger = easier
    std::int64_t pairs = 0;
};

// The length of each stage a preset makes: steps, or epochs of the stage's tiers.
struct StageLength {
    std::int64_t steps = 0;
    double epochs = 0;
};

// One stage per rank gap, largest gap (easiest) first, each mixing its tiers by their pair counts;
// later stages blend in over blendSteps when it is positive, else switch (Xu et al. 2023, sec. 4).
[[nodiscard]] Curriculum easyThenHard(const std::vector<TierInfo>& tiers, StageLength perStage,
                                      std::int64_t blendSteps = 0,
                                      const std::string& name = "easy-then-hard");
// One stage over every tier, weighted by pair counts: every pair equally likely (no curriculum).
[[nodiscard]] Curriculum uniformMix(const std::vector<TierInfo>& tiers, StageLength length,
                                    const std::string& name = "uniform");
// One stage on one tier.
[[nodiscard]] Curriculum singleTier(const std::string& tier, StageLength length,
                                    const std::string& name = {});

// The preset names the CLI and the window offer: "easy-then-hard", "uniform", "single-tier".
[[nodiscard]] const std::vector<std::string>& presetNames();

}  // namespace ladder::curriculum
