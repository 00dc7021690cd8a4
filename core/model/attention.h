// The one attention kernel every model calls: at::scaled_dot_product_attention on LibTorch >= 2.0,
// an explicit softmax(QK^T / sqrt(D)) V on LibTorch 1.13. Also the mask both paths take.
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace ladder::model {

// q: (B, H, Tq, D); k, v: (B, H, Tk, D) with Tk >= Tq, the queries being the last Tq positions.
// allowed: (B or 1, 1, Tq, Tk) bool, true where a query may attend a key, or undefined for plain
// causal attention (query i sees keys 0 .. Tk - Tq + i). softcap > 0 caps the scores at
// softcap * tanh(scores / softcap) before the mask (Gemma 2), on the explicit path. scale > 0
// multiplies q.k in place of 1 / sqrt(D) (Gemma's query_pre_attn_scalar). Returns (B, H, Tq, D).
[[nodiscard]] at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   const at::Tensor& allowed, double softcap = 0.0,
                                   double scale = 0.0);

// The explicit softmax(QK^T / sqrt(D)) V path, whatever the LibTorch version: what attention()
// does on 1.13, and the reference the fused kernel is checked against on a GPU.
[[nodiscard]] at::Tensor explicitAttention(const at::Tensor& q, const at::Tensor& k,
                                           const at::Tensor& v, const at::Tensor& allowed,
                                           double softcap = 0.0, double scale = 0.0);

// The `allowed` mask for queries at the last tq of tk positions: causal AND keyPadding
// ((B, Tk) bool, true = real token). Each query may always see its own key, so a padding query
// has one key to attend and no row of the softmax is empty (no NaN, in values or gradients).
// Undefined when keyPadding is undefined (attention() then applies plain causality).
[[nodiscard]] at::Tensor buildAttentionMask(const at::Tensor& keyPadding, std::int64_t tq,
                                            std::int64_t tk);

// `allowed` (plain causality when undefined) narrowed to a sliding window of `window` positions
// (Mistral's sliding_window): a query sees its own key and the window - 1 before it. positions
// (B or 1, T), when defined, are those of the T queries, which are also the keys (no KV cache:
// the packed prompt-and-answers layout, where columns are not positions); undefined, the queries
// are the last tq of tk consecutive columns, as transformers counts them. Unchanged when no query
// can reach a key beyond the window. The mask is made on `device`.
[[nodiscard]] at::Tensor slidingWindowMask(const at::Tensor& allowed, std::int64_t tq,
                                           std::int64_t tk, std::int64_t window,
                                           const at::Tensor& positions, c10::Device device);

}  // namespace ladder::model
