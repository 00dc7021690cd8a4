// CausalLMImpl's shared checks, positions and masks; buildModel() and its weight initialisation.
#include "core/model/causal_lm.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <new>

#include <spdlog/fmt/fmt.h>

#include "core/common/error.h"
#include "core/model/attention.h"
#include "core/model/gpt2.h"
#include "core/model/llama.h"
#include "core/model/lora.h"
#include "core/model/recompute.h"
#include "core/model/shape_text.h"

namespace ladder::model {
std::vector<std::pair<std::string, torch::Tensor>> CausalLMImpl::hfWeights() const {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : named_parameters(/*recurse=*/true)) {
        out.emplace_back(item.key(), item.value());
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

torch::Device CausalLMImpl::device() const {
    return parameters().front().device();
}

torch::Dtype CausalLMImpl::dtype() const {
    return parameters().front().scalar_type();
}

torch::Tensor CausalLMImpl::positionsOf(const ForwardInput& input) {
    const auto b = input.inputIds.size(0), t = input.inputIds.size(1);
    if (input.positionIds.defined()) {
        return input.positionIds.to(input.inputIds.device(), torch::kLong);  // (B, T)
    }
    const std::int64_t past = input.cache ? input.cache->pastLength() : 0;
    const auto options = torch::TensorOptions().dtype(torch::kLong).device(input.inputIds.device());
    return torch::arange(past, past + t, options).unsqueeze(0).expand({b, t});  // (B, T)
}

std::vector<torch::Tensor> CausalLMImpl::trainableParameters() const {
    if (m_lora) return m_lora->parameters();
    return parameters();
}

void CausalLMImpl::connectLora(const std::shared_ptr<LoraAdapter>& adapter,
                               const std::vector<std::string>& /*targets*/) {
    if (!adapter) {
        m_lora = nullptr;
        return;
    }
    throw Error(std::string("LoRA adapters are for Llama-family models (Llama, Mistral, Qwen2, "
                            "Qwen3); this model is ") + toString(m_config.family) +
                ": train it fully (lora.rank 0)");
}

torch::Tensor CausalLMImpl::runLayer(const std::function<torch::Tensor(const torch::Tensor&)>& layer,
                                     const torch::Tensor& x, const ForwardInput& input) const {
    if (!m_checkpointing || input.cache || !torch::GradMode::is_enabled()) return layer(x);
    // The layer may draw (LoRA dropout): the recomputation replays the generator.
    return recomputed(layer, x, /*preserveRng=*/is_training());
}

torch::Tensor CausalLMImpl::prepare(const ForwardInput& input) const {
    const auto& ids = input.inputIds;
    if (!ids.defined() || ids.dim() != 2 || ids.scalar_type() != torch::kLong) {
        throw Error("model forward: inputIds must be a (B, T) int64 tensor, got " +
                    (ids.defined() ? shapeText(ids.sizes()) + " " +
                                         std::string(c10::toString(ids.scalar_type()))
                                   : std::string("nothing")));
    }
    const auto b = ids.size(0), t = ids.size(1);
    if (ids.numel() > 0) {
        const auto range = torch::aminmax(ids);
        const auto low = std::get<0>(range).item<std::int64_t>();
        const auto high = std::get<1>(range).item<std::int64_t>();
        if (low < 0 || high >= m_config.vocabSize) {
            throw Error("model forward: token id " + std::to_string(low < 0 ? low : high) +
                        " is outside the vocabulary of " + std::to_string(m_config.vocabSize) +
                        ": does the tokenizer belong to this model?");
        }
    }
    std::int64_t past = 0;
    if (input.cache && !input.cache->empty()) {
        past = input.cache->pastLength();
        if (input.cache->batchSize() != b) {
            throw Error("model forward: " + std::to_string(b) + " rows against a KV cache of " +
                        std::to_string(input.cache->batchSize()) +
                        " rows: select the cache's rows with indexSelect() first");
        }
        if (input.cache->numLayers() != static_cast<std::size_t>(m_config.numLayers)) {
            throw Error("model forward: the KV cache has " +
                        std::to_string(input.cache->numLayers()) + " layers, the model " +
                        std::to_string(m_config.numLayers) + " (an interrupted forward?)");
        }
    }
    if (input.positionIds.defined() &&
        (input.positionIds.dim() != 2 || input.positionIds.size(0) != b ||
         input.positionIds.size(1) != t)) {
        throw Error("model forward: positionIds must be (B, T) = (" + std::to_string(b) + ", " +
                    std::to_string(t) + "), got " + shapeText(input.positionIds.sizes()));
    }
    if (input.attentionMask.defined()) {
        const auto& full = input.attentionMask;
        if (input.cache || full.dim() != 4 || full.size(0) != b || full.size(1) != 1 ||
            full.size(2) != t || full.size(3) != t || full.scalar_type() != torch::kBool) {
            throw Error("model forward: attentionMask must be a (B, 1, T, T) = (" +
                        std::to_string(b) + ", 1, " + std::to_string(t) + ", " +
                        std::to_string(t) + ") bool tensor without a KV cache, got " +
                        shapeText(full.sizes()));
        }
        return full.to(ids.device());
    }
    if (!input.keyPaddingMask.defined()) return {};
    const auto& mask = input.keyPaddingMask;
    if (mask.dim() != 2 || mask.size(0) != b || mask.size(1) != past + t) {
        throw Error("model forward: keyPaddingMask must be (B, T_past + T) = (" +
                    std::to_string(b) + ", " + std::to_string(past + t) + "), got " +
                    shapeText(mask.sizes()));
    }
    return buildAttentionMask(mask.to(ids.device()), t, past + t);  // (B, 1, T, T_past + T)
}

CausalLM buildModel(const ModelConfig& config, torch::Device device, torch::Dtype dtype) {
    config.validate();
    // The model is built in float32 in main memory, whatever its device and dtype: a model that
    // cannot fit is refused here, before the allocator fails (or the kernel ends the process).
    const double bytes = 4 * parameterCount(config);
    const auto memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                        static_cast<double>(::sysconf(_SC_PAGE_SIZE));
    const auto gigabytes = [](double b) { return fmt::format("{:.0f} GB", std::ceil(b / 1e9)); };
    if (memory > 0 && bytes > memory) {
        throw Error(fmt::format("the model needs {} ({:.1e} parameters as float32) but this "
                                "machine has {} of memory: check {}",
                                gigabytes(bytes), bytes / 4, gigabytes(memory),
                                sizesText(config)));
    }
    try {
        CausalLM model;
        switch (config.family) {
            case ModelFamily::Llama:
                model = std::make_shared<LlamaImpl>(config);
                break;
            case ModelFamily::Gpt2:
                model = std::make_shared<Gpt2Impl>(config);
                break;
        }
        // Hugging Face's initialisation: N(0, 0.02) matrices and embeddings, zero biases, unit
        // norms (Gemma's weights 0); GPT-2 scales its residual projections by 1/sqrt(2 * layers).
        torch::NoGradGuard noGrad;
        for (auto& item : model->named_parameters(/*recurse=*/true)) {
            const std::string& name = item.key();
            torch::Tensor& p = item.value();
            if (name.ends_with("bias")) {
                p.zero_();
            } else if (p.dim() == 1) {
                p.fill_(config.gemma ? 0.0 : 1.0);  // Gemma's norms multiply by 1 + weight
            } else {
                double std = 0.02;
                if (config.family == ModelFamily::Gpt2 && name.ends_with("c_proj.weight")) {
                    std /= std::sqrt(2.0 * static_cast<double>(config.numLayers));
                }
                p.normal_(0.0, std);
            }
        }
        model->to(device, dtype);
        return model;
    } catch (const c10::Error& e) {
        throw Error(fmt::format("building the model ({:.1e} parameters, {} as float32) failed: {}: "
                                "check {}, or free memory on {}",
                                bytes / 4, gigabytes(bytes), e.what_without_backtrace(),
                                sizesText(config), device.str()));
    } catch (const std::bad_alloc&) {
        throw Error(fmt::format("out of memory building the model ({:.1e} parameters, {} as "
                                "float32): check {}",
                                bytes / 4, gigabytes(bytes), sizesText(config)));
    }
}

CausalLM cloneModel(const CausalLMImpl& model, std::optional<torch::Device> device,
                    std::optional<torch::Dtype> dtype) {
    CausalLM copy =
        buildModel(model.config(), device.value_or(model.device()), dtype.value_or(model.dtype()));
    torch::NoGradGuard noGrad;
    const auto source = model.hfWeights();
    const auto target = copy->hfWeights();
    for (std::size_t i = 0; i < source.size(); ++i) {
        torch::Tensor destination = target[i].second;
        destination.copy_(source[i].second);
    }
    return copy;
}

torch::Tensor positionIdsFromMask(const torch::Tensor& keyPaddingMask, std::int64_t newLength) {
    const auto counts = keyPaddingMask.to(torch::kLong).cumsum(1);         // (B, T_past + T)
    const auto positions = (counts - 1).clamp_min(0);                      // (B, T_past + T)
    return positions.narrow(1, positions.size(1) - newLength, newLength);  // (B, T)
}

}  // namespace ladder::model
