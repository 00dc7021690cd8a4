// Rotary position embeddings (RoPE) in Hugging Face's rotate-half layout: the first and second
// halves of each head's D channels form the rotated pairs (not interleaved even/odd channels).
#pragma once

#include <utility>

#include <torch/torch.h>

#include "core/model/model_config.h"

namespace ladder::model {

// The D/2 inverse frequencies theta^(-2i/D), float32 on `device`, scaled as `scaling` says
// (transformers' _compute_linear_scaling_rope_parameters and _compute_llama3_parameters).
[[nodiscard]] torch::Tensor rotaryInverseFrequency(std::int64_t headDim, double theta,
                                                   const RopeScaling& scaling,
                                                   const torch::Device& device);

// cos and sin for positions (B, T) int64: each (B, 1, T, D), in `dtype`. The angles are computed
// in float32 (position * inverse frequency) before the cast, as Hugging Face does. Dynamic and
// longrope scaling depend on the text's length, the largest of `positions` + 1 (transformers'
// dynamic_rope_update), or `length` when positive; longrope also scales cos and sin by its
// attention factor.
[[nodiscard]] std::pair<torch::Tensor, torch::Tensor> rotaryCosSin(const torch::Tensor& positions,
                                                                   std::int64_t headDim,
                                                                   double theta,
                                                                   const RopeScaling& scaling,
                                                                   torch::Dtype dtype,
                                                                   std::int64_t length = 0);

// x (B, H, T, D) rotated by its positions' angles: x * cos + rotateHalf(x) * sin.
[[nodiscard]] torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin);

}  // namespace ladder::model
