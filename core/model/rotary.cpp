// Rotary position embeddings, rotate-half layout.
#include "core/model/rotary.h"

namespace ladder::model {

std::pair<torch::Tensor, torch::Tensor> rotaryCosSin(const torch::Tensor& positions,
                                                     std::int64_t headDim, double theta,
                                                     torch::Dtype dtype) {
    const auto options = torch::TensorOptions().dtype(torch::kFloat).device(positions.device());
    const auto exponents = torch::arange(0, headDim, 2, options) / static_cast<double>(headDim);
    const auto inverseFrequency = 1.0 / torch::pow(theta, exponents);  // (D/2)
    const auto angles =
        positions.to(torch::kFloat).unsqueeze(-1) * inverseFrequency;  // (B, T, D/2)
    const auto both = torch::cat({angles, angles}, -1).unsqueeze(1);   // (B, 1, T, D)
    return {both.cos().to(dtype), both.sin().to(dtype)};
}

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin) {
    const std::int64_t half = x.size(-1) / 2;
    const auto x1 = x.narrow(-1, 0, half);           // (B, H, T, D/2)
    const auto x2 = x.narrow(-1, half, half);        // (B, H, T, D/2)
    const auto rotated = torch::cat({-x2, x1}, -1);  // (B, H, T, D)
    return x * cos + rotated * sin;                  // (B, H, T, D)
}

}  // namespace ladder::model
