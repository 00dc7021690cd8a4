// GPT-2 forward pass. Letters as in causal_lm.h.
#include "core/model/gpt2.h"

#include "core/common/error.h"
#include "core/model/attention.h"

namespace ladder::model {
namespace {

torch::nn::LayerNorm layerNorm(const ModelConfig& config) {
    return torch::nn::LayerNorm(
        torch::nn::LayerNormOptions({config.hiddenSize}).eps(config.normEps));
}

}  // namespace

Conv1DImpl::Conv1DImpl(std::int64_t in, std::int64_t out) {
    m_weight = register_parameter("weight", torch::empty({in, out}));
    m_bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor Conv1DImpl::forward(const torch::Tensor& x) {
    auto shape = x.sizes().vec();
    shape.back() = m_weight.size(1);
    const auto flat = x.reshape({-1, x.size(-1)});            // (N, in)
    return torch::addmm(m_bias, flat, m_weight).view(shape);  // (..., out)
}

Gpt2AttentionImpl::Gpt2AttentionImpl(const ModelConfig& config) : m_numHeads(config.numHeads) {
    m_cAttn = register_module("c_attn", Conv1D(config.hiddenSize, 3 * config.hiddenSize));
    m_cProj = register_module("c_proj", Conv1D(config.hiddenSize, config.hiddenSize));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                         KvCache* cache, std::size_t layer) {
    const auto b = x.size(0), t = x.size(1), c = x.size(2), d = c / m_numHeads;
    const auto qkv = m_cAttn(x).split(c, -1);                           // 3 x (B, T, C)
    const auto q = qkv[0].view({b, t, m_numHeads, d}).transpose(1, 2);  // (B, H, T, D)
    auto k = qkv[1].view({b, t, m_numHeads, d}).transpose(1, 2);        // (B, H, T, D)
    auto v = qkv[2].view({b, t, m_numHeads, d}).transpose(1, 2);        // (B, H, T, D)
    if (cache) std::tie(k, v) = cache->append(layer, k, v);             // (B, H, T_past + T, D)
    const auto y = attention(q, k, v, mask);                            // (B, H, T, D)
    return m_cProj(y.transpose(1, 2).reshape({b, t, c}));               // (B, T, C)
}

Gpt2MlpImpl::Gpt2MlpImpl(const ModelConfig& config) {
    m_cFc = register_module("c_fc", Conv1D(config.hiddenSize, config.intermediateSize));
    m_cProj = register_module("c_proj", Conv1D(config.intermediateSize, config.hiddenSize));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x) {
    return m_cProj(torch::gelu(m_cFc(x), "tanh"));  // (B, T, C)
}

Gpt2BlockImpl::Gpt2BlockImpl(const ModelConfig& config) {
    m_ln1 = register_module("ln_1", layerNorm(config));
    m_attn = register_module("attn", Gpt2Attention(config));
    m_ln2 = register_module("ln_2", layerNorm(config));
    m_mlp = register_module("mlp", Gpt2Mlp(config));
}

torch::Tensor Gpt2BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                     KvCache* cache, std::size_t layer) {
    const auto h = x + m_attn(m_ln1(x), mask, cache, layer);  // (B, T, C)
    return h + m_mlp(m_ln2(h));                               // (B, T, C)
}

Gpt2DecoderImpl::Gpt2DecoderImpl(const ModelConfig& config) {
    wte = register_module("wte", torch::nn::Embedding(config.vocabSize, config.hiddenSize));
    wpe = register_module("wpe",
                          torch::nn::Embedding(config.maxPositionEmbeddings, config.hiddenSize));
    h = register_module("h", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.numLayers; ++i) h->push_back(Gpt2Block(config));
    lnF = register_module("ln_f", layerNorm(config));
}

Gpt2Impl::Gpt2Impl(const ModelConfig& config) : CausalLMImpl(config) {
    m_transformer = register_module("transformer", Gpt2Decoder(config));
    if (!config.tieWordEmbeddings) {
        m_lmHead = register_module(
            "lm_head",
            torch::nn::Linear(
                torch::nn::LinearOptions(config.hiddenSize, config.vocabSize).bias(false)));
    }
}

torch::Tensor Gpt2Impl::hidden(const ForwardInput& input) {
    const auto mask = prepare(input);           // (B, 1, T, T_past + T) or undefined
    const auto positions = positionsOf(input);  // (B, T)
    const auto limit = config().maxPositionEmbeddings;
    if (positions.numel() > 0 && positions.max().item<std::int64_t>() >= limit) {
        throw Error("GPT-2 position " + std::to_string(positions.max().item<std::int64_t>()) +
                    " is past the model's n_positions (" + std::to_string(limit) +
                    "): shorten the prompt or the answer");
    }
    auto x = m_transformer->wte(input.inputIds) + m_transformer->wpe(positions);  // (B, T, C)
    for (std::size_t i = 0; i < m_transformer->h->size(); ++i) {
        auto* block = m_transformer->h[i]->as<Gpt2Block>();
        // By value: a checkpointed layer runs again in the backward pass, after hidden() returned.
        x = runLayer([block, mask, cache = input.cache, i](const torch::Tensor& h) {
            return block->forward(h, mask, cache, i);
        }, x, input);  // (B, T, C)
    }
    return m_transformer->lnF(x);  // (B, T, C)
}

torch::Tensor Gpt2Impl::logits(const torch::Tensor& hidden) {
    if (m_lmHead) return m_lmHead(hidden);                                     // (..., V)
    return torch::nn::functional::linear(hidden, m_transformer->wte->weight);  // (..., V)
}

}  // namespace ladder::model
