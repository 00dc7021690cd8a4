#include "core/train/train_step.h"

#include <array>
#include <cmath>
#include <map>
#include <numeric>

#include "core/common/error.h"
#include "core/train/batch.h"
#include "core/train/sequence_logps.h"

namespace ladder::train {
namespace {

std::vector<float> toVector(const torch::Tensor& t) {
    if (!t.defined()) return {};
    auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

void append(std::vector<float>& to, const torch::Tensor& t) {
    auto v = toVector(t);
    to.insert(to.end(), v.begin(), v.end());
}

// Each micro-batch's weight in the step's loss; they sum to 1.
std::vector<double> microBatchWeights(const std::vector<const Batch*>& micro, bool byTokens) {
    std::vector<double> weights(micro.size(), 1.0 / static_cast<double>(micro.size()));
    if (!byTokens) return weights;
    double total = 0;
    for (std::size_t i = 0; i < micro.size(); ++i) {
        const auto& b = *micro[i];
        weights[i] = b.answerTokens.narrow(0, 0, b.pairs).sum().item<double>();  // chosen rows
        total += weights[i];
    }
    if (total <= 0) return std::vector<double>(micro.size(), 1.0 / static_cast<double>(micro.size()));
    for (auto& w : weights) w /= total;
    return weights;
}

}  // namespace

ReferenceLogps referenceLogps(model::CausalLMImpl& reference, const Batch& batch,
                              const ForwardOptions& options) {
    torch::NoGradGuard noGrad;
    const auto all = answerLogps(reference, batch, options);
    const std::int64_t b = batch.pairs;
    if (!batch.hasRejected()) return {all.logps, {}};
    return {all.logps.narrow(0, 0, b), all.logps.narrow(0, b, b)};
}

BatchScores scoreBatch(model::CausalLMImpl& policy, const PreferenceLoss& loss, const Batch& batch,
                       const ReferenceLogps& reference, const ForwardOptions& options) {
    const std::int64_t b = batch.pairs;
    const auto all = answerLogps(policy, batch, options);  // (R)
    LossInputs in;
    in.policyChosen = all.logps.narrow(0, 0, b);
    in.chosenTokens = all.tokens.narrow(0, 0, b);
    if (batch.hasRejected()) {
        in.policyRejected = all.logps.narrow(0, b, b);
        in.rejectedTokens = all.tokens.narrow(0, b, b);
    }
    in.referenceChosen = reference.chosen;
    in.referenceRejected = reference.rejected;
    const LossOutputs out = loss.compute(in);
    BatchScores s;
    s.loss = out.loss;
    s.chosenRewards = out.chosenRewards.detach().to(torch::kCPU, torch::kFloat);
    s.rejectedRewards = out.rejectedRewards.detach().to(torch::kCPU, torch::kFloat);
    s.policyChosen = in.policyChosen.detach().to(torch::kCPU, torch::kFloat);
    if (in.policyRejected.defined()) {
        s.policyRejected = in.policyRejected.detach().to(torch::kCPU, torch::kFloat);
    }
    return s;
}

TrainStep::TrainStep(model::CausalLM policy, std::shared_ptr<const PreferenceLoss> loss,
                     const OptimizerSpec& optimizer, const ForwardOptions& forward,
                     model::CausalLM master)
    : m_policy(std::move(policy)),
      m_master(std::move(master)),
      m_loss(std::move(loss)),
      m_gradClip(optimizer.gradClip),
      m_forward(forward) {
    auto options = torch::optim::AdamWOptions(optimizer.lr)
                       .betas({optimizer.beta1, optimizer.beta2})
                       .eps(optimizer.eps)
                       .weight_decay(optimizer.weightDecay);
    if (m_master) {
        const auto policyWeights = m_policy->trainableParameters();
        const auto masterWeights = m_master->trainableParameters();
        if (policyWeights.size() != masterWeights.size()) {
            throw Error("the float32 master weights do not match the policy's (" +
                        std::to_string(masterWeights.size()) + " tensors against " +
                        std::to_string(policyWeights.size()) + ")");
        }
        for (std::size_t i = 0; i < policyWeights.size(); ++i) {
            if (!policyWeights[i].sizes().equals(masterWeights[i].sizes()) ||
                masterWeights[i].scalar_type() != torch::kFloat) {
                throw Error("the master weights must be a float32 copy of the policy's");
            }
        }
    }
    // Only what trains: a LoRA policy's adapter, else every weight (the master's, when kept).
    m_optimizer = std::make_unique<torch::optim::AdamW>(steppedParameters(), options);
}

std::vector<torch::Tensor> TrainStep::steppedParameters() const {
    return m_master ? m_master->trainableParameters() : m_policy->trainableParameters();
}

void TrainStep::copyMasterIntoPolicy() {
    if (!m_master) return;
    const torch::NoGradGuard noGrad;
    const auto policyWeights = m_policy->trainableParameters();
    const auto masterWeights = m_master->trainableParameters();
    for (std::size_t i = 0; i < policyWeights.size(); ++i) policyWeights[i].copy_(masterWeights[i]);
}

StepResult TrainStep::run(const std::vector<const Batch*>& micro,
                          const std::vector<ReferenceLogps>& references, double lr) {
    if (micro.empty()) throw Error("a training step needs at least one batch");
    if (references.size() != micro.size()) {
        throw Error("a training step got " + std::to_string(references.size()) +
                    " reference log-prob sets for " + std::to_string(micro.size()) + " batches");
    }
    m_policy->train();
    m_policy->zero_grad();
    m_optimizer->zero_grad();
    StepResult result;
    auto weights = microBatchWeights(micro, m_loss->meanOverTokens());
    const int processes = m_communicator ? m_communicator->size() : 1;
    if (m_communicator && m_loss->meanOverTokens()) {
        // Each micro-batch weighs by its share of the whole step's chosen tokens, every process's
        // counted: the average over the processes below then gives one process's weighting.
        double local = 0;
        for (const auto* b : micro) local += b->answerTokens.narrow(0, 0, b->pairs).sum().item<double>();
        const double total = m_communicator->sum({local}).at(0);
        for (std::size_t i = 0; i < micro.size(); ++i) {
            const auto& b = *micro[i];
            weights[i] = total > 0 ? b.answerTokens.narrow(0, 0, b.pairs).sum().item<double>() /
                                         total * processes
                                   : 1.0 / static_cast<double>(micro.size());
        }
    }
    for (std::size_t i = 0; i < micro.size(); ++i) {
        BatchScores s = scoreBatch(*m_policy, *m_loss, *micro[i], references[i], m_forward);
        (s.loss * weights[i]).backward();
        result.loss += s.loss.item<double>() * weights[i];
        result.tokens += micro[i]->realTokens;
        append(result.chosenRewards, s.chosenRewards);
        append(result.rejectedRewards, s.rejectedRewards);
        append(result.policyChosen, s.policyChosen);
        append(result.policyRejected, s.policyRejected);
    }
    if (m_master) {
        // The policy's bfloat16 gradients into the master's float32 ones, each freed once taken.
        const auto policyWeights = m_policy->trainableParameters();
        const auto masterWeights = m_master->trainableParameters();
        for (std::size_t i = 0; i < policyWeights.size(); ++i) {
            auto& grad = policyWeights[i].mutable_grad();
            if (grad.defined()) masterWeights[i].mutable_grad() = grad.to(torch::kFloat);
            grad = torch::Tensor();
        }
    }
    if (m_communicator) {
        // The same gradients on every process: the average of theirs, in buckets.
        std::vector<torch::Tensor> grads;
        for (auto& p : steppedParameters()) {
            if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
            grads.push_back(p.grad());
        }
        m_communicator->averageGradients(std::move(grads));
        const auto totals = m_communicator->sum({result.loss, static_cast<double>(result.tokens)});
        result.loss = totals[0] / processes;
        result.tokens = static_cast<std::int64_t>(totals[1]);
        // The per-pair values of every process, rank by rank (each has as many pairs).
        const std::array<std::vector<float>*, 4> perPair = {
            &result.chosenRewards, &result.rejectedRewards, &result.policyChosen,
            &result.policyRejected};
        std::vector<double> local;
        std::array<std::size_t, 4> counts{};  // the same on every process
        for (std::size_t k = 0; k < perPair.size(); ++k) {
            counts[k] = perPair[k]->size();
            local.insert(local.end(), perPair[k]->begin(), perPair[k]->end());
            perPair[k]->clear();
        }
        const auto all = m_communicator->gather(local);
        for (int r = 0; r < processes; ++r) {
            const double* at = all.data() + static_cast<std::size_t>(r) * local.size();
            for (std::size_t k = 0; k < perPair.size(); ++k) {
                perPair[k]->insert(perPair[k]->end(), at, at + counts[k]);
                at += counts[k];
            }
        }
    }
    // clip_grad_norm_ with an infinite limit measures the norm without changing anything.
    const double limit = m_gradClip > 0 ? m_gradClip : std::numeric_limits<double>::infinity();
    result.gradNorm = torch::nn::utils::clip_grad_norm_(steppedParameters(), limit);
    result.finite = std::isfinite(result.loss) && std::isfinite(result.gradNorm);
    if (!result.finite) {
        // Never let a NaN/Inf into the weights or Adam's moments: the last good state stays.
        m_optimizer->zero_grad();
        return result;
    }
    for (auto& group : m_optimizer->param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }
    m_optimizer->step();
    copyMasterIntoPolicy();
    return result;
}

double mean(const std::vector<float>& values) {
    if (values.empty()) return 0;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

std::vector<std::pair<std::string, double>> stepMetrics(const StepResult& r,
                                                        const std::vector<std::string>& tiers) {
    std::vector<std::pair<std::string, double>> metrics = {
        {"loss", r.loss},
        {"logps/chosen", mean(r.policyChosen)},
        {"grad_norm", r.gradNorm},
    };
    if (r.policyRejected.empty()) return metrics;
    const std::size_t n = r.chosenRewards.size();
    double correct = 0, margins = 0;
    std::map<std::string, std::pair<double, double>> tierSums;  // accuracy sum, margin sum
    std::map<std::string, int> tierCounts;
    for (std::size_t i = 0; i < n; ++i) {
        const double m = r.chosenRewards[i] - r.rejectedRewards[i];
        margins += m;
        correct += m > 0 ? 1.0 : 0.0;
        if (i < tiers.size()) {
            auto& t = tierSums[tiers[i]];
            t.first += m > 0 ? 1.0 : 0.0;
            t.second += m;
            ++tierCounts[tiers[i]];
        }
    }
    metrics.emplace_back("logps/rejected", mean(r.policyRejected));
    metrics.emplace_back("rewards/chosen", mean(r.chosenRewards));
    metrics.emplace_back("rewards/rejected", mean(r.rejectedRewards));
    metrics.emplace_back("rewards/margins", n ? margins / static_cast<double>(n) : 0.0);
    metrics.emplace_back("rewards/accuracies", n ? correct / static_cast<double>(n) : 0.0);
    for (const auto& [tier, sums] : tierSums) {
        const double count = tierCounts[tier];
        metrics.emplace_back("tier/" + tier + "/accuracies", sums.first / count);
        metrics.emplace_back("tier/" + tier + "/margins", sums.second / count);
    }
    return metrics;
}

}  // namespace ladder::train
