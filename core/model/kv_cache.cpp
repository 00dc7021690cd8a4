// KvCache: concatenation along time per layer (torch::cat keeps the autograd graph).
#include "core/model/kv_cache.h"

#include <torch/torch.h>

namespace ladder::model {

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::size_t layer,
                                                        const torch::Tensor& keys,
                                                        const torch::Tensor& values) {
    TORCH_CHECK(layer <= m_keys.size(), "KvCache: layer ", layer, " appended before layer ",
                m_keys.size());
    if (layer == m_keys.size()) {
        m_keys.push_back(keys);
        m_values.push_back(values);
    } else {
        TORCH_CHECK(m_keys[layer].size(0) == keys.size(0), "KvCache: batch of ", keys.size(0),
                    " rows appended to a cache of ", m_keys[layer].size(0),
                    " rows; use indexSelect() to match the rows first");
        m_keys[layer] = torch::cat({m_keys[layer], keys}, 2);        // (B, H_kv, T_past + T, D)
        m_values[layer] = torch::cat({m_values[layer], values}, 2);  // (B, H_kv, T_past + T, D)
    }
    return {m_keys[layer], m_values[layer]};
}

std::int64_t KvCache::pastLength() const {
    return m_keys.empty() ? 0 : m_keys.front().size(2);
}

std::int64_t KvCache::batchSize() const {
    return m_keys.empty() ? 0 : m_keys.front().size(0);
}

KvCache KvCache::indexSelect(const torch::Tensor& rows) const {
    KvCache out;
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        const auto index = rows.to(m_keys[i].device(), torch::kLong);
        out.m_keys.push_back(m_keys[i].index_select(0, index));      // (N, H_kv, T_past, D)
        out.m_values.push_back(m_values[i].index_select(0, index));  // (N, H_kv, T_past, D)
    }
    return out;
}

KvCache KvCache::detached() const {
    KvCache out;
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        out.m_keys.push_back(m_keys[i].detach());
        out.m_values.push_back(m_values[i].detach());
    }
    return out;
}

}  // namespace ladder::model
