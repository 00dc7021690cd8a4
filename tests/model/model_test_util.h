// Helpers for the model tests: deterministic weights that tests/model/reference/*.py recomputes,
// small configs, and tensor comparisons.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"

#include "core/model/causal_lm.h"
#include "core/model/model_config.h"
#include "tests/support/test_support.h"

namespace ladder::model::test {

// One tensor of a reference checkpoint: name, shape, and the affine map of its hash values.
struct ReferenceTensor {
    const char* name;
    std::vector<std::int64_t> shape;
    double scale;
    double offset;
};

// offset + scale * u with u in [-1, 1), element i of tensor `index` from splitmix64 (the same
// function as hf_reference_logits.py's det_tensor).
torch::Tensor hashTensor(std::int64_t index, const std::vector<std::int64_t>& shape, double scale,
                         double offset);

// Writes config.json (verbatim) and model.safetensors (the tensors in name order, tensor k seeded
// with k) into `folder`.
void writeReferenceCheckpoint(const std::filesystem::path& folder, const std::string& configJson,
                              const std::vector<ReferenceTensor>& tensors);

// Small models for behaviour tests (float32, CPU, seeded weights): a Llama with grouped-query
// attention and q/k/v biases, and a GPT-2.
ModelConfig smallLlamaConfig();
ModelConfig smallGpt2Config();

// The models the cache and generation tests run on: smallLlamaConfig(), smallGpt2Config(), a
// Mistral of smallLlamaConfig()'s sizes whose sliding window (3) is shorter than their texts, and
// a Phi-3 of those sizes (fused qkv_proj and gate_up_proj, a window of 4), and a Gemma 2 of those
// sizes (soft caps, a window of 3 on its first layer, full attention on its second).
enum class TestModel { Llama, Gpt2, MistralWindow, Phi3, Gemma2 };
ModelConfig configOf(TestModel model);
const char* toString(TestModel model);

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b);

using ladder::test::errorOf;

}  // namespace ladder::model::test
