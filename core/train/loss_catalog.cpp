#include "core/train/loss_catalog.h"

#include "core/train/loss.h"

namespace ladder::train {

std::vector<LossInfo> lossCatalog() {
    std::vector<LossInfo> out;
    for (const auto& name : lossRegistry().names()) {
        const auto loss = lossRegistry().create(name);
        out.push_back({name, loss->description(), loss->needsReference(), loss->usesRejected(),
                       loss->parameters()});
    }
    return out;
}

}  // namespace ladder::train
