#include "core/train/loss_knob.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ladder::train {

namespace {

// A number as a user wrote it: 0.5, 1e-05, not 0.500000.
std::string shortNumber(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

}  // namespace

bool LossKnob::accepts(double v) const {
    if (!std::isfinite(v)) return false;
    const bool aboveMin = minExclusive ? v > min : v >= min;
    const bool belowMax = maxExclusive ? v < max : v <= max;
    return aboveMin && belowMax;
}

std::string LossKnob::rule() const {
    const bool hasMin = std::isfinite(min);
    const bool hasMax = std::isfinite(max);
    if (hasMin && hasMax) {
        return "in " + std::string(minExclusive ? "(" : "[") + shortNumber(min) + ", " +
               shortNumber(max) + (maxExclusive ? ")" : "]");
    }
    if (hasMin) return (minExclusive ? "> " : ">= ") + shortNumber(min);
    if (hasMax) return (maxExclusive ? "< " : "<= ") + shortNumber(max);
    return "a number";
}

std::vector<std::string> knobProblems(const std::string& loss, const std::vector<LossKnob>& knobs,
                                      const nlohmann::json& params) {
    std::vector<std::string> problems;
    if (params.is_null()) return problems;
    if (!params.is_object()) {
        problems.push_back("loss '" + loss + "': its parameters must be a JSON object");
        return problems;
    }
    std::string known;
    for (const auto& k : knobs) known += (known.empty() ? "" : ", ") + k.name;
    for (const auto& item : params.items()) {
        // Not a structured binding: clang before 16 (the fuzz build's) cannot capture one.
        const std::string& key = item.key();
        const nlohmann::json& value = item.value();
        const auto knob = std::find_if(knobs.begin(), knobs.end(),
                                       [&key](const LossKnob& k) { return k.name == key; });
        if (knob == knobs.end()) {
            problems.push_back("loss '" + loss + "' has no parameter '" + key + "' (it takes: " +
                               (known.empty() ? "none" : known) + ")");
        } else if (!value.is_number()) {
            problems.push_back("loss '" + loss + "': " + key + " must be a number");
        } else if (!knob->accepts(value.get<double>())) {
            problems.push_back("loss '" + loss + "': " + key + " must be " + knob->rule() +
                               (knob->meaning.empty() ? "" : " (" + knob->meaning + ")") +
                               ", not " + shortNumber(value.get<double>()));
        }
    }
    return problems;
}

}  // namespace ladder::train
