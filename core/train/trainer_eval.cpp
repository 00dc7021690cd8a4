// The Trainer's measurements of the policy between steps: held-out loss, rewards and accuracy,
// the in-training win rate, and the final per-pair reward margins. The training loop is in
// trainer.cpp; nothing here changes the model's weights.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/train/trainer.h"

#include "core/common/clock.h"
#include "core/common/log.h"
#include "core/eval/eval_store.h"
#include "core/eval/evaluator.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/pair_margins.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::train {
namespace {

auto logger() { return log::get("train"); }

// Puts the model in evaluation mode (no dropout) for a scope and back into training mode after,
// also when scoring throws.
class EvalMode {
public:
    explicit EvalMode(model::CausalLMImpl& model) : m_model(model) { m_model.eval(); }
    ~EvalMode() { m_model.train(); }
    EvalMode(const EvalMode&) = delete;
    EvalMode& operator=(const EvalMode&) = delete;

private:
    model::CausalLMImpl& m_model;
};

}  // namespace

void Trainer::scorePairs(const std::vector<const TokenizedPair*>& pairs, const ScoreVisitor& each) {
    torch::NoGradGuard noGrad;
    EvalMode evalMode(*m_policy.model);
    const auto padId = m_policy.tokenizer->padId().value_or(0);
    const auto size = static_cast<std::size_t>(std::max(1, m_config.batchSize * 2));
    for (std::size_t start = 0; start < pairs.size(); start += size) {
        const std::vector<const TokenizedPair*> chunk(
            pairs.begin() + static_cast<std::ptrdiff_t>(start),
            pairs.begin() + static_cast<std::ptrdiff_t>(std::min(pairs.size(), start + size)));
        const Batch batch = collate(chunk, /*withRejected=*/true, padId, m_device);
        const BatchScores s = scoreBatch(*m_policy.model, *m_loss, batch,
                                         referenceFor(batch, chunk), forwardOptions());
        // One copy to the host per batch rather than one per pair.
        const auto host = [&chunk](const torch::Tensor& t, const char* what) {
            const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
            TORCH_CHECK(c.numel() == static_cast<std::int64_t>(chunk.size()), "scorePairs: ", what,
                        " has ", c.numel(), " values for ", chunk.size(), " pairs");
            return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        };
        ScoredPairs scored;
        scored.pairs = chunk;
        scored.loss = s.loss.item<double>();
        scored.chosen = host(s.chosenRewards, "chosen rewards");
        scored.rejected = host(s.rejectedRewards, "rejected rewards");
        scored.policyChosen = host(s.policyChosen, "chosen log-probs");
        each(scored);
    }
}

void Trainer::evaluate(std::int64_t step) {
    // In a data-parallel run rank 0 measures; the others wait for it at the next step.
    if (m_heldout.empty() || !writer()) return;
    std::vector<const TokenizedPair*> heldout;
    for (const auto& p : m_heldout) heldout.push_back(&p);
    std::vector<float> chosen, rejected, logps;
    std::vector<std::pair<std::int64_t, double>> pairMargins;  // per pair, for its dynamics
    double lossSum = 0;
    std::map<std::string, std::pair<double, double>> tierSums;  // correct, margin
    std::map<std::string, int> tierCounts;
    scorePairs(heldout, [&](const ScoredPairs& s) {
        lossSum += s.loss * static_cast<double>(s.pairs.size());
        for (std::size_t i = 0; i < s.pairs.size(); ++i) {
            auto& t = tierSums[s.pairs[i]->tier];
            t.first += s.chosen[i] > s.rejected[i] ? 1.0 : 0.0;
            t.second += s.chosen[i] - s.rejected[i];
            ++tierCounts[s.pairs[i]->tier];
            pairMargins.emplace_back(s.pairs[i]->pairId, static_cast<double>(s.chosen[i] - s.rejected[i]));
        }
        chosen.insert(chosen.end(), s.chosen.begin(), s.chosen.end());
        rejected.insert(rejected.end(), s.rejected.begin(), s.rejected.end());
        logps.insert(logps.end(), s.policyChosen.begin(), s.policyChosen.end());
    });
    const double n = static_cast<double>(chosen.size());
    double correct = 0, margins = 0;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        correct += chosen[i] > rejected[i] ? 1.0 : 0.0;
        margins += chosen[i] - rejected[i];
    }
    std::vector<std::pair<std::string, double>> metrics = {
        {"eval/loss", lossSum / n},
        {"eval/rewards/chosen", mean(chosen)},
        {"eval/rewards/rejected", mean(rejected)},
        {"eval/rewards/margins", margins / n},
        {"eval/rewards/accuracies", correct / n},
        {"eval/logps/chosen", mean(logps)},
    };
    for (const auto& [tier, sums] : tierSums) {
        metrics.emplace_back("eval/tier/" + tier + "/accuracies", sums.first / tierCounts[tier]);
        metrics.emplace_back("eval/tier/" + tier + "/margins", sums.second / tierCounts[tier]);
    }
    const double now = clock::nowSeconds();
    for (const auto& [name, value] : metrics) m_metrics->add(m_runId, step, name, value, now);
    flushMetrics(true);
    if (m_config.marginPairs > 0) {
        // Per-pair dynamics: these held-out pairs' margins and a fixed, evenly spread sample of as
        // many training pairs, at every evaluation (pairs/pair_dynamics.h).
        scorePairs(dynamicsSample(), [&pairMargins](const ScoredPairs& s) {
            for (std::size_t i = 0; i < s.pairs.size(); ++i) {
                pairMargins.emplace_back(s.pairs[i]->pairId, static_cast<double>(s.chosen[i] - s.rejected[i]));
            }
        });
        try {
            retryWhileBusy("saving the pair margins", [&] {
                pairs::savePairMarginStep(m_workspace->db(), m_runId, step, pairMargins);
            });
        } catch (const store::BusyError&) {
            throw;  // says itself who holds the workspace
        } catch (const Error& e) {
            // As a failed metrics write (a full disk): the step, what is kept, how to go on.
            throw Error("step " + std::to_string(step) + ": saving the pair margins failed: " +
                        e.what() + ". " + afterFailedWrite());
        }
    }
    logger()->info("run {}: step {}: held-out accuracy {:.3f}, margin {:.3f} ({} pairs)", m_runId,
                   step, correct / n, margins / n, chosen.size());
    emit(EventKind::Eval, step, {}, std::move(metrics));
}

