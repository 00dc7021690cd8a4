// A stand-in for train::lossProblems() in fuzz_run_config: the real one asks the loss registry,
// whose losses are LibTorch code (GCC-built, not instrumented). This one checks the knob values
// as the built-in losses do, through knobProblems(), against one knob every built-in loss has, so
// that the run config's own parsing and checks are what the target fuzzes.
#include "core/train/loss_catalog.h"

namespace ladder::train {

std::vector<std::string> lossProblems(const std::string& method, const nlohmann::json& params) {
    const LossKnob beta{.name = "beta", .fallback = 0.1, .min = 0, .minExclusive = true,
                        .meaning = "the stand-in's knob"};
    return knobProblems(method, {beta}, params);
}

}  // namespace ladder::train
