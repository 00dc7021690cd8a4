// What the losses of the registry are, without LibTorch: names, descriptions, whether they need a
// reference model, and their knobs with defaults. For forms (the launcher) and listings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::train {

struct LossInfo {
    std::string name;
    std::string description;
    bool needsReference = false;
    bool usesRejected = true;
    nlohmann::json parameters = nlohmann::json::object();  // knob -> default value
};

// Every loss of lossRegistry() (plugins' included, once registered), in registry order.
[[nodiscard]] std::vector<LossInfo> lossCatalog();

}  // namespace ladder::train
