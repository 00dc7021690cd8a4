#include "core/train/loss_catalog.h"

#include <exception>

#include "core/train/loss.h"

namespace ladder::train {

std::vector<LossInfo> lossCatalog() {
    std::vector<LossInfo> out;
    for (const auto& name : lossRegistry().names()) {
        const auto loss = lossRegistry().create(name);
        out.push_back({name, loss->description(), loss->needsReference(), loss->usesRejected(),
                       loss->parameters(), loss->knobs()});
    }
    return out;
}

std::vector<std::string> lossProblems(const std::string& method, const nlohmann::json& params) {
    try {
        const auto loss = lossRegistry().create(method);
        const auto knobs = loss->knobs();
        if (!knobs.empty()) return knobProblems(method, knobs, params);
        // A loss that lists no knobs (a plugin's) is asked by configuring a copy of it.
        loss->configure(params);
        return {};
    } catch (const std::exception& e) {
        return {e.what()};
    }
}

}  // namespace ladder::train