// The in-training win rate (ladder::eval) on the held-out prompts of the run's ladder, whichever
// of its tiers the run trains on: the split is by prompt, so none of them is trained on, and runs
// on different tiers are judged on the same prompts. (Held-out prompts of the run's tiers only
// made a tier-restricted run's prompt set its own: the 58 prompts where the strong and the medium
// model of the demo answer differently, which the medium model mostly gets wrong.) Set up before
// the first step so that a wrong reference or judge fails the run at once.
void Trainer::setUpWinRate() {
    const WinRateSpec& spec = m_config.winRate;
    if (spec.reference.empty() || !writer()) return;
    eval::EvalSettings settings;
    settings.judge = spec.judge;
    settings.judgeOptions = spec.judgeOptions;
    settings.prompts.reference = spec.reference;
    settings.prompts.heldoutOf.ladder = m_config.data.ladder;
    settings.prompts.heldoutOf.datasetIds = m_config.data.datasets;
    settings.prompts.limit = spec.prompts;
    settings.generation.templateSetting = m_config.templateName;
    settings.generation.maxNewTokens = spec.maxNewTokens;
    settings.generation.maxPromptTokens = m_config.data.maxPromptLength;
    m_winRate = std::make_unique<eval::Evaluator>(m_workspace->db(), std::move(settings));
    logger()->info("run {}: win rate vs {} by judge {} on {} held-out prompts", m_runId,
                   spec.reference, m_winRate->judge().name(), m_winRate->prompts().size());
}

// A failed win rate is reported and the run goes on: it must not cost the training done so far.
void Trainer::evaluateWinRate(std::int64_t step) {
    emit(EventKind::Message, step,
         "win rate: answering " + std::to_string(m_winRate->prompts().size()) + " prompts");
    try {
        eval::EvalTarget target;
        target.runId = m_runId;
        target.step = step;
        target.generator = m_config.name;
        const auto result = m_winRate->evaluateModel(*m_policy.model, *m_policy.tokenizer, target);
        const auto& w = result.winRate;
        logger()->info("run {}: step {}: win rate {:.3f} ± {:.3f} vs {} ({} prompts)", m_runId,
                       step, w.winRate, w.stdError, result.reference, w.n);
        std::vector<std::pair<std::string, double>> metrics = {
            {eval::kWinRateMetric, w.winRate},
            {eval::kWinRateStdErrorMetric, w.stdError},
            {eval::kAnswerLengthMetric, w.meanOutputLength},
            {eval::kAnswerRepetitionMetric, w.meanOutputRepetition}};
        if (std::isfinite(w.lengthControlled.winRate))
            metrics.emplace_back(eval::kLengthControlledWinRateMetric, w.lengthControlled.winRate);
        emit(EventKind::Eval, step, "win rate vs " + result.reference + " by " + result.judge,
             std::move(metrics));
    } catch (const std::exception& e) {
        logger()->warn("run {}: step {}: the win rate failed: {}", m_runId, step, e.what());
        emit(EventKind::Message, step, std::string("the win rate failed: ") + e.what());
    }
}

std::vector<const TokenizedPair*> Trainer::dynamicsSample() const {
    std::vector<const TokenizedPair*> sample;
    if (m_config.marginPairs <= 0 || m_train.empty()) return sample;
    const std::size_t wanted = std::min(m_train.size(), std::max<std::size_t>(1, m_heldout.size()));
    const std::size_t stride = std::max<std::size_t>(1, m_train.size() / wanted);
    for (std::size_t i = 0; i < m_train.size() && sample.size() < wanted; i += stride) {
        sample.push_back(&m_train[i]);
    }
    return sample;
}

std::vector<const TokenizedPair*> Trainer::marginPairSet() const {
    // Held-out pairs first (what the model never trained on), then training pairs evenly spread.
    std::vector<const TokenizedPair*> all;
    const auto limit = static_cast<std::size_t>(std::max(0, m_config.marginPairs));
    if (limit == 0) return all;
    for (const auto& p : m_heldout) all.push_back(&p);
    if (all.size() < limit) {
        const std::size_t room = limit - all.size();
        const std::size_t stride = std::max<std::size_t>(1, m_train.size() / room);
        for (std::size_t i = 0; i < m_train.size() && all.size() < limit; i += stride) {
            all.push_back(&m_train[i]);
        }
    }
    return all;
}

void Trainer::writePairMargins(std::int64_t step) {
    if (!writer()) return;
    const std::vector<const TokenizedPair*> all = marginPairSet();
    emit(EventKind::Message, step, "reward margins of " + std::to_string(all.size()) + " pairs");
    std::vector<std::pair<std::int64_t, double>> margins;
    scorePairs(all, [&](const ScoredPairs& s) {
        for (std::size_t i = 0; i < s.pairs.size(); ++i) {
            margins.emplace_back(s.pairs[i]->pairId,
                                 static_cast<double>(s.chosen[i] - s.rejected[i]));
        }
    });
    pairs::savePairMargins(m_workspace->db(), m_runId, step, margins);
}

}  // namespace ladder::train
