// A loss's knob (beta, epsilon, ...) with the values it accepts, and the one check of a set of knob
// values: what a loss's configure() refuses and what the launcher lists before a run starts. No
// LibTorch here: the window includes it.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::train {

struct LossKnob {
    std::string name;
    double fallback = 0;
    double min = -std::numeric_limits<double>::infinity();
    bool minExclusive = false;  // value > min (else value >= min)
    double max = std::numeric_limits<double>::infinity();
    bool maxExclusive = false;  // value < max (else value <= max)
    std::string meaning;        // one line for a tooltip and the problem's message

    [[nodiscard]] bool accepts(double value) const;
    [[nodiscard]] std::string rule() const;  // "> 0", "in [0, 0.5)", ">= 0"
};

// Every problem of `params` (a JSON object of knob values; null: all defaults) for a loss with
// these knobs, one message each: not an object, an unknown key, a value that is not a number or
// is out of its range.
[[nodiscard]] std::vector<std::string> knobProblems(const std::string& loss,
                                                    const std::vector<LossKnob>& knobs,
                                                    const nlohmann::json& params);

}  // namespace ladder::train
