#include "core/curriculum/curriculum.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/lists.h"

namespace ladder::curriculum {
using nlohmann::json;

namespace {

std::string stageLabel(const Stage& s, std::size_t i) {
    return "stage " + std::to_string(i + 1) + (s.name.empty() ? "" : " '" + s.name + "'");
}

double weightSum(const Stage& s) {
    double sum = 0;
    for (const auto& [tier, w] : s.tierWeights) {
        if (w > 0 && std::isfinite(w)) sum += w;
    }
    return sum;
}

std::map<std::string, double> sharesOf(const Stage& s) {
    std::map<std::string, double> out;
    const double sum = weightSum(s);
    if (sum <= 0) return out;
    for (const auto& [tier, w] : s.tierWeights) {
        if (w > 0 && std::isfinite(w)) out[tier] = w / sum;
    }
    return out;
}

void requireResolved(const Curriculum& c) {
    if (c.stages.empty()) throw Error("curriculum '" + c.name + "' has no stages");
    if (!c.isResolved()) {
        throw Error("curriculum '" + c.name +
                    "' has stages measured in epochs: resolve it with the "
                    "pair counts and batch size first (Curriculum::resolved)");
    }
}

template <typename T>
T field(const json& j, const char* name, const std::string& where) {
    try {
        if (!ladder::json::fits<T>(j.at(name))) throw std::out_of_range(name);
        return j.at(name).get<T>();
    } catch (const std::exception&) {
        throw Error("curriculum JSON: " + where + " needs a field `" + name +
                    "` of the right type");
    }
}

}  // namespace

const char* toString(Transition t) {
    return t == Transition::Blend ? "blend" : "switch";
}

std::vector<ValidationMessage> Curriculum::validate(const TierCounts* pairsPerTier) const {
    using Severity = ValidationMessage::Severity;
    std::vector<ValidationMessage> out;
    auto error = [&out](int stage, std::string text) {
        out.push_back({Severity::Error, stage, std::move(text)});
    };
    auto warning = [&out](int stage, std::string text) {
        out.push_back({Severity::Warning, stage, std::move(text)});
    };
    if (stages.empty()) {
        error(-1, "the curriculum has no stages: add at least one stage with a tier and a length");
        return out;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const Stage& s = stages[i];
        const int idx = static_cast<int>(i);
        const std::string label = stageLabel(s, i);
        if (!s.name.empty() && !names.insert(s.name).second) {
            warning(idx, label + " has the same name as an earlier stage");
        }
        if (s.tierWeights.empty()) {
            error(idx, label + " is empty: give it at least one tier with a weight");
        } else {
            bool positive = false;
            for (const auto& [tier, w] : s.tierWeights) {
                if (!std::isfinite(w) || w < 0) {
                    error(idx, label + ": tier " + tier + " has weight " + std::to_string(w) +
                                   "; weights must be zero or positive numbers");
                } else if (w > 0) {
                    positive = true;
                    if (pairsPerTier) {
                        const auto it = pairsPerTier->find(tier);
                        if (it == pairsPerTier->end() || it->second <= 0) {
                            std::string have;
                            for (const auto& [t, n] : *pairsPerTier) {
                                if (n > 0)
                                    text::appendItem(have, t + " (" + std::to_string(n) + ")");
                            }
                            error(idx, label + ": tier " + tier +
                                           " has no pairs (tiers with pairs: " +
                                           (have.empty() ? "none" : have) +
                                           "); build its pairs or remove it from the stage");
                        }
                    }
                }
            }
            if (!positive && std::all_of(s.tierWeights.begin(), s.tierWeights.end(),
                                         [](const auto& tw) { return tw.second == 0; })) {
                error(idx, label +
                               ": all tier weights are zero, so it would sample nothing; give "
                               "at least one tier a positive weight");
            }
        }
        if (s.steps < 0 || s.epochs < 0 || !std::isfinite(s.epochs)) {
            error(idx, label + ": the length must not be negative");
        } else if (s.steps > 0 && s.epochs > 0) {
            error(idx, label + " gives both steps and epochs: give one of them");
        } else if (s.steps == 0 && s.epochs == 0) {
            error(idx, label + " has no length: give it steps or epochs");
        }
        if (s.transition == Transition::Blend) {
            if (s.blendSteps <= 0) {
                error(idx, label + " blends in over " + std::to_string(s.blendSteps) +
                               " steps: give a positive number of steps, or use a switch");
            } else if (s.steps > 0 && s.blendSteps > s.steps) {
                error(idx, label + " blends over " + std::to_string(s.blendSteps) +
                               " steps but lasts only " + std::to_string(s.steps));
            }
            if (i == 0) {
                warning(idx, label +
                                 " is the first stage: there is no earlier mix to blend from, "
                                 "so it starts on its own mix");
            }
        }
    }
    return out;
}

void Curriculum::throwIfInvalid(const TierCounts* pairsPerTier) const {
    std::string errors;
    for (const auto& m : validate(pairsPerTier)) {
        if (m.severity == ValidationMessage::Severity::Error)
            text::appendItem(errors, m.text, "; ");
    }
    if (!errors.empty()) {
        throw Error("curriculum '" + name + "' is not usable: " + errors);
    }
}

Curriculum Curriculum::resolved(const TierCounts& pairsPerTier, std::int64_t batchSize) const {
    if (batchSize <= 0) throw Error("the batch size must be positive to count steps per epoch");
    throwIfInvalid(&pairsPerTier);
    Curriculum out = *this;
    for (Stage& s : out.stages) {
        if (s.steps > 0) continue;
        std::int64_t pairs = 0;
        for (const auto& [tier, w] : s.tierWeights) {
            if (w > 0) pairs += pairsPerTier.at(tier);
        }
        const double steps =
            std::ceil(s.epochs * static_cast<double>(pairs) / static_cast<double>(batchSize));
        s.steps = std::max<std::int64_t>(1, static_cast<std::int64_t>(steps));
        s.epochs = 0;  // the length is now in steps
    }
    out.throwIfInvalid(&pairsPerTier);  // a blend may be longer than an epoch-sized stage
    return out;
}

bool Curriculum::isResolved() const {
    return std::all_of(stages.begin(), stages.end(), [](const Stage& s) { return s.steps > 0; });
}

std::int64_t Curriculum::totalSteps() const {
    requireResolved(*this);
    std::int64_t total = 0;
    for (const Stage& s : stages) total += s.steps;
    return total;
}

std::int64_t Curriculum::stageStart(std::size_t stage) const {
    requireResolved(*this);
    std::int64_t start = 0;
    for (std::size_t i = 0; i < stage && i < stages.size(); ++i) start += stages[i].steps;
    return start;
}

std::size_t Curriculum::stageAt(std::int64_t step) const {
    requireResolved(*this);
    std::int64_t end = 0;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        end += stages[i].steps;
        if (step < end) return i;
    }
    return stages.size() - 1;
}

