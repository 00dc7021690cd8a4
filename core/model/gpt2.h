// GPT-2 as a CausalLM: learned positions, pre-LayerNorm blocks, GELU (tanh approximation), and
// Hugging Face's Conv1D layers, whose weights are stored (in, out), the transpose of nn.Linear.
// Submodules carry Hugging Face's names, so named_parameters() are the checkpoint's tensor names.
#pragma once

#include <torch/torch.h>

#include "core/model/causal_lm.h"

namespace ladder::model {

// y = x W + b with W (in, out): Hugging Face's GPT-2 Conv1D, kept in its layout so that
// checkpoints load without transposes.
class Conv1DImpl : public torch::nn::Module {
public:
    Conv1DImpl(std::int64_t in, std::int64_t out);
    torch::Tensor forward(const torch::Tensor& x);  // (..., in) -> (..., out)

private:
    torch::Tensor m_weight;  // (in, out)
    torch::Tensor m_bias;    // (out)
};
TORCH_MODULE(Conv1D);

class Gpt2AttentionImpl : public torch::nn::Module {
public:
    explicit Gpt2AttentionImpl(const ModelConfig& config);
    // x (B, T, C), mask (B, 1, T, T_past + T) or undefined -> (B, T, C).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, KvCache* cache,
                          std::size_t layer);

private:
    std::int64_t m_numHeads;
    Conv1D m_cAttn{nullptr};  // C -> 3C: q, k, v side by side
    Conv1D m_cProj{nullptr};
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
public:
    explicit Gpt2MlpImpl(const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)

private:
    Conv1D m_cFc{nullptr}, m_cProj{nullptr};
};
TORCH_MODULE(Gpt2Mlp);

class Gpt2BlockImpl : public torch::nn::Module {
public:
    explicit Gpt2BlockImpl(const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, KvCache* cache,
                          std::size_t layer);  // (B, T, C) -> (B, T, C)

private:
    torch::nn::LayerNorm m_ln1{nullptr}, m_ln2{nullptr};
    Gpt2Attention m_attn{nullptr};
    Gpt2Mlp m_mlp{nullptr};
};
TORCH_MODULE(Gpt2Block);

// Embeddings, blocks and the final LayerNorm: Hugging Face's GPT2Model, registered as
// "transformer".
class Gpt2DecoderImpl : public torch::nn::Module {
public:
    explicit Gpt2DecoderImpl(const ModelConfig& config);

    torch::nn::Embedding wte{nullptr};  // (V, C)
    torch::nn::Embedding wpe{nullptr};  // (n_positions, C)
    torch::nn::ModuleList h{nullptr};   // of Gpt2Block
    torch::nn::LayerNorm lnF{nullptr};
};
TORCH_MODULE(Gpt2Decoder);

class Gpt2Impl : public CausalLMImpl {
public:
    explicit Gpt2Impl(const ModelConfig& config);
    torch::Tensor hidden(const ForwardInput& input) override;    // (B, T, C)
    torch::Tensor logits(const torch::Tensor& hidden) override;  // (..., C) -> (..., V)

private:
    Gpt2Decoder m_transformer{nullptr};
    torch::nn::Linear m_lmHead{nullptr};  // absent when tied to wte (GPT-2's default)
};
TORCH_MODULE(Gpt2);

}  // namespace ladder::model
