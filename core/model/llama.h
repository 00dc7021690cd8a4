// The Llama family (Llama, Mistral, Qwen2, Qwen3) as a CausalLM: RMSNorm, RoPE, SwiGLU MLP, grouped-query
// attention with optional q/k/v (and o) biases, tied or separate lm_head. The parts of one model
// live together here, nanoGPT-style; submodules are registered under Hugging Face's names, so
// named_parameters() are the checkpoint's tensor names.
#pragma once

#include <array>

#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "core/model/lora.h"
#include "core/model/rms_norm.h"

namespace ladder::model {

class LlamaAttentionImpl : public torch::nn::Module {
public:
    explicit LlamaAttentionImpl(const ModelConfig& config);
    // x (B, T, C), cos/sin (B, 1, T, D), mask (B, 1, T, T_past + T) or undefined -> (B, T, C).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin, const torch::Tensor& mask, KvCache* cache,
                          std::size_t layer);
    // q_proj, k_proj, v_proj, o_proj: each adapted by a module of `adapter`, or not (null).
    void setLora(const LoraAdapter* adapter, std::array<const LoraModule*, 4> modules);

private:
    const LoraAdapter* m_adapter = nullptr;
    std::array<const LoraModule*, 4> m_lora{};
    std::int64_t m_numHeads, m_numKvHeads, m_headDim;
    double m_scale = 0.0;       // Gemma: 1 / sqrt(query_pre_attn_scalar); 0: 1 / sqrt(head_dim)
    double m_softcap = 0.0;     // Gemma 2's attn_logit_softcapping
    torch::nn::Linear m_qProj{nullptr}, m_kProj{nullptr}, m_vProj{nullptr}, m_oProj{nullptr};
    torch::nn::Linear m_qkvProj{nullptr};  // Phi-3's q, k and v in one weight (fusedProjections)
    RMSNorm m_qNorm{nullptr}, m_kNorm{nullptr};  // Qwen3's, over each head (qkNorm)
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
public:
    explicit LlamaMlpImpl(const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)
    // gate_proj, up_proj, down_proj, as LlamaAttentionImpl::setLora.
    void setLora(const LoraAdapter* adapter, std::array<const LoraModule*, 3> modules);

private:
    const LoraAdapter* m_adapter = nullptr;
    std::array<const LoraModule*, 3> m_lora{};
    torch::nn::Linear m_gateProj{nullptr}, m_upProj{nullptr}, m_downProj{nullptr};
    torch::nn::Linear m_gateUpProj{nullptr};  // Phi-3's gate and up in one weight
    bool m_gelu = false;  // Gemma: gelu (tanh approximation) instead of silu
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl : public torch::nn::Module {
public:
    explicit LlamaDecoderLayerImpl(const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin, const torch::Tensor& mask, KvCache* cache,
                          std::size_t layer);  // (B, T, C) -> (B, T, C)
    [[nodiscard]] LlamaAttentionImpl& attention() { return *m_selfAttn; }
    [[nodiscard]] LlamaMlpImpl& mlp() { return *m_mlp; }

private:
    RMSNorm m_inputNorm{nullptr}, m_postAttentionNorm{nullptr};
    // Gemma: post_attention_layernorm normalises the attention's output, and these two the MLP's
    // input and output.
    RMSNorm m_preFeedforwardNorm{nullptr}, m_postFeedforwardNorm{nullptr};
    LlamaAttention m_selfAttn{nullptr};
    LlamaMlp m_mlp{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

// Embedding, the layers and the final norm: Hugging Face's LlamaModel, registered as "model".
class LlamaDecoderImpl : public torch::nn::Module {
public:
    explicit LlamaDecoderImpl(const ModelConfig& config);

    torch::nn::Embedding embedTokens{nullptr};  // (V, C)
    torch::nn::ModuleList layers{nullptr};      // of LlamaDecoderLayer
    RMSNorm norm{nullptr};
};
TORCH_MODULE(LlamaDecoder);

class LlamaImpl : public CausalLMImpl {
public:
    explicit LlamaImpl(const ModelConfig& config);
    torch::Tensor hidden(const ForwardInput& input) override;    // (B, T, C)
    torch::Tensor logits(const torch::Tensor& hidden) override;  // (..., C) -> (..., V)
    void connectLora(const std::shared_ptr<LoraAdapter>& adapter,
                     const std::vector<std::string>& targets) override;

private:
    LlamaDecoder m_model{nullptr};
    torch::nn::Linear m_lmHead{nullptr};  // absent when tied to the embedding
};
TORCH_MODULE(Llama);

}  // namespace ladder::model
