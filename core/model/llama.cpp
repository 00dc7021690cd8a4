// Llama-family forward pass. Letters as in causal_lm.h.
#include "core/model/llama.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/common/error.h"
#include "core/model/attention.h"
#include "core/model/rotary.h"

namespace ladder::model {
namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// (B, H_kv, T, D) -> (B, H, T, D): query head h reads key/value head h / (H / H_kv).
torch::Tensor repeatKv(const torch::Tensor& x, std::int64_t groups) {
    if (groups == 1) return x;
    const auto b = x.size(0), hKv = x.size(1), t = x.size(2), d = x.size(3);
    return x.unsqueeze(2).expand({b, hKv, groups, t, d}).reshape({b, hKv * groups, t, d});
}

// y + the adapter's update of x, when `module` is adapted and the adapter is on.
torch::Tensor adapted(const LoraAdapter* adapter, const LoraModule* module, torch::Tensor y,
                      const torch::Tensor& x, bool training) {
    if (!adapter || !module || !adapter->isEnabled()) return y;
    return y + adapter->delta(*module, x, training);
}

}  // namespace

LlamaAttentionImpl::LlamaAttentionImpl(const ModelConfig& config)
    : m_numHeads(config.numHeads),
      m_numKvHeads(config.numKvHeads),
      m_headDim(config.headDimension()) {
    const auto c = config.hiddenSize;
    if (config.fusedProjections) {
        m_qkvProj = register_module(
            "qkv_proj", linear(c, (m_numHeads + 2 * m_numKvHeads) * m_headDim, false));
    } else {
        m_qProj =
            register_module("q_proj", linear(c, m_numHeads * m_headDim, config.attentionBias));
        m_kProj =
            register_module("k_proj", linear(c, m_numKvHeads * m_headDim, config.attentionBias));
        m_vProj =
            register_module("v_proj", linear(c, m_numKvHeads * m_headDim, config.attentionBias));
    }
    m_oProj =
        register_module("o_proj", linear(m_numHeads * m_headDim, c, config.attentionOutputBias));
    if (config.qkNorm) {
        m_qNorm = register_module("q_norm", RMSNorm(m_headDim, config.normEps, config.gemma));
        m_kNorm = register_module("k_norm", RMSNorm(m_headDim, config.normEps, config.gemma));
    }
    if (config.queryPreAttnScalar > 0.0) m_scale = 1.0 / std::sqrt(config.queryPreAttnScalar);
    m_softcap = config.attnLogitSoftcap;
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, const torch::Tensor& mask,
                                          KvCache* cache, std::size_t layer) {
    const auto b = x.size(0), t = x.size(1);
    const auto qWidth = m_numHeads * m_headDim, kvWidth = m_numKvHeads * m_headDim;
    // One matrix product for q, k and v (a larger GEMM runs faster than three small ones); the
    // weights stay three Hugging Face parameters (one, Phi-3's qkv_proj, when fused).
    const bool fused = !m_qkvProj.is_empty();
    auto weight = fused ? m_qkvProj->weight
                        : torch::cat({m_qProj->weight, m_kProj->weight, m_vProj->weight});  // (Q+2K, C)
    auto bias = !fused && m_qProj->bias.defined()
                    ? torch::cat({m_qProj->bias, m_kProj->bias, m_vProj->bias})
                    : torch::Tensor();
    // split (not narrow): its backward concatenates the three gradients instead of adding three
    // zero-padded ones.
    auto parts = torch::nn::functional::linear(x, weight, bias)
                     .split_with_sizes({qWidth, kvWidth, kvWidth}, 2);  // (B, T, Q|K|K)
    for (std::size_t j = 0; j < 3; ++j) parts[j] = adapted(m_adapter, m_lora[j], parts[j], x, is_training());
    auto q = parts[0].view({b, t, m_numHeads, m_headDim}).transpose(1, 2);     // (B, H, T, D)
    auto k = parts[1].view({b, t, m_numKvHeads, m_headDim}).transpose(1, 2);   // (B, H_kv, T, D)
    auto v = parts[2].view({b, t, m_numKvHeads, m_headDim}).transpose(1, 2);   // (B, H_kv, T, D)
    if (!m_qNorm.is_empty()) {
        q = m_qNorm(q);  // over D, each head on its own
        k = m_kNorm(k);
    }
    q = applyRotary(q, cos, sin);
    k = applyRotary(k, cos, sin);
    if (cache) std::tie(k, v) = cache->append(layer, k, v);  // (B, H_kv, T_past + T, D)
    const auto groups = m_numHeads / m_numKvHeads;
    const auto y = attention(q, repeatKv(k, groups), repeatKv(v, groups), mask, m_softcap,
                             m_scale);  // (B, H, T, D)
    const auto z = y.transpose(1, 2).reshape({b, t, m_numHeads * m_headDim});       // (B, T, Q)
    return adapted(m_adapter, m_lora[3], m_oProj(z), z, is_training());               // (B, T, C)
}