std::map<std::string, double> Curriculum::tierShareAt(std::int64_t step) const {
    const std::size_t i = stageAt(step);
    const Stage& s = stages[i];
    std::map<std::string, double> shares = sharesOf(s);
    const std::int64_t into = step - stageStart(i);
    if (i == 0 || s.transition != Transition::Blend || s.blendSteps <= 0 || into >= s.blendSteps) {
        return shares;
    }
    // Linear from the previous stage's mix (first step of the stage) to this one's (after N).
    const double alpha =
        static_cast<double>(std::max<std::int64_t>(into, 0)) / static_cast<double>(s.blendSteps);
    std::map<std::string, double> mixed;
    for (const auto& [tier, share] : sharesOf(stages[i - 1])) mixed[tier] += (1.0 - alpha) * share;
    for (const auto& [tier, share] : shares) mixed[tier] += alpha * share;
    for (auto it = mixed.begin(); it != mixed.end();) {
        it = it->second > 0 ? std::next(it) : mixed.erase(it);
    }
    return mixed;
}

std::vector<std::string> Curriculum::tiers() const {
    std::set<std::string> all;
    for (const Stage& s : stages) {
        for (const auto& [tier, w] : s.tierWeights) {
            if (w > 0) all.insert(tier);
        }
    }
    return {all.begin(), all.end()};
}

json Curriculum::toJson() const {
    json list = json::array();
    for (const Stage& s : stages) {
        json stage = {
            {"name", s.name}, {"tiers", s.tierWeights}, {"transition", toString(s.transition)}};
        if (s.epochs > 0) {
            stage["epochs"] = s.epochs;
        } else {
            stage["steps"] = s.steps;
        }
        if (s.transition == Transition::Blend) stage["blend_steps"] = s.blendSteps;
        list.push_back(std::move(stage));
    }
    return {{"name", name}, {"stages", std::move(list)}};
}

Curriculum Curriculum::fromJson(const json& j) {
    if (!j.is_object()) throw Error("curriculum JSON must be an object with `name` and `stages`");
    Curriculum c;
    if (j.contains("name")) c.name = field<std::string>(j, "name", "the curriculum");
    if (!j.contains("stages") || !j["stages"].is_array()) {
        throw Error("curriculum JSON: `stages` must be a list of stages");
    }
    for (std::size_t i = 0; i < j["stages"].size(); ++i) {
        const json& sj = j["stages"][i];
        const std::string where = "stage " + std::to_string(i + 1);
        if (!sj.is_object()) throw Error("curriculum JSON: " + where + " must be an object");
        Stage s;
        if (sj.contains("name")) s.name = field<std::string>(sj, "name", where);
        if (sj.contains("steps")) s.steps = field<std::int64_t>(sj, "steps", where);
        if (sj.contains("epochs")) s.epochs = field<double>(sj, "epochs", where);
        if (sj.contains("tiers")) {
            s.tierWeights = field<std::map<std::string, double>>(sj, "tiers", where);
        }
        const std::string transition =
            sj.contains("transition") ? field<std::string>(sj, "transition", where) : "switch";
        if (transition == "blend") {
            s.transition = Transition::Blend;
            s.blendSteps = field<std::int64_t>(sj, "blend_steps", where);
        } else if (transition != "switch") {
            throw Error("curriculum JSON: " + where + " has transition '" + transition +
                        "'; use switch or blend");
        }
        c.stages.push_back(std::move(s));
    }
    return c;
}

}  // namespace ladder::curriculum
