// Preference losses (SFT, DPO, SLiC-HF, IPO, conservative and robust DPO) behind one interface, looked
// up by name in a registry that plugins extend. A loss sees per-sequence log-probs, never a model.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include "core/train/loss_knob.h"

namespace ladder::plugin {
class Registrar;
}

namespace ladder::train {

// Per pair (B of them); log-probs are sums over the answer's tokens (the prompt is masked out).
struct LossInputs {
    torch::Tensor policyChosen;      // (B) log p_theta(chosen | prompt)
    torch::Tensor policyRejected;    // (B) log p_theta(rejected | prompt); undefined for SFT
    torch::Tensor referenceChosen;   // (B) log p_ref(chosen | prompt); undefined without reference
    torch::Tensor referenceRejected; // (B)
    torch::Tensor chosenTokens;      // (B) number of answer tokens of chosen, as float
    torch::Tensor rejectedTokens;    // (B)
};

struct LossOutputs {
    torch::Tensor loss;             // () the mean over the batch, what backward() is called on
    torch::Tensor chosenRewards;    // (B) implicit rewards, detached: beta * (policy - reference)
    torch::Tensor rejectedRewards;  // (B)
};

class PreferenceLoss {
public:
    virtual ~PreferenceLoss() = default;
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual std::string description() const = 0;
    // DPO-family losses compare with a reference model; SFT and SLiC do not need one.
    [[nodiscard]] virtual bool needsReference() const = 0;
    // SFT trains on the chosen answers alone; the rejected forward is skipped.
    [[nodiscard]] virtual bool usesRejected() const { return true; }
    // How the micro-batches of one step (gradient accumulation) combine. false: each weighs the
    // same, the loss being a mean over pairs (TRL's DPOTrainer does the same). true: each weighs by
    // its share of the step's chosen answer tokens, so that the step's loss is the mean over all of
    // them, as transformers' Trainer normalises SFT by the tokens of the whole step (SFTTrainer).
    [[nodiscard]] virtual bool meanOverTokens() const { return false; }
    // Loss knobs (beta, delta, lambda, epsilon, ...) from the run config; unknown keys are an error.
    virtual void configure(const nlohmann::json& params) = 0;
    // The knobs with their limits; configure() of a loss that lists them refuses what
    // knobProblems() finds. A loss that lists none is checked by configuring it.
    [[nodiscard]] virtual std::vector<LossKnob> knobs() const { return {}; }
    [[nodiscard]] virtual nlohmann::json parameters() const = 0;
    [[nodiscard]] virtual LossOutputs compute(const LossInputs& in) const = 0;
};

using LossFactory = std::function<std::unique_ptr<PreferenceLoss>()>;

class LossRegistry {
public:
    // Throws ladder::Error when the name is taken (a plugin may not silently replace a built-in).
    void add(const std::string& name, LossFactory factory);
    // Throws ladder::Error listing the known losses when the name is unknown.
    [[nodiscard]] std::unique_ptr<PreferenceLoss> create(const std::string& name) const;
    [[nodiscard]] bool contains(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> names() const;

private:
    std::vector<std::pair<std::string, LossFactory>> m_factories;
};

// The process-wide registry with the built-in losses: sft, dpo, cdpo, robust, ipo, slic.
LossRegistry& lossRegistry();
// Adds the losses a plugin registered; a clash with an existing name is logged and skipped.
void registerPluginLosses(const plugin::Registrar& registrar);

}  // namespace ladder::train
