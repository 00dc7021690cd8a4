// Rotary position embeddings, rotate-half layout.
#include "core/model/rotary.h"

#include <cmath>
#include <vector>

namespace ladder::model {
namespace {

// The D/2 exponents 2i/D, float32 on `device` (arange in float32, as transformers' int64 arange
// cast to float gives the same small integers).
torch::Tensor rotaryExponents(std::int64_t headDim, const torch::Device& device) {
    const auto options = torch::TensorOptions().dtype(torch::kFloat).device(device);
    return torch::arange(0, headDim, 2, options) / static_cast<double>(headDim);
}

// The text length dynamic and longrope scaling read: `length` when positive, else the largest
// position + 1 (0 for no positions).
std::int64_t textLength(const torch::Tensor& positions, std::int64_t length) {
    if (length > 0) return length;
    return positions.numel() > 0 ? positions.max().item<std::int64_t>() + 1 : 0;
}

}  // namespace

torch::Tensor rotaryInverseFrequency(std::int64_t headDim, double theta,
                                     const RopeScaling& scaling, const torch::Device& device) {
    const auto inverseFrequency = 1.0 / torch::pow(theta, rotaryExponents(headDim, device));  // (D/2)
    if (scaling.type == "linear") return inverseFrequency / scaling.factor;
    if (scaling.type != "llama3") return inverseFrequency;
    // Llama 3: long wavelengths are slowed by `factor`, short ones kept, and those between
    // interpolated smoothly in 1 / wavelength.
    const double original = static_cast<double>(scaling.originalMaxPositions);
    const double lowFreqWavelength = original / scaling.lowFreqFactor;
    const double highFreqWavelength = original / scaling.highFreqFactor;
    const auto wavelength = 2.0 * M_PI / inverseFrequency;  // (D/2)
    auto scaled = torch::where(wavelength > lowFreqWavelength, inverseFrequency / scaling.factor,
                               inverseFrequency);  // (D/2)
    const auto smooth = (original / wavelength - scaling.lowFreqFactor) /
                        (scaling.highFreqFactor - scaling.lowFreqFactor);  // (D/2)
    const auto smoothed = (1.0 - smooth) * scaled / scaling.factor + smooth * scaled;
    const auto medium = (wavelength >= highFreqWavelength) & (wavelength <= lowFreqWavelength);
    return torch::where(medium, smoothed, scaled);  // (D/2)
}

std::pair<torch::Tensor, torch::Tensor> rotaryCosSin(const torch::Tensor& positions,
                                                     std::int64_t headDim, double theta,
                                                     const RopeScaling& scaling,
                                                     torch::Dtype dtype, std::int64_t length) {
    auto inverseFrequency =
        rotaryInverseFrequency(headDim, theta, scaling, positions.device());  // (D/2)
    const std::int64_t text = scaling.type == "dynamic" || scaling.type == "longrope"
                                  ? textLength(positions, length)
                                  : 0;
    if (scaling.type == "dynamic" && text > scaling.originalMaxPositions) {
        // transformers' dynamic NTK scaling: once the text (its largest position + 1, or
        // `length`) is longer than max_position_embeddings, the base grows to theta * (factor *
        // length / max - (factor - 1))^(D / (D - 2)), for every position of this forward. In
        // float32 from a 0-dim tensor, as transformers computes it; a KV cache keeps the keys it
        // rotated before.
        const double d = static_cast<double>(headDim);
        const auto stretch = torch::tensor(text, torch::kLong) * scaling.factor /
                                 static_cast<double>(scaling.originalMaxPositions) -
                             (scaling.factor - 1.0);  // 0-dim float32
        const auto base = (torch::pow(stretch, d / (d - 2.0)) * theta).to(positions.device());
        inverseFrequency = 1.0 / torch::pow(base, rotaryExponents(headDim, positions.device()));
    }
    double scale = 1.0;
    if (scaling.type == "longrope") {
        // Phi-3's longrope: each frequency divided by its own factor, the long ones once the text
        // (its largest position + 1) outgrows the pretraining context; cos and sin scaled.
        const auto& factors =
            text > scaling.originalMaxPositions ? scaling.longFactor : scaling.shortFactor;
        const auto options = torch::TensorOptions().dtype(torch::kFloat).device(positions.device());
        const auto divisors =
            torch::tensor(std::vector<float>(factors.begin(), factors.end()), options);  // (D/2)
        inverseFrequency =
            1.0 / (divisors * torch::pow(theta, rotaryExponents(headDim, positions.device())));
        scale = scaling.attentionFactor;
    }
    const auto angles =
        positions.to(torch::kFloat).unsqueeze(-1) * inverseFrequency;  // (B, T, D/2)
    const auto both = torch::cat({angles, angles}, -1).unsqueeze(1);   // (B, 1, T, D)
    if (scale != 1.0) return {(both.cos() * scale).to(dtype), (both.sin() * scale).to(dtype)};
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
