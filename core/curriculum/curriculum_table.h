// Curricula as text for `ladder-cli curriculum show`: the stage table, and each tier's share of the
// batch over the steps (what the window draws as a stacked area chart).
#pragma once

#include <string>

#include "core/curriculum/curriculum.h"

namespace ladder::curriculum {

// One line per stage: length (steps, or epochs and the steps they make when resolved), tiers with
// their share, transition. Validation messages follow.
[[nodiscard]] std::string renderStageTable(const Curriculum& curriculum,
                                           const TierCounts* pairsPerTier = nullptr);
// Needs a resolved curriculum: the shares at `rows` evenly spaced steps and at stage starts.
[[nodiscard]] std::string renderShareTable(const Curriculum& curriculum, int rows = 11);

}  // namespace ladder::curriculum
