// attention(): scaled dot-product attention through one function, so that the LibTorch 2.x fused
// kernel and the 1.13 explicit path see the same masks and give the same numbers.
#include "core/model/attention.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include <torch/torch.h>
#include <torch/version.h>

namespace ladder::model {
namespace {

// The columns of the last tq of tk queries, (Tq, 1), and of the tk keys, (1, Tk).
std::pair<torch::Tensor, torch::Tensor> queryAndKeyColumns(std::int64_t tq, std::int64_t tk,
                                                           const torch::Device& device) {
    const auto options = torch::TensorOptions().dtype(torch::kLong).device(device);
    return {torch::arange(tk - tq, tk, options).unsqueeze(1),  // (Tq, 1)
            torch::arange(0, tk, options).unsqueeze(0)};      // (1, Tk)
}

// (Tq, Tk) bool: query i (at absolute position Tk - Tq + i) sees keys up to its own position.
torch::Tensor causalMask(std::int64_t tq, std::int64_t tk, const torch::Device& device) {
    const auto [queryPos, keyPos] = queryAndKeyColumns(tq, tk, device);
    return keyPos <= queryPos;  // (Tq, Tk)
}

}  // namespace

torch::Tensor buildAttentionMask(const torch::Tensor& keyPadding, std::int64_t tq,
                                 std::int64_t tk) {
    if (!keyPadding.defined()) return {};
    TORCH_CHECK(keyPadding.dim() == 2 && keyPadding.size(1) == tk,
                "key padding mask must be (B, T_past + T) = (B, ", tk, "), got ",
                keyPadding.sizes());
    const auto [queryPos, keyPos] = queryAndKeyColumns(tq, tk, keyPadding.device());
    const auto causal = keyPos <= queryPos;                                  // (Tq, Tk)
    const auto self = keyPos == queryPos;                                    // (Tq, Tk)
    const auto real = keyPadding.to(torch::kBool).unsqueeze(1);              // (B, 1, Tk)
    return ((causal.unsqueeze(0) & real) | self.unsqueeze(0)).unsqueeze(1);  // (B, 1, Tq, Tk)
}

torch::Tensor slidingWindowMask(const torch::Tensor& allowed, std::int64_t tq, std::int64_t tk,
                                std::int64_t window, const torch::Tensor& positions,
                                c10::Device device) {
    TORCH_CHECK(window > 0, "sliding window must be positive, got ", window);
    torch::Tensor near;
    if (positions.defined()) {
        TORCH_CHECK(positions.dim() == 2 && positions.size(1) == tq && tq == tk,
                    "sliding window positions must be (B, T) of the queries and keys, got ",
                    positions.sizes(), " for ", tq, " queries and ", tk, " keys");
        // Key j is near query i when its position is above i's minus the window: bool at once,
        // no (B, T, T) int64 distances.
        const auto p = positions.to(device);
        near = (p.unsqueeze(1) > (p - window).unsqueeze(2)).unsqueeze(1);  // (B, 1, T, T)
    } else {
        if (tk <= window) return allowed;
        const auto [queryPos, keyPos] = queryAndKeyColumns(tq, tk, device);
        near = (keyPos > queryPos - window).unsqueeze(0).unsqueeze(0);           // (1, 1, Tq, Tk)
    }
    const auto base = allowed.defined()
                          ? allowed
                          : causalMask(tq, tk, device).unsqueeze(0).unsqueeze(0);
    return base.to(device) & near;  // (B or 1, 1, Tq, Tk)
}

torch::Tensor explicitAttention(const torch::Tensor& q, const torch::Tensor& k,
                                const torch::Tensor& v, const torch::Tensor& allowed,
                                double softcap, double scale) {
    const std::int64_t tq = q.size(2);
    const std::int64_t tk = k.size(2);
    if (!(scale > 0.0)) scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    // Scaling q (Tq x D) costs less than scaling the scores (Tq x Tk); the mask goes in place on
    // the fresh scores (matmul's backward needs its inputs, not its output).
    auto scores = torch::matmul(q * scale, k.transpose(-2, -1));  // (B, H, Tq, Tk)
    if (softcap > 0.0) scores = torch::tanh(scores / softcap) * softcap;
    if (allowed.defined()) {
        scores.masked_fill_(allowed.logical_not(), -std::numeric_limits<float>::infinity());
    } else if (tq > 1) {
        scores.masked_fill_(causalMask(tq, tk, q.device()).logical_not(),
                            -std::numeric_limits<float>::infinity());
    }
    // Softmax in float32 even for bf16/fp16 weights, as the fused kernels do internally.
    // (float64 models keep float64: tests compare layouts to 1e-12 in it.)
    const auto softmaxType = q.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    const auto weights = torch::softmax(scores, -1, softmaxType).to(q.scalar_type());
    return torch::matmul(weights, v);  // (B, H, Tq, D)
}

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& allowed, double softcap, double scale) {
    // The fused kernels have no soft cap.
    if (softcap > 0.0) return explicitAttention(q, k, v, allowed, softcap, scale);
#if TORCH_VERSION_MAJOR >= 2
    const std::int64_t tq = q.size(2);
    const std::int64_t tk = k.size(2);
    const std::optional<double> given = scale > 0.0 ? std::optional<double>(scale) : std::nullopt;
    if (!allowed.defined()) {
        // The fused kernel's is_causal aligns to the top-left corner, right only when Tq == Tk.
        if (tq == tk) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, given);
        if (tq == 1) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false, given);
        return at::scaled_dot_product_attention(q, k, v, causalMask(tq, tk, q.device()), 0.0,
                                                false, given);
    }
    return at::scaled_dot_product_attention(q, k, v, allowed, 0.0, false, given);
#else
    return explicitAttention(q, k, v, allowed, 0.0, scale);
#endif
}

}  // namespace ladder::model