void LlamaAttentionImpl::setLora(const LoraAdapter* adapter,
                                 std::array<const LoraModule*, 4> modules) {
    m_adapter = adapter;
    m_lora = modules;
}

LlamaMlpImpl::LlamaMlpImpl(const ModelConfig& config) : m_gelu(config.gemma) {
    const auto c = config.hiddenSize, hidden = config.intermediateSize;
    if (config.fusedProjections) {
        m_gateUpProj = register_module("gate_up_proj", linear(c, 2 * hidden, false));
    } else {
        m_gateProj = register_module("gate_proj", linear(c, hidden, false));
        m_upProj = register_module("up_proj", linear(c, hidden, false));
    }
    m_downProj = register_module("down_proj", linear(hidden, c, false));
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
    // Gate and up projections in one matrix product, as for q/k/v.
    const auto weight = m_gateUpProj.is_empty()
                            ? torch::cat({m_gateProj->weight, m_upProj->weight})
                            : m_gateUpProj->weight;                            // (2I, C), gate first
    const auto both = torch::nn::functional::linear(x, weight).chunk(2, 2);    // 2 x (B, T, I)
    const auto gate = adapted(m_adapter, m_lora[0], both[0], x, is_training());
    const auto up = adapted(m_adapter, m_lora[1], both[1], x, is_training());
    const auto h = (m_gelu ? torch::gelu(gate, "tanh") : torch::silu(gate)) * up;  // (B, T, I)
    return adapted(m_adapter, m_lora[2], m_downProj(h), h, is_training());     // (B, T, C)
}

void LlamaMlpImpl::setLora(const LoraAdapter* adapter, std::array<const LoraModule*, 3> modules) {
    m_adapter = adapter;
    m_lora = modules;
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const ModelConfig& config) {
    m_selfAttn = register_module("self_attn", LlamaAttention(config));
    m_mlp = register_module("mlp", LlamaMlp(config));
    const auto norm = [&] { return RMSNorm(config.hiddenSize, config.normEps, config.gemma); };
    m_inputNorm = register_module("input_layernorm", norm());
    m_postAttentionNorm = register_module("post_attention_layernorm", norm());
    if (config.gemma) {
        m_preFeedforwardNorm = register_module("pre_feedforward_layernorm", norm());
        m_postFeedforwardNorm = register_module("post_feedforward_layernorm", norm());
    }
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                             const torch::Tensor& sin, const torch::Tensor& mask,
                                             KvCache* cache, std::size_t layer) {
    if (!m_preFeedforwardNorm.is_empty()) {  // Gemma's norms around each block's output too
        const auto h =
            x + m_postAttentionNorm(m_selfAttn(m_inputNorm(x), cos, sin, mask, cache, layer));
        return h + m_postFeedforwardNorm(m_mlp(m_preFeedforwardNorm(h)));  // (B, T, C)
    }
    const auto h = x + m_selfAttn(m_inputNorm(x), cos, sin, mask, cache, layer);  // (B, T, C)
    return h + m_mlp(m_postAttentionNorm(h));                                     // (B, T, C)
}

LlamaDecoderImpl::LlamaDecoderImpl(const ModelConfig& config) {
    embedTokens =
        register_module("embed_tokens", torch::nn::Embedding(config.vocabSize, config.hiddenSize));
    layers = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.numLayers; ++i)
        layers->push_back(LlamaDecoderLayer(config));
    norm = register_module("norm", RMSNorm(config.hiddenSize, config.normEps, config.gemma));
}

LlamaImpl::LlamaImpl(const ModelConfig& config) : CausalLMImpl(config) {
    m_model = register_module("model", LlamaDecoder(config));
    if (!config.tieWordEmbeddings) {
        m_lmHead = register_module("lm_head", linear(config.hiddenSize, config.vocabSize, false));
    }
}

