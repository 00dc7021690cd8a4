// Reference-model log-probs kept in the workspace (table ref_logps), computed once per (model,
// pair, template, length cap): later runs on the same pairs and the same starting model skip the
// reference forward entirely. The model key covers the weights, the tokenizer and the prompt cap.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store/database.h"
#include "core/train/train_step.h"

namespace ladder::train {

struct TokenizedPair;

class ReferenceCache {
public:
    ReferenceCache(store::Database& db, std::string modelKey, std::string templateName,
                   int maxLength);

    // Loads what the workspace has for these pairs; returns the pairs still missing.
    std::vector<const TokenizedPair*> load(const std::vector<const TokenizedPair*>& pairs);
    // Computes the missing pairs with `reference` in batches (no autograd) and stores them, one
    // transaction per batch. progress(done, total) after each batch.
    void fill(const std::vector<const TokenizedPair*>& missing, model::CausalLMImpl& reference,
              int batchSize, std::int64_t padId, const ForwardOptions& forward,
              const std::function<void(std::int64_t, std::int64_t)>& progress = {});

    // The log-probs of `pairs` without storing them: chosen and rejected of each pair in turn, in
    // the pairs table's orientation (what insert() takes). progress(done, total) after each batch.
    [[nodiscard]] std::vector<double> compute(
        const std::vector<const TokenizedPair*>& pairs, model::CausalLMImpl& reference,
        int batchSize, std::int64_t padId, const ForwardOptions& forward,
        const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    // Takes log-probs as compute() gives them; with `write`, stores them too (one transaction).
    // A data-parallel run's processes each compute a share; all take the whole, rank 0 writes.
    void insert(const std::vector<const TokenizedPair*>& pairs, const std::vector<double>& values,
                bool write);
    // The cached log-probs of a batch's pairs in the batch's (annotated) orientation, on `device`.
    [[nodiscard]] ReferenceLogps lookup(const std::vector<const TokenizedPair*>& pairs,
                                        torch::Device device) const;
    [[nodiscard]] bool contains(std::int64_t pairId) const { return m_values.count(pairId) > 0; }
    [[nodiscard]] std::size_t size() const { return m_values.size(); }
    [[nodiscard]] const std::string& modelKey() const { return m_modelKey; }

private:
    // Stored in the pair's orientation in the pairs table: chosen_logp belongs to pairs.chosen_id.
    struct Stored {
        double chosen = 0;
        double rejected = 0;
    };
    store::Database& m_db;
    std::string m_modelKey;
    std::string m_template;
    int m_maxLength;
    std::unordered_map<std::int64_t, Stored> m_values;
};

}  // namespace ladder::train
