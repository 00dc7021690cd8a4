#include "core/curriculum/presets.h"

#include <algorithm>
#include <map>

#include "core/common/error.h"

namespace ladder::curriculum {
namespace {

Stage stageOf(std::string name, StageLength length) {
    Stage s;
    s.name = std::move(name);
    s.steps = length.steps;
    s.epochs = length.steps > 0 ? 0.0 : length.epochs;
    return s;
}

// A tier's weight: its pair count, so that within a stage every pair is equally likely; 1 when
// the counts are unknown (0).
double weightOf(const TierInfo& t) {
    return t.pairs > 0 ? static_cast<double>(t.pairs) : 1.0;
}

}  // namespace

Curriculum easyThenHard(const std::vector<TierInfo>& tiers, StageLength perStage,
                        std::int64_t blendSteps, const std::string& name) {
    if (tiers.empty()) throw Error("easy-then-hard needs tiers: build pairs from a ladder first");
    std::map<int, std::vector<const TierInfo*>, std::greater<>> byGap;
    for (const TierInfo& t : tiers) byGap[t.rankGap].push_back(&t);
    Curriculum c;
    c.name = name;
    std::size_t level = 0;
    for (const auto& [gap, group] : byGap) {
        const std::string label = byGap.size() == 1 ? "all"
                                  : level == 0      ? "easy (gap " + std::to_string(gap) + ")"
                                  : level + 1 == byGap.size()
                                      ? "hard (gap " + std::to_string(gap) + ")"
                                      : "gap " + std::to_string(gap);
        Stage s = stageOf(label, perStage);
        for (const TierInfo* t : group) s.tierWeights[t->name] = weightOf(*t);
        if (level > 0 && blendSteps > 0) {
            s.transition = Transition::Blend;
            s.blendSteps = blendSteps;
        }
        c.stages.push_back(std::move(s));
        ++level;
    }
    return c;
}

Curriculum uniformMix(const std::vector<TierInfo>& tiers, StageLength length,
                      const std::string& name) {
    if (tiers.empty()) throw Error("a uniform mix needs tiers: build pairs from a ladder first");
    Curriculum c;
    c.name = name;
    Stage s = stageOf("all tiers", length);
    for (const TierInfo& t : tiers) s.tierWeights[t.name] = weightOf(t);
    c.stages.push_back(std::move(s));
    return c;
}

Curriculum singleTier(const std::string& tier, StageLength length, const std::string& name) {
    Curriculum c;
    c.name = name.empty() ? "single " + tier : name;
    Stage s = stageOf(tier, length);
    s.tierWeights[tier] = 1.0;
    c.stages.push_back(std::move(s));
    return c;
}

const std::vector<std::string>& presetNames() {
    static const std::vector<std::string> names = {"easy-then-hard", "uniform", "single-tier"};
    return names;
}

}  // namespace ladder::curriculum
