// What a LoRA adapter is (PEFT's LoraConfig: rank, alpha, dropout, target modules) and its
// adapter_config.json, without LibTorch: the run config and the launcher read it. The adapter
// itself is lora.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::model {

struct LoraSpec {
    int rank = 0;          // r; 0 = no adapters (full fine-tuning)
    double alpha = 16;     // lora_alpha; the update is scaled by alpha / r
    double dropout = 0.05; // lora_dropout, on the adapter's input while training
    // target_modules as PEFT names them (the last part of the module's name); "all-linear" (the
    // default) means every linear layer of the decoder, the LM head excepted, as in PEFT.
    std::vector<std::string> targetModules = {"all-linear"};

    [[nodiscard]] bool enabled() const { return rank > 0; }
    [[nodiscard]] double scale() const { return rank > 0 ? alpha / rank : 0.0; }
};

// The linear layers of a Llama-family decoder LoRA can adapt, by PEFT's names.
[[nodiscard]] const std::vector<std::string>& loraModuleNames();
// Problems of a spec, one message each (empty = fine): rank, alpha, dropout, unknown modules.
[[nodiscard]] std::vector<std::string> loraProblems(const LoraSpec& spec);
// targetModules with "all-linear" spelled out, in loraModuleNames() order.
[[nodiscard]] std::vector<std::string> loraTargets(const LoraSpec& spec);

// PEFT's adapter_config.json for `spec` on the base model at baseModel.
[[nodiscard]] nlohmann::json loraConfigJson(const LoraSpec& spec, const std::string& baseModel);

}  // namespace ladder::model
