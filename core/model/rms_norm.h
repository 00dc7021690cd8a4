// RMSNorm (Llama family): x / sqrt(mean(x^2) + eps) * weight, computed in float32 whatever the
// weights' dtype, as Hugging Face does, so bf16 models normalise the same way. Gemma's (plusOne)
// multiplies by (1 + weight) in float32 before the cast back.
#pragma once

#include <torch/torch.h>

namespace ladder::model {

class RMSNormImpl : public torch::nn::Module {
public:
    RMSNormImpl(std::int64_t dim, double eps, bool plusOne = false);
    torch::Tensor forward(const torch::Tensor& x);  // (..., C) -> (..., C)

private:
    torch::Tensor m_weight;  // (C), registered as "weight"
    double m_eps;
    bool m_plusOne;
};
TORCH_MODULE(RMSNorm);

}  // namespace ladder::model
