// The built-in losses. Formulas (per pair, h = (pc - rc) - (pr - rr), the log-ratio margin):
//   sft     mean token NLL of chosen
//   dpo     -log sigmoid(beta h)                                  (Rafailov et al. 2023)
//   cdpo    -(1-e) log sigmoid(beta h) - e log sigmoid(-beta h)   (conservative DPO, label smoothing)
//   robust  [-(1-e) log sigmoid(beta h) + e log sigmoid(-beta h)] / (1 - 2e)   (Chowdhury et al. 2024)
//   ipo     (h_avg - 1/(2 beta))^2 with per-token average log-probs    (Azar et al. 2023)
//   slic    max(0, delta - (pc - pr)) + lambda * mean token NLL of chosen  (Zhao et al. 2023, SLiC-HF)
//   hinge   max(0, 1 - beta h): SLiC's hinge on the log-ratio margin    (TRL's loss_type "hinge")
#include "core/train/loss.h"

#include <map>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/plugin/plugin_api.h"

namespace ladder::train {
namespace {

namespace F = torch::nn::functional;

// The knobs' values from params (defaults for those absent); throws ladder::Error naming every
// problem knobProblems() finds.
std::map<std::string, double> readKnobs(const std::string& loss, const std::vector<LossKnob>& knobs,
                                        const nlohmann::json& params) {
    const auto problems = knobProblems(loss, knobs, params);
    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
        throw Error(all);
    }
    std::map<std::string, double> values;
    for (const auto& k : knobs) {
        values[k.name] = params.is_object() && params.contains(k.name)
                             ? params.at(k.name).get<double>()
                             : k.fallback;
    }
    return values;
}

const LossKnob kBeta{.name = "beta", .fallback = 0.1, .min = 0, .minExclusive = true,
                     .meaning = "the pull toward the reference model: larger keeps the policy nearer it"};

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
    void configure(const nlohmann::json& params) override { (void)readKnobs("sft", {}, params); }
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
    std::vector<LossKnob> knobs() const override {
        return {kBeta, {.name = "nll", .fallback = 0.0, .min = 0,
                        .meaning = "weight of the chosen answers' NLL added to the loss (0: off)"}};
    }
    void configure(const nlohmann::json& params) override {
        const auto k = readKnobs("dpo", knobs(), params);
        m_beta = k.at("beta");
        m_nll = k.at("nll");
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
    std::vector<LossKnob> knobs() const override {
        return {kBeta, {.name = "epsilon", .fallback = 0.1, .min = 0, .max = 0.5,
                        .maxExclusive = true, .meaning = "the share of flipped labels"}};
    }
    void configure(const nlohmann::json& params) override {
        const auto k = readKnobs(name(), knobs(), params);
        m_beta = k.at("beta");
        m_epsilon = k.at("epsilon");
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
    std::vector<LossKnob> knobs() const override { return {kBeta}; }
    void configure(const nlohmann::json& params) override {
        m_beta = readKnobs("ipo", knobs(), params).at("beta");
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

// SLiC's hinge on DPO's log-ratio margin (the reference model's log-probs subtracted), as TRL's
// DPOTrainer has it: the margin asked of h is 1/beta, and the loss is 0 past it.
class HingeLoss final : public DpoFamilyLoss {
public:
    std::string name() const override { return "hinge"; }
    std::string description() const override {
        return "hinge on the log-ratio margin against the reference model (SLiC with a reference)";
    }
    std::vector<LossKnob> knobs() const override { return {kBeta}; }
    void configure(const nlohmann::json& params) override {
        m_beta = readKnobs("hinge", knobs(), params).at("beta");
    }
    LossOutputs compute(const LossInputs& in) const override {
        auto m = margin(in);
        auto loss = torch::relu(1.0 - m_beta * m.h).mean();
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
    std::vector<LossKnob> knobs() const override {
        return {{.name = "delta", .fallback = 1.0, .min = 0, .minExclusive = true,
                 .meaning = "the margin the hinge asks of log p(chosen) - log p(rejected)"},
                {.name = "lambda", .fallback = 0.1, .min = 0,
                 .meaning = "weight of the chosen answers' NLL"}};
    }
    void configure(const nlohmann::json& params) override {
        const auto k = readKnobs("slic", knobs(), params);
        m_delta = k.at("delta");
        m_lambda = k.at("lambda");
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
        r.add("hinge", [] { return std::make_unique<HingeLoss>(); });
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
