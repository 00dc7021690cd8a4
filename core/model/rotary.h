// Rotary position embeddings (RoPE) in Hugging Face's rotate-half layout: the first and second
// halves of each head's D channels form the rotated pairs (not interleaved even/odd channels).
#pragma once

#include <utility>

#include <torch/torch.h>

namespace ladder::model {

// cos and sin for positions (B, T) int64: each (B, 1, T, D), in `dtype`. The angles are computed
// in float32 (position * theta^(-2i/D)) before the cast, as Hugging Face does.
[[nodiscard]] std::pair<torch::Tensor, torch::Tensor> rotaryCosSin(const torch::Tensor& positions,
                                                                   std::int64_t headDim,
                                                                   double theta,
                                                                   torch::Dtype dtype);

// x (B, H, T, D) rotated by its positions' angles: x * cos + rotateHalf(x) * sin.
[[nodiscard]] torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin);

}  // namespace ladder::model