torch::Tensor LlamaImpl::hidden(const ForwardInput& input) {
    const ModelConfig& c = config();
    const auto full = prepare(input);               // (B, 1, T, T_past + T) or undefined
    auto positions = positionsOf(input);            // (B, T)
    torch::Tensor windowed = full;
    if (c.slidingWindow > 0) {
        const auto t = input.inputIds.size(1);
        const auto past = input.cache ? input.cache->pastLength() : 0;
        // A full mask comes with the packed layout, whose columns are not positions.
        windowed = slidingWindowMask(full, t, past + t, c.slidingWindow,
                                     input.attentionMask.defined() ? positions : torch::Tensor(),
                                     input.inputIds.device());
    }
    // Without explicit positions every row has the same ones: one row of cos/sin broadcasts.
    if (!input.positionIds.defined()) positions = positions.narrow(0, 0, 1);  // (1, T)
    auto x = m_model->embedTokens(input.inputIds);  // (B, T, C)
    if (c.gemma) {
        // sqrt(C) rounded to float32, then to the weights' dtype, as Gemma's scaled embedding does.
        const auto scale = static_cast<float>(std::sqrt(static_cast<double>(c.hiddenSize)));
        switch (x.scalar_type()) {
            case torch::kBFloat16: x = x * static_cast<float>(c10::BFloat16(scale)); break;
            case torch::kHalf: x = x * static_cast<float>(c10::Half(scale)); break;
            default: x = x * scale;
        }
    }
    const auto [cos, sin] = rotaryCosSin(positions, c.headDimension(), c.ropeTheta, c.ropeScaling,
                                         x.scalar_type(), input.ropeLength);  // (B, 1, T, D)
    // Gemma 3's sliding layers turn at their own base, unscaled.
    torch::Tensor localCos = cos, localSin = sin;
    if (c.localRopeTheta > 0.0) {
        std::tie(localCos, localSin) = rotaryCosSin(positions, c.headDimension(), c.localRopeTheta,
                                                    RopeScaling{}, x.scalar_type());
    }
    for (std::size_t i = 0; i < m_model->layers->size(); ++i) {
        auto* layer = m_model->layers[i]->as<LlamaDecoderLayer>();
        const bool sliding = c.slidingWindow > 0 &&
                             (c.slidingLayers.empty() || c.slidingLayers[i]);
        const auto mask = sliding ? windowed : full;
        const auto layerCos = sliding ? localCos : cos;
        const auto layerSin = sliding ? localSin : sin;
        // By value: a checkpointed layer runs again in the backward pass, after hidden() returned.
        x = runLayer([layer, layerCos, layerSin, mask, cache = input.cache, i](const torch::Tensor& h) {
            return layer->forward(h, layerCos, layerSin, mask, cache, i);
        }, x, input);  // (B, T, C)
    }
    return m_model->norm(x);  // (B, T, C)
}

void LlamaImpl::connectLora(const std::shared_ptr<LoraAdapter>& adapter,
                            const std::vector<std::string>& targets) {
    if (adapter && config().fusedProjections) {
        throw Error("LoRA adapters on " + config().modelType + "'s fused qkv_proj and gate_up_proj " +
                    "are not supported yet: train it fully (lora.rank 0)");
    }
    const auto wanted = [&](const std::string& name) {
        return std::find(targets.begin(), targets.end(), name) != targets.end();
    };
    const auto c = config().hiddenSize, i = config().intermediateSize;
    const auto q = config().numHeads * config().headDimension();
    const auto kv = config().numKvHeads * config().headDimension();
    // Adapters train in float32 whatever the base's dtype (a bfloat16 base stays frozen; a
    // float64 model, in tests, keeps float64).
    const auto options = torch::TensorOptions().device(device()).dtype(
        dtype() == torch::kDouble ? torch::kDouble : torch::kFloat);
    for (std::size_t l = 0; l < m_model->layers->size(); ++l) {
        auto* layer = m_model->layers[l]->as<LlamaDecoderLayer>();
        const auto prefix = "model.layers." + std::to_string(l) + ".";
        // One module per (name, in, out), or null where the name is not a target.
        const auto add = [&](const std::string& part, const std::string& name, std::int64_t in,
                             std::int64_t out) -> const LoraModule* {
            if (!adapter || !wanted(name)) return nullptr;
            return adapter->add(prefix + part + name, in, out, options);
        };
        layer->attention().setLora(adapter.get(), {add("self_attn.", "q_proj", c, q),
                                                   add("self_attn.", "k_proj", c, kv),
                                                   add("self_attn.", "v_proj", c, kv),
                                                   add("self_attn.", "o_proj", q, c)});
        layer->mlp().setLora(adapter.get(), {add("mlp.", "gate_proj", c, i),
                                             add("mlp.", "up_proj", c, i),
                                             add("mlp.", "down_proj", i, c)});
    }
    m_lora = adapter;
}

torch::Tensor LlamaImpl::logits(const torch::Tensor& hidden) {
    auto out = m_lmHead ? m_lmHead(hidden)
                        : torch::nn::functional::linear(hidden, m_model->embedTokens->weight);
    const double cap = config().finalLogitSoftcap;
    if (cap > 0.0) out = torch::tanh(out / cap) * cap;  // Gemma 2's final_logit_softcapping
    return out;                                          // (..., V)
}

}  // namespace ladder::model
