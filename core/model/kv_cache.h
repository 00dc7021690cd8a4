// Keys and values of past positions, per layer, so a forward over new tokens attends to them
// without recomputing them. Works with autograd: a prompt's cache computed with grad lets answer
// rows attend to it and gradients flow back into the prompt (prefix sharing in the trainer).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ladder::model {

// B batch, H_kv key/value heads, T time, D = C/H head width.
class KvCache {
public:
    KvCache() = default;

    // Appends this forward's (B, H_kv, T, D) keys and values to `layer` and returns the layer's
    // whole (B, H_kv, T_past + T, D) keys and values. Layers are appended in order 0, 1, ...
    std::pair<at::Tensor, at::Tensor> append(std::size_t layer, const at::Tensor& keys,
                                             const at::Tensor& values);

    [[nodiscard]] bool empty() const { return m_keys.empty(); }
    [[nodiscard]] std::size_t numLayers() const { return m_keys.size(); }
    [[nodiscard]] std::int64_t pastLength() const;  // T_past (0 when empty)
    [[nodiscard]] std::int64_t batchSize() const;   // B (0 when empty)
    [[nodiscard]] const at::Tensor& keys(std::size_t layer) const { return m_keys.at(layer); }
    [[nodiscard]] const at::Tensor& values(std::size_t layer) const { return m_values.at(layer); }

    // A new cache whose row i is row rows[i] of this one ((N) int64, repeats allowed): prompt
    // keys/values of B pairs feed 2B answer rows. Differentiable, like index_select.
    [[nodiscard]] KvCache indexSelect(const at::Tensor& rows) const;
    // The same keys/values cut off from the autograd graph (for generation after a forward
    // that built a graph).
    [[nodiscard]] KvCache detached() const;

private:
    std::vector<at::Tensor> m_keys;    // per layer (B, H_kv, T_past, D)
    std::vector<at::Tensor> m_values;  // per layer (B, H_kv, T_past, D)
};

}  // namespace ladder::model
