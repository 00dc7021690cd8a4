// LoRA adapters as PEFT makes them (Hu et al. 2021; PEFT's LoraConfig): for each adapted linear
// layer W (out x in), y = W x + (alpha / r) * B A dropout(x), with A (r x in) drawn as PEFT draws
// it (kaiming-uniform, bound 1/sqrt(in)) and B (out x r) zero, so an adapted model starts equal to
// its base. The base weights stay frozen; only A and B train. Switched off, the model is its base
// again: DPO's reference without a second copy of the weights.
//
// Saved as PEFT saves: adapter_config.json + adapter_model.safetensors, tensors named
// base_model.model.<module>.lora_A.weight / lora_B.weight, which PeftModel.from_pretrained loads
// onto the transformers model (tests/oracle/peft_lora.py checks the logits).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/model/lora_spec.h"

namespace ladder::model {

class CausalLMImpl;

// Where a Ladder checkpoint of a LoRA run keeps its adapter, beside the base weights; a model
// folder with one loads merged (loadPretrained).
inline constexpr const char* kCheckpointAdapterFolder = "adapter";

struct LoraModule {
    std::string name;  // the adapted layer's Hugging Face name: model.layers.0.self_attn.q_proj
    torch::Tensor a;   // (r, in), trainable
    torch::Tensor b;   // (out, r), trainable
};

class LoraAdapter {
public:
    explicit LoraAdapter(LoraSpec spec) : m_spec(std::move(spec)) {}

    [[nodiscard]] const LoraSpec& spec() const { return m_spec; }
    // A fresh module for layer `name` (in -> out) on `options`' device and dtype, initialised as
    // PEFT initialises it (from torch's generator). Its pointer stays valid.
    LoraModule* add(const std::string& name, std::int64_t in, std::int64_t out,
                    const torch::TensorOptions& options);
    [[nodiscard]] const std::vector<std::unique_ptr<LoraModule>>& modules() const { return m_modules; }
    [[nodiscard]] LoraModule* find(const std::string& name) const;
    // Every A and B, for the optimiser.
    [[nodiscard]] std::vector<torch::Tensor> parameters() const;

    // (alpha / r) * B A dropout(x): what the adapter adds to the layer's output, x (..., in) ->
    // (..., out); undefined while the adapter is switched off.
    [[nodiscard]] torch::Tensor delta(const LoraModule& module, const torch::Tensor& x,
                                      bool training) const;

    // Off: the model computes its base (a DPO reference, an evaluation of the base).
    void setEnabled(bool on) { m_enabled = on; }
    [[nodiscard]] bool isEnabled() const { return m_enabled; }

private:
    LoraSpec m_spec;
    std::vector<std::unique_ptr<LoraModule>> m_modules;
    bool m_enabled = true;
};

// Switches a model's adapter off for a scope (nothing when it has none).
class LoraOff {
public:
    explicit LoraOff(const CausalLMImpl& model);
    ~LoraOff();
    LoraOff(const LoraOff&) = delete;
    LoraOff& operator=(const LoraOff&) = delete;

private:
    std::shared_ptr<LoraAdapter> m_adapter;
    bool m_was = false;
};

// Writes adapter_config.json and adapter_model.safetensors (float32) into `folder`, atomically.
void saveLora(const LoraAdapter& adapter, const std::filesystem::path& folder,
              const std::string& baseModel);
// Whether `folder` holds a LoRA adapter (adapter_config.json with peft_type LORA).
[[nodiscard]] bool isLoraFolder(const std::filesystem::path& folder);
// The spec of a saved adapter. Throws ladder::Error naming the file for what Ladder cannot apply
// (another peft_type, fan_in_fan_out, rslora, DoRA, rank or alpha patterns, bias other than none).
[[nodiscard]] LoraSpec loadLoraSpec(const std::filesystem::path& folder);

// Gives `model` an adapter of `spec` over its targets (Llama family; throws ladder::Error for
// GPT-2), on the model's device and dtype, and freezes every base weight (the model's
// trainableParameters() are then the adapter's). Returns the adapter.
std::shared_ptr<LoraAdapter> attachLora(CausalLMImpl& model, const LoraSpec& spec);
// Copies a saved adapter's A and B into the model's attached adapter (same spec). Throws
// ladder::Error naming the file and tensor that is missing or of another shape.
void loadLoraWeights(const LoraAdapter& adapter, const std::filesystem::path& folder);
// W += (alpha / r) B A for every module of a saved adapter: the model then computes what base +
// adapter computed, with no adapter attached (for evaluation, generation, a next run's start).
void mergeLoraFolder(CausalLMImpl& model, const std::filesystem::path& folder);
// The same from an attached adapter; the adapter is detached afterwards.
void mergeAttachedLora(CausalLMImpl& model);
// config.json and model.safetensors of base + attached adapter merged, as savePretrained writes
// them, leaving the model as it is: a full model for tools that know no adapters.
void saveMergedPretrained(const CausalLMImpl& model, const std::filesystem::path& folder,
                          std::optional<torch::Dtype> dtype = std::nullopt,
                          std::int64_t maxShardBytes = 50'000'000'000);  // kDefaultMaxShardBytes

}  // namespace ladder::model
