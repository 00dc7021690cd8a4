// What the losses of the registry are, without LibTorch: names, descriptions, whether they need a
// reference model, and their knobs with defaults and limits. For forms (the launcher) and
// listings, and the one check of a loss's knobs that the launcher and the trainer both make.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/loss_knob.h"

namespace ladder::train {

struct LossInfo {
    std::string name;
    std::string description;
    bool needsReference = false;
    bool usesRejected = true;
    nlohmann::json parameters = nlohmann::json::object();  // knob -> default value
    std::vector<LossKnob> knobs;  // with their limits; empty for a plugin's loss that lists none
};

// Every loss of lossRegistry() (plugins' included, once registered), in registry order.
[[nodiscard]] std::vector<LossInfo> lossCatalog();

// What is wrong with these knob values for this method, one message each (empty: nothing): an
// unknown method, an unknown knob, a value out of its range. The same check configure() makes
// when the run starts, so a config the launcher accepts does not fail on its loss.
[[nodiscard]] std::vector<std::string> lossProblems(const std::string& method,
                                                    const nlohmann::json& params);

}  // namespace ladder::train
