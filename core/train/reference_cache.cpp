#include "core/train/reference_cache.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/train/batch.h"

namespace ladder::train {

ReferenceCache::ReferenceCache(store::Database& db, std::string modelKey, std::string templateName,
                               int maxLength)
    : m_db(db), m_modelKey(std::move(modelKey)), m_template(std::move(templateName)),
      m_maxLength(maxLength) {}

std::vector<const TokenizedPair*> ReferenceCache::load(
    const std::vector<const TokenizedPair*>& pairs) {
    auto select = m_db.prepare(
        "SELECT pair_id, chosen_logp, rejected_logp FROM ref_logps "
        "WHERE model_hash = ? AND template = ? AND max_length = ?");
    select.bind(1, m_modelKey).bind(2, m_template).bind(3, m_maxLength);
    while (select.step()) m_values[select.int64(0)] = {select.real(1), select.real(2)};
    std::vector<const TokenizedPair*> missing;
    for (const TokenizedPair* p : pairs) {
        if (!contains(p->pairId)) missing.push_back(p);
    }
    return missing;
}

void ReferenceCache::fill(const std::vector<const TokenizedPair*>& missing,
                          model::CausalLMImpl& reference, int batchSize, std::int64_t padId,
                          const ForwardOptions& forward,
                          const std::function<void(std::int64_t, std::int64_t)>& progress) {
    const auto total = static_cast<std::int64_t>(missing.size());
    const auto step = static_cast<std::size_t>(std::max(1, batchSize));
    for (std::size_t start = 0; start < missing.size(); start += step) {
        const std::vector<const TokenizedPair*> chunk(
            missing.begin() + static_cast<std::ptrdiff_t>(start),
            missing.begin() + static_cast<std::ptrdiff_t>(std::min(missing.size(), start + step)));
        insert(chunk, compute(chunk, reference, batchSize, padId, forward), /*write=*/true);
        if (progress) progress(static_cast<std::int64_t>(start + chunk.size()), total);
    }
}

std::vector<double> ReferenceCache::compute(const std::vector<const TokenizedPair*>& pairs,
                                            model::CausalLMImpl& reference, int batchSize,
                                            std::int64_t padId, const ForwardOptions& forward,
                                            const std::function<void(std::int64_t, std::int64_t)>& progress) {
    const auto step = static_cast<std::size_t>(std::max(1, batchSize));
    std::vector<double> values;
    values.reserve(2 * pairs.size());
    reference.eval();
    for (std::size_t start = 0; start < pairs.size(); start += step) {
        const std::vector<const TokenizedPair*> chunk(
            pairs.begin() + static_cast<std::ptrdiff_t>(start),
            pairs.begin() + static_cast<std::ptrdiff_t>(std::min(pairs.size(), start + step)));
        const Batch batch = collate(chunk, /*withRejected=*/true, padId, reference.device());
        const ReferenceLogps r = referenceLogps(reference, batch, forward);
        const auto chosen = r.chosen.to(torch::kCPU, torch::kDouble).contiguous();
        const auto rejected = r.rejected.to(torch::kCPU, torch::kDouble).contiguous();
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            double c = chosen[static_cast<std::int64_t>(i)].item<double>();
            double j = rejected[static_cast<std::int64_t>(i)].item<double>();
            if (chunk[i]->flipped) std::swap(c, j);  // back to the pairs table's orientation
            values.push_back(c);
            values.push_back(j);
        }
        if (progress) {
            progress(static_cast<std::int64_t>(start + chunk.size()),
                     static_cast<std::int64_t>(pairs.size()));
        }
    }
    return values;
}

void ReferenceCache::insert(const std::vector<const TokenizedPair*>& pairs,
                            const std::vector<double>& values, bool write) {
    if (values.size() < 2 * pairs.size()) {
        throw Error("reference log-probs: " + std::to_string(values.size()) + " values for " +
                    std::to_string(pairs.size()) + " pairs");
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        m_values[pairs[i]->pairId] = {values[2 * i], values[2 * i + 1]};
    }
    if (!write) return;
    auto statement = m_db.prepare(
        "INSERT OR REPLACE INTO ref_logps(model_hash, pair_id, template, max_length, chosen_logp, "
        "rejected_logp) VALUES (?, ?, ?, ?, ?, ?)");
    store::Transaction tx(m_db);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        statement.bind(1, m_modelKey).bind(2, pairs[i]->pairId).bind(3, m_template).bind(4, m_maxLength);
        statement.bind(5, values[2 * i]).bind(6, values[2 * i + 1]);
        statement.run();
    }
    tx.commit();
}

ReferenceLogps ReferenceCache::lookup(const std::vector<const TokenizedPair*>& pairs,
                                      torch::Device device) const {
    const auto n = static_cast<std::int64_t>(pairs.size());
    auto chosen = torch::empty({n}, torch::kFloat);
    auto rejected = torch::empty({n}, torch::kFloat);
    auto c = chosen.accessor<float, 1>();
    auto r = rejected.accessor<float, 1>();
    for (std::int64_t i = 0; i < n; ++i) {
        const TokenizedPair& p = *pairs[static_cast<std::size_t>(i)];
        const auto it = m_values.find(p.pairId);
        if (it == m_values.end()) {
            throw Error("no cached reference log-probs for pair " + std::to_string(p.pairId) +
                        " (the cache pass did not cover it: a bug)");
        }
        c[i] = static_cast<float>(p.flipped ? it->second.rejected : it->second.chosen);
        r[i] = static_cast<float>(p.flipped ? it->second.chosen : it->second.rejected);
    }
    return {chosen.to(device), rejected.to(device)};
}

}  // namespace ladder::train
