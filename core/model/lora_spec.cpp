#include "core/model/lora_spec.h"

#include <algorithm>
#include <cmath>

namespace ladder::model {

const std::vector<std::string>& loraModuleNames() {
    static const std::vector<std::string> names = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                    "gate_proj", "up_proj", "down_proj"};
    return names;
}

std::vector<std::string> loraTargets(const LoraSpec& spec) {
    const auto& all = loraModuleNames();
    const bool everything = std::find(spec.targetModules.begin(), spec.targetModules.end(),
                                      "all-linear") != spec.targetModules.end();
    std::vector<std::string> out;
    for (const auto& name : all) {
        if (everything || std::find(spec.targetModules.begin(), spec.targetModules.end(), name) !=
                              spec.targetModules.end()) {
            out.push_back(name);
        }
    }
    return out;
}

std::vector<std::string> loraProblems(const LoraSpec& spec) {
    std::vector<std::string> problems;
    if (spec.rank < 0 || spec.rank > 4096) problems.push_back("lora.rank must be 0 (off) to 4096");
    if (!spec.enabled()) return problems;
    if (!(spec.alpha > 0) || !std::isfinite(spec.alpha)) problems.push_back("lora.alpha must be > 0");
    if (!(spec.dropout >= 0 && spec.dropout < 1)) problems.push_back("lora.dropout must be in [0, 1)");
    if (spec.targetModules.empty()) {
        problems.push_back("lora.target_modules is empty: name modules (q_proj, v_proj, ...) or all-linear");
    }
    for (const auto& name : spec.targetModules) {
        const auto& known = loraModuleNames();
        if (name != "all-linear" && std::find(known.begin(), known.end(), name) == known.end()) {
            problems.push_back("lora.target_modules: '" + name +
                               "' is not a linear layer of the decoder (q_proj, k_proj, v_proj, "
                               "o_proj, gate_proj, up_proj, down_proj, or all-linear)");
        }
    }
    return problems;
}

nlohmann::json loraConfigJson(const LoraSpec& spec, const std::string& baseModel) {
    return {
        {"peft_type", "LORA"},
        {"task_type", "CAUSAL_LM"},
        {"base_model_name_or_path", baseModel},
        {"r", spec.rank},
        {"lora_alpha", spec.alpha},
        {"lora_dropout", spec.dropout},
        {"target_modules", loraTargets(spec)},
        {"bias", "none"},
        {"fan_in_fan_out", false},
        {"use_rslora", false},
        {"use_dora", false},
        {"init_lora_weights", true},
        {"inference_mode", true},
        {"modules_to_save", nullptr},
        {"layers_to_transform", nullptr},
        {"layers_pattern", nullptr},
        {"rank_pattern", nlohmann::json::object()},
        {"alpha_pattern", nlohmann::json::object()},
        {"revision", nullptr},
    };
}

}  // namespace ladder::model
