// The family-agnostic face of a decoder-only language model: what the trainer, generation and
// checkpoints use, whatever the architecture (Llama family or GPT-2) behind it.
//
// Dimension letters, here and in every model file:
//   B batch rows, T new positions in this forward, T_past positions already in the KvCache,
//   C hidden width, V vocabulary, H query heads, H_kv key/value heads, D = C/H head width.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/model/kv_cache.h"
#include "core/model/model_config.h"

namespace ladder::model {

class LoraAdapter;

struct ForwardInput {
    torch::Tensor inputIds;        // (B, T) int64
    torch::Tensor positionIds;     // (B, T) int64; undefined: T_past + arange(T) for every row
    torch::Tensor keyPaddingMask;  // (B, T_past + T) bool, true = real token; undefined: all real
    KvCache* cache = nullptr;      // when given: attend to its past and append this forward's K/V
    // (B, 1, T, T) bool, true where query i may attend key j: a whole mask (several sequences in
    // one row, as packed pairs are); wins over keyPaddingMask; not with a cache. Each query must
    // be allowed at least itself.
    torch::Tensor attentionMask;
    // The text length RoPE scaling that depends on it (dynamic, longrope) is computed for: the
    // whole texts' (prompt and answer) when a forward sees part of them; 0: the largest position
    // of this forward + 1, as transformers takes it.
    std::int64_t ropeLength = 0;
};

class CausalLMImpl : public torch::nn::Module {
public:
    explicit CausalLMImpl(ModelConfig config) : m_config(std::move(config)) {}

    // Final normed hidden states, (B, T, C).
    virtual torch::Tensor hidden(const ForwardInput& input) = 0;
    // The lm_head on (..., C) hidden states: (..., V). Apply it only where logits are needed.
    virtual torch::Tensor logits(const torch::Tensor& hidden) = 0;
    // logits(hidden(input)): (B, T, V).
    torch::Tensor forward(const ForwardInput& input) { return logits(hidden(input)); }

    [[nodiscard]] const ModelConfig& config() const { return m_config; }
    // The weights under their Hugging Face names (the parameters are registered under exactly
    // these names), in name order. A tied lm_head is not listed: it is the embedding.
    [[nodiscard]] std::vector<std::pair<std::string, torch::Tensor>> hfWeights() const;
    // The device and dtype of the weights.
    [[nodiscard]] torch::Device device() const;
    [[nodiscard]] torch::Dtype dtype() const;

    // Gradient checkpointing: each decoder layer keeps only its input for the backward pass and
    // runs again there (model::recomputed), instead of keeping its activations. Same gradients.
    // A forward that fills a KvCache (prefix sharing, generation) runs its layers plainly.
    void setGradientCheckpointing(bool on) { m_checkpointing = on; }
    [[nodiscard]] bool gradientCheckpointing() const { return m_checkpointing; }

    // The LoRA adapter attached by attachLora() (lora.h), or null.
    [[nodiscard]] const std::shared_ptr<LoraAdapter>& lora() const { return m_lora; }
    // What the optimiser trains: the adapter's A and B when one is attached, else every weight.
    [[nodiscard]] std::vector<torch::Tensor> trainableParameters() const;
    // attachLora()'s part that knows the family: adds the adapter's modules for `targets` (PEFT
    // names) and wires them into the layers; null detaches. The base family throws ladder::Error
    // (a family without LoRA support).
    virtual void connectLora(const std::shared_ptr<LoraAdapter>& adapter,
                             const std::vector<std::string>& targets);

protected:
    // layer(x) for decoder layer `layer`, recomputed in the backward pass when checkpointing
    // applies (grad mode on, no cache).
    [[nodiscard]] torch::Tensor runLayer(const std::function<torch::Tensor(const torch::Tensor&)>& layer,
                                         const torch::Tensor& x, const ForwardInput& input) const;
    // inputIds' positions (B, T): positionIds when given, else T_past + arange(T).
    [[nodiscard]] static torch::Tensor positionsOf(const ForwardInput& input);
    // Checks shapes and the cache, and builds the (B, 1, T, T_past + T) attention mask (or
    // undefined for plain causal attention).
    [[nodiscard]] torch::Tensor prepare(const ForwardInput& input) const;

private:
    ModelConfig m_config;
    bool m_checkpointing = false;

protected:
    std::shared_ptr<LoraAdapter> m_lora;
};

using CausalLM = std::shared_ptr<CausalLMImpl>;

// A model of `config`'s family with freshly initialised weights (normal(0, 0.02) matrices, zero
// biases, unit norms; seeded by torch::manual_seed), on `device` in `dtype`.
[[nodiscard]] CausalLM buildModel(const ModelConfig& config, torch::Device device,
                                  torch::Dtype dtype);

// A separate model with the same config and equal weights (a frozen DPO reference, say), on
// `device` in `dtype` (the original's when absent). Gradients and later updates are not shared.
[[nodiscard]] CausalLM cloneModel(const CausalLMImpl& model,
                                  std::optional<torch::Device> device = std::nullopt,
                                  std::optional<torch::Dtype> dtype = std::nullopt);

// Positions for left- or right-padded rows: the number of real tokens before each position,
// (B, T) from a (B, T_past + T) padding mask, taking the last T. Padding positions get 0 (or
// the previous real position), which the mask hides anyway.
[[nodiscard]] torch::Tensor positionIdsFromMask(const torch::Tensor& keyPaddingMask,
                                                std::int64_t newLength);

}  // namespace ladder::model
