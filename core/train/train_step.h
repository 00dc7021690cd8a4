// One optimiser step of preference training: policy log-probs of each micro-batch, the loss against
// the reference log-probs, backward, gradient clipping, AdamW. The trainer loop and the DPO
// benchmark both step through here, so the benchmark measures what training runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/dist/communicator.h"
#include "core/model/causal_lm.h"
#include "core/train/loss.h"
#include "core/train/run_config.h"
#include "core/train/sequence_logps.h"

namespace ladder::train {

struct Batch;

// Reference log-probs of a batch's pairs, (B) each; undefined for reference-free losses.
struct ReferenceLogps {
    torch::Tensor chosen;
    torch::Tensor rejected;
};

// The reference model's log-probs of a batch, without autograd.
[[nodiscard]] ReferenceLogps referenceLogps(model::CausalLMImpl& reference, const Batch& batch,
                                            const ForwardOptions& options);

// The loss of a batch and what goes into the metrics, per pair, on the CPU.
struct BatchScores {
    torch::Tensor loss;             // () with autograd when the policy had it
    torch::Tensor chosenRewards;    // (B) float, detached
    torch::Tensor rejectedRewards;  // (B)
    torch::Tensor policyChosen;     // (B) summed log-probs, detached
    torch::Tensor policyRejected;   // (B); undefined when the loss skips rejected answers
};

// Policy log-probs and the loss of one batch (the caller sets the grad mode).
[[nodiscard]] BatchScores scoreBatch(model::CausalLMImpl& policy, const PreferenceLoss& loss,
                                     const Batch& batch, const ReferenceLogps& reference,
                                     const ForwardOptions& options);

// The mean of per-pair values (rewards, log-probs) as a metric; 0 for none.
[[nodiscard]] double mean(const std::vector<float>& values);

struct StepResult {
    double loss = 0;       // mean over the micro-batches
    double gradNorm = 0;   // before clipping
    bool finite = true;    // false: NaN/Inf in the loss or gradients; the weights were NOT updated
    std::int64_t tokens = 0;
    std::vector<float> chosenRewards;   // per pair, all micro-batches in order
    std::vector<float> rejectedRewards;
    std::vector<float> policyChosen;
    std::vector<float> policyRejected;  // empty when the loss skips rejected answers
};

// The metrics of one step that its pairs and gradients give, under TRL's names (loss, grad_norm,
// logps/chosen, logps/rejected, rewards/chosen, rewards/rejected, rewards/margins,
// rewards/accuracies) and Ladder's per-tier ones (tier/<tier>/accuracies, tier/<tier>/margins);
// tiers[i] is pair i's. Each is the mean over the step's pairs, as TRL logs them. A loss that skips
// the rejected answers (SFT) has no rewards: its held-out evaluation reports them. The trainer
// adds the run's own (learning_rate, tokens_per_second, curriculum/stage);
// `ladder-cli model loss` prints these for the TRL oracle (tests/oracle/trl_losses.py).
[[nodiscard]] std::vector<std::pair<std::string, double>> stepMetrics(
    const StepResult& result, const std::vector<std::string>& tiers);

// With a `master` (a float32 model of the policy's config; full fine-tuning of a bfloat16 policy),
// the policy's weights are a bfloat16 copy: its gradients are taken into the master's in float32,
// clipped and stepped there (AdamW's moments are the master's), and the result is rounded back into
// the policy. Updates smaller than bfloat16's resolution add up in the master instead of being
// lost.
class TrainStep {
public:
    TrainStep(model::CausalLM policy, std::shared_ptr<const PreferenceLoss> loss,
              const OptimizerSpec& optimizer, const ForwardOptions& forward,
              model::CausalLM master = nullptr);

    // One optimiser step at learning rate `lr` over micro-batches (gradients accumulated; each
    // micro-batch weighted equally, or by its chosen tokens for a loss that is a mean over tokens:
    // PreferenceLoss::meanOverTokens). references[i] belongs to micro[i] (or is empty).
    StepResult run(const std::vector<const Batch*>& micro,
                   const std::vector<ReferenceLogps>& references, double lr);

    [[nodiscard]] torch::optim::AdamW& optimizer() { return *m_optimizer; }
    [[nodiscard]] model::CausalLMImpl& policy() { return *m_policy; }
    // The float32 master weights, or null when the policy's own weights train.
    [[nodiscard]] const model::CausalLM& master() const { return m_master; }
    // A data-parallel run: each process steps on its share of the batch; the gradients are
    // averaged over the processes before clipping (so every process takes the same step), and the
    // result (loss, tokens, per-pair rewards in rank order) is the whole batch's. Null: alone.
    void setCommunicator(dist::Communicator* communicator) { m_communicator = communicator; }
    // After the master's weights were loaded (a resumed run): the policy takes them, rounded.
    void copyMasterIntoPolicy();
    [[nodiscard]] const PreferenceLoss& loss() const { return *m_loss; }
    [[nodiscard]] const ForwardOptions& forwardOptions() const { return m_forward; }

private:
    [[nodiscard]] std::vector<torch::Tensor> steppedParameters() const;

    model::CausalLM m_policy;
    model::CausalLM m_master;
    std::shared_ptr<const PreferenceLoss> m_loss;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    double m_gradClip;
    ForwardOptions m_forward;
    dist::Communicator* m_communicator = nullptr;
};

}  // namespace ladder::train
