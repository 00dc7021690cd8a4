// Checkpoints in Hugging Face layout: a folder with config.json and model.safetensors (or shards
// listed in model.safetensors.index.json), loaded into and saved from a CausalLM, and a content
// hash of a model for the reference log-prob cache.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/causal_lm.h"

namespace ladder::model {

// config.json + weights from a Hugging Face model folder, on `device` in `dtype`. Throws
// ladder::Error naming the file and the tensor when something is missing, unexpected or of the
// wrong shape.
[[nodiscard]] CausalLM loadPretrained(const std::filesystem::path& folder, torch::Device device,
                                      torch::Dtype dtype);

// The weight files of a model folder: model.safetensors, or the shards that
// model.safetensors.index.json lists. Throws ladder::Error when there are none.
[[nodiscard]] std::vector<std::filesystem::path> weightFiles(const std::filesystem::path& folder);

struct LoadWeightsOptions {
    // Tensors the model has no place for are an error unless this is set (a file that also holds
    // other things, like dpo_reference.py's input_ids and loss_mask). Hugging Face's own leftovers
    // (rotary_emb.inv_freq, GPT-2's attn.bias / attn.masked_bias buffers, a tied lm_head) are
    // always skipped.
    bool ignoreUnexpected = false;
};

// Checks, from their headers alone, that `files` hold every weight of the model `config`
// describes with its shape and nothing else. Throws ladder::Error naming the tensor and the
// config.json field (configSource: the config's path) that disagree.
void checkWeightsFitConfig(const ModelConfig& config, const std::vector<std::filesystem::path>& files,
                           const std::string& configSource);

// Copies every weight of `model` from `files` (converted to the model's dtype and device), after
// checking that each is present exactly once with the model's shape. GPT-2 names are accepted
// with or without the "transformer." prefix.
void loadWeights(CausalLMImpl& model, const std::vector<std::filesystem::path>& files,
                 const LoadWeightsOptions& options = {});

// transformers 5's default max_shard_size: 50 GB (decimal).
constexpr std::int64_t kDefaultMaxShardBytes = 50'000'000'000;

// Writes config.json and the weights into `folder` (created if needed), as `dtype` (kFloat,
// kHalf or kBFloat16; the model's own when absent), a tied lm_head once: model.safetensors, or,
// when they come to more than maxShardBytes, shards model-00001-of-0000N.safetensors (filled in
// name order, a weight larger than the limit alone in its shard) listed in
// model.safetensors.index.json, as transformers saves them. Weight files of an earlier save in
// the folder are removed. Each file is written atomically.
void savePretrained(const CausalLMImpl& model, const std::filesystem::path& folder,
                    std::optional<torch::Dtype> dtype = std::nullopt,
                    std::int64_t maxShardBytes = kDefaultMaxShardBytes);

// savePretrained()'s writing, for weights given by name (sorted by name) with their config.
void writeModelFolder(const std::vector<std::pair<std::string, torch::Tensor>>& weights,
                      ModelConfig config, const std::filesystem::path& folder, torch::Dtype saveAs,
                      std::int64_t maxShardBytes = kDefaultMaxShardBytes);

// A stable content hash (32 hex digits) of the architecture (config.json fields, without
// torch_dtype) and every weight's name, dtype, shape and bytes, in name order: equal hashes mean
// equal log-probs. For the reference log-prob cache key.
[[nodiscard]] std::string weightsHash(const CausalLMImpl& model);

// "float32", "float16", "bfloat16" <-> torch dtypes (config.json's torch_dtype, run configs).
[[nodiscard]] std::string dtypeName(torch::Dtype dtype);
[[nodiscard]] torch::Dtype dtypeFromName(const std::string& name);  // throws ladder::Error

}  // namespace ladder::model
