// The built-in losses. Formulas (per pair, h = (pc - rc) - (pr - rr), the log-ratio margin):
//   sft     mean token NLL of chosen
//   dpo     -log sigmoid(beta h)                                  (Rafailov et al. 2023)
//   cdpo    -(1-e) log sigmoid(beta h) - e log sigmoid(-beta h)   (conservative DPO, label smoothing)
//   robust  [-(1-e) log sigmoid(beta h) + e log sigmoid(-beta h)] / (1 - 2e)   (Chowdhury et al. 2024)
//   ipo     (h_avg - 1/(2 beta))^2 with per-token average log-probs    (Azar et al. 2023)
//   slic    max(0, delta - (pc - pr)) + lambda * mean token NLL of chosen  (Zhao et al. 2023, SLiC-HF)
#include "core/train/loss.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/plugin/plugin_api.h"

namespace ladder::train {
namespace {

namespace F = torch::nn::functional;

// Reads the knobs a loss knows from params; any other key is a mistake in the run config.
class Knobs {
public:
    Knobs(std::string loss, const nlohmann::json& params) : m_loss(std::move(loss)), m_params(params) {
        if (!m_params.is_null() && !m_params.is_object()) {
            throw Error("loss '" + m_loss + "': parameters must be a JSON object");
        }
    }
    double get(const std::string& key, double fallback) {
        m_known.push_back(key);
        if (m_params.is_null() || !m_params.contains(key)) return fallback;
        const auto& v = m_params.at(key);
        if (!v.is_number()) throw Error("loss '" + m_loss + "': " + key + " must be a number");
        return v.get<double>();
    }
    void rejectUnknown() const {
        if (m_params.is_null()) return;
        for (const auto& [key, value] : m_params.items()) {
            if (std::find(m_known.begin(), m_known.end(), key) == m_known.end()) {
                std::string known;
                for (const auto& k : m_known) known += (known.empty() ? "" : ", ") + k;
                throw Error("loss '" + m_loss + "' has no parameter '" + key + "' (it takes: " +
                            (known.empty() ? "none" : known) + ")");
            }
        }
    }

private:
    std::string m_loss;
    const nlohmann::json& m_params;
    std::vector<std::string> m_known;
};

void requirePositive(const std::string& loss, const char* key, double v) {
    if (!(v > 0)) throw Error("loss '" + loss + "': " + key + " must be > 0, got " + std::to_string(v));
}

void requireReference(const LossInputs& in, const std::string& loss) {
    if (!in.referenceChosen.defined() || !in.referenceRejected.defined()) {
        throw Error("loss '" + loss + "' needs reference log-probs (reference mode frozen or cache)");
    }
}

torch::Tensor chosenTokenNll(const LossInputs& in) {
    // Token-level mean over the batch: long answers weigh by their length, as in plain SFT.
    return -in.policyChosen.sum() / in.chosenTokens.sum().clamp_min(1.0);
}

LossOutputs withRewards(torch::Tensor loss, torch::Tensor chosen, torch::Tensor rejected) {
    return {std::move(loss), chosen.detach(), rejected.detach()};
}

class SftLoss final : public PreferenceLoss {
public:
    std::string name() const override { return "sft"; }
    std::string description() const override { return "supervised fine-tuning on the chosen answers"; }
    bool needsReference() const override { return false; }
    bool usesRejected() const override { return false; }
    bool meanOverTokens() const override { return true; }
    void configure(const nlohmann::json& params) override { Knobs("sft", params).rejectUnknown(); }
    nlohmann::json parameters() const override { return nlohmann::json::object(); }
    LossOutputs compute(const LossInputs& in) const override {
        // Rewards of a reference-free loss: the policy's own log-probs (the rejected ones when the
        // trainer computed them for metrics, else zeros).
        auto rejected = in.policyRejected.defined() ? in.policyRejected
                                                    : torch::zeros_like(in.policyChosen);
        return withRewards(chosenTokenNll(in), in.policyChosen, rejected);
    }
};

// The DPO family shares beta and the log-ratio margin h.
class DpoFamilyLoss : public PreferenceLoss {
public:
    bool needsReference() const override { return true; }
    nlohmann::json parameters() const override { return {{"beta", m_beta}}; }

protected:
    struct Margin {
        torch::Tensor h, chosenRewards, rejectedRewards;
    };
    Margin margin(const LossInputs& in) const {
        requireReference(in, name());
        auto chosen = in.policyChosen - in.referenceChosen;        // (B)
        auto rejected = in.policyRejected - in.referenceRejected;  // (B)
        return {chosen - rejected, m_beta * chosen, m_beta * rejected};
    }
    double m_beta = 0.1;
};

class DpoLoss final : public DpoFamilyLoss {
public:
    std::string name() const override { return "dpo"; }
    std::string description() const override {
        return "direct preference optimisation (sigmoid); nll > 0 adds the chosen answers' NLL";
    }
    void configure(const nlohmann::json& params) override {
        Knobs k("dpo", params);
        m_beta = k.get("beta", 0.1);
        m_nll = k.get("nll", 0.0);
        k.rejectUnknown();
        requirePositive("dpo", "beta", m_beta);
        if (!(m_nll >= 0)) throw Error("loss dpo: nll must be 0 or more (it is " + std::to_string(m_nll) + ")");
    }
    nlohmann::json parameters() const override { return {{"beta", m_beta}, {"nll", m_nll}}; }
    LossOutputs compute(const LossInputs& in) const override {
        auto m = margin(in);
        auto loss = -F::logsigmoid(m_beta * m.h).mean();
        // DPO lowers the log-probs of chosen answers too; on small models that unlearns how to
        // stop. The NLL term of the chosen answers (as in RPO, Pang et al. 2024) holds them up.
        if (m_nll > 0) loss = loss + m_nll * chosenTokenNll(in);
        return withRewards(loss, m.chosenRewards, m.rejectedRewards);
    }

private:
    double m_nll = 0.0;
};

class LabelSmoothedDpoLoss final : public DpoFamilyLoss {
public:
    explicit LabelSmoothedDpoLoss(bool robust) : m_robust(robust) {}
    std::string name() const override { return m_robust ? "robust" : "cdpo"; }
    std::string description() const override {
        return m_robust ? "robust DPO: unbiased under label noise epsilon"
                        : "conservative DPO: labels smoothed by epsilon";
    }
    void configure(const nlohmann::json& params) override {
        Knobs k(name(), params);
        m_beta = k.get("beta", 0.1);
        m_epsilon = k.get("epsilon", 0.1);
        k.rejectUnknown();
        requirePositive(name(), "beta", m_beta);
        if (m_epsilon < 0 || m_epsilon >= 0.5) {
            throw Error("loss '" + name() + "': epsilon (the share of flipped labels) must be in "
                        "[0, 0.5), got " + std::to_string(m_epsilon));
        }
    }
    nlohmann::json parameters() const override { return {{"beta", m_beta}, {"epsilon", m_epsilon}}; }
    LossOutputs compute(const LossInputs& in) const override {
        auto m = margin(in);
        auto agree = F::logsigmoid(m_beta * m.h);      // (B)
        auto disagree = F::logsigmoid(-m_beta * m.h);  // (B)
        torch::Tensor loss;
        if (m_robust) {
            loss = (-(1 - m_epsilon) * agree + m_epsilon * disagree) / (1 - 2 * m_epsilon);
        } else {
            loss = -(1 - m_epsilon) * agree - m_epsilon * disagree;
        }
        return withRewards(loss.mean(), m.chosenRewards, m.rejectedRewards);
    }

private:
    bool m_robust;
    double m_epsilon = 0.1;
};

class IpoLoss final : public DpoFamilyLoss {
public:
    std::string name() const override { return "ipo"; }
    std::string description() const override {
        return "identity preference optimisation (squared loss on per-token log-ratios)";
    }
    void configure(const nlohmann::json& params) override {
        Knobs k("ipo", params);
        m_beta = k.get("beta", 0.1);
        k.rejectUnknown();
        requirePositive("ipo", "beta", m_beta);
    }
    LossOutputs compute(const LossInputs& in) const override {
        auto m = margin(in);
        auto ct = in.chosenTokens.clamp_min(1.0);
        auto rt = in.rejectedTokens.clamp_min(1.0);
        auto h = (in.policyChosen - in.referenceChosen) / ct -
                 (in.policyRejected - in.referenceRejected) / rt;  // (B)
        auto loss = (h - 1.0 / (2.0 * m_beta)).pow(2).mean();
        return withRewards(loss, m.chosenRewards, m.rejectedRewards);
    }
};

class SlicLoss final : public PreferenceLoss {
public:
    std::string name() const override { return "slic"; }
    std::string description() const override {
        return "SLiC-HF: hinge on the log-prob difference plus NLL on chosen, no reference model";
    }
    bool needsReference() const override { return false; }
    void configure(const nlohmann::json& params) override {
        Knobs k("slic", params);
        m_delta = k.get("delta", 1.0);
        m_lambda = k.get("lambda", 0.1);
        k.rejectUnknown();
        requirePositive("slic", "delta", m_delta);
        if (m_lambda < 0) throw Error("loss 'slic': lambda must be >= 0");
    }
    nlohmann::json parameters() const override { return {{"delta", m_delta}, {"lambda", m_lambda}}; }
    LossOutputs compute(const LossInputs& in) const override {
        auto hinge = torch::clamp_min(m_delta - (in.policyChosen - in.policyRejected), 0.0);  // (B)
        auto loss = hinge.mean() + m_lambda * chosenTokenNll(in);
        return withRewards(loss, in.policyChosen, in.policyRejected);
    }

private:
    double m_delta = 1.0;
    double m_lambda = 0.1;
};

}  // namespace

void LossRegistry::add(const std::string& name, LossFactory factory) {
    if (contains(name)) throw Error("a loss named '" + name + "' is already registered");
    m_factories.emplace_back(name, std::move(factory));
}

std::unique_ptr<PreferenceLoss> LossRegistry::create(const std::string& name) const {
    for (const auto& [n, f] : m_factories) {
        if (n == name) return f();
    }
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown loss '" + name + "' (known: " + known +
                "; plugins add more, see `ladder-cli plugins`)");
}

bool LossRegistry::contains(const std::string& name) const {
    for (const auto& [n, f] : m_factories) {
        if (n == name) return true;
    }
    return false;
}

std::vector<std::string> LossRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [n, f] : m_factories) out.push_back(n);
    return out;
}

LossRegistry& lossRegistry() {
    static LossRegistry registry = [] {
        LossRegistry r;
        r.add("sft", [] { return std::make_unique<SftLoss>(); });
        r.add("dpo", [] { return std::make_unique<DpoLoss>(); });
        r.add("cdpo", [] { return std::make_unique<LabelSmoothedDpoLoss>(false); });
        r.add("robust", [] { return std::make_unique<LabelSmoothedDpoLoss>(true); });
        r.add("ipo", [] { return std::make_unique<IpoLoss>(); });
        r.add("slic", [] { return std::make_unique<SlicLoss>(); });
        return r;
    }();
    return registry;
}

void registerPluginLosses(const plugin::Registrar& registrar) {
    for (const auto& f : registrar.losses()) {
        if (lossRegistry().contains(f.name)) {
            log::get("train")->warn("plugin loss '{}' skipped: a loss of that name exists", f.name);
            continue;
        }
        lossRegistry().add(f.name, f.create);
    }
}

}  // namespace ladder::train
