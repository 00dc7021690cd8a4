#include "core/model/lora.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/atomic_file.h"
#include "core/model/causal_lm.h"
#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"

namespace ladder::model {
namespace {

constexpr const char* kConfigFile = "adapter_config.json";
constexpr const char* kWeightsFile = "adapter_model.safetensors";
// PEFT saves a causal LM's adapter under the PeftModel's own prefixes.
constexpr const char* kPrefix = "base_model.model.";

std::string tensorName(const std::string& module, const char* part) {
    return kPrefix + module + "." + part + ".weight";
}

}  // namespace

LoraModule* LoraAdapter::add(const std::string& name, std::int64_t in, std::int64_t out,
                             const torch::TensorOptions& options) {
    auto module = std::make_unique<LoraModule>();
    module->name = name;
    const torch::NoGradGuard noGrad;
    // PEFT: nn.init.kaiming_uniform_(A, a=sqrt(5)), a bound of 1/sqrt(in); B zero.
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    module->a = torch::empty({m_spec.rank, in}, options).uniform_(-bound, bound).requires_grad_(true);
    module->b = torch::zeros({out, m_spec.rank}, options).requires_grad_(true);
    m_modules.push_back(std::move(module));
    return m_modules.back().get();
}

LoraModule* LoraAdapter::find(const std::string& name) const {
    for (const auto& m : m_modules) {
        if (m->name == name) return m.get();
    }
    return nullptr;
}

std::vector<torch::Tensor> LoraAdapter::parameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& m : m_modules) {
        out.push_back(m->a);
        out.push_back(m->b);
    }
    return out;
}

torch::Tensor LoraAdapter::delta(const LoraModule& module, const torch::Tensor& x,
                                 bool training) const {
    if (!m_enabled) return {};
    // A bfloat16 base feeds its activations in; the adapter computes in its own float32.
    const auto x32 = x.scalar_type() == module.a.scalar_type() ? x : x.to(module.a.scalar_type());
    const auto in = training && m_spec.dropout > 0 ? torch::dropout(x32, m_spec.dropout, true) : x32;
    const auto low = torch::nn::functional::linear(in, module.a);                   // (..., r)
    const auto out = torch::nn::functional::linear(low, module.b) * m_spec.scale();  // (..., out)
    return out.scalar_type() == x.scalar_type() ? out : out.to(x.scalar_type());
}

LoraOff::LoraOff(const CausalLMImpl& model) : m_adapter(model.lora()) {
    if (!m_adapter) return;
    m_was = m_adapter->isEnabled();
    m_adapter->setEnabled(false);
}

LoraOff::~LoraOff() {
    if (m_adapter) m_adapter->setEnabled(m_was);
}

void saveLora(const LoraAdapter& adapter, const std::filesystem::path& folder,
              const std::string& baseModel) {
    std::filesystem::create_directories(folder);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& m : adapter.modules()) {
        tensors.emplace_back(tensorName(m->name, "lora_A"), m->a.detach());
        tensors.emplace_back(tensorName(m->name, "lora_B"), m->b.detach());
    }
    writeSafetensors(folder / kWeightsFile, tensors, torch::kFloat);
    AtomicFile file(folder / kConfigFile);
    file.stream() << loraConfigJson(adapter.spec(), baseModel).dump(2) << '\n';
    file.commit();
}

bool isLoraFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(folder / kConfigFile, ec)) return false;
    try {
        const auto j = json::readFile(folder / kConfigFile);
        return j.is_object() && j.value("peft_type", std::string()) == "LORA";
    } catch (const Error&) {
        return false;
    }
}

LoraSpec loadLoraSpec(const std::filesystem::path& folder) {
    const auto path = folder / kConfigFile;
    const auto j = json::readFile(path);
    const auto fail = [&](const std::string& what) {
        throw Error(path.string() + ": " + what);
    };
    if (!j.is_object()) fail("is not a JSON object");
    if (j.value("peft_type", std::string()) != "LORA") fail("peft_type is not LORA");
    const auto flagSet = [&](const char* key) {
        return j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
    };
    if (flagSet("fan_in_fan_out")) fail("fan_in_fan_out adapters (GPT-2's Conv1D) are not supported");
    if (flagSet("use_rslora")) fail("rsLoRA scaling (use_rslora) is not supported");
    if (flagSet("use_dora")) fail("DoRA adapters (use_dora) are not supported");
    for (const char* key : {"rank_pattern", "alpha_pattern"}) {
        if (j.contains(key) && j[key].is_object() && !j[key].empty()) {
            fail(std::string(key) + " (a rank or alpha per module) is not supported");
        }
    }
    if (j.contains("bias") && j["bias"] != "none") fail("bias must be \"none\"");
    if (j.contains("modules_to_save") && !j["modules_to_save"].is_null() &&
        !(j["modules_to_save"].is_array() && j["modules_to_save"].empty())) {
        fail("modules_to_save (fully trained extra modules) is not supported");
    }
    LoraSpec spec;
    if (!j.contains("r") || !j["r"].is_number_integer() || !json::fits<int>(j["r"])) fail("r must be an integer");
    spec.rank = j["r"].get<int>();
    if (!j.contains("lora_alpha") || !j["lora_alpha"].is_number()) fail("lora_alpha must be a number");
    spec.alpha = j["lora_alpha"].get<double>();
    spec.dropout = j.contains("lora_dropout") && j["lora_dropout"].is_number()
                       ? j["lora_dropout"].get<double>() : 0.0;
    const auto& targets = j.contains("target_modules") ? j["target_modules"] : nlohmann::json();
    if (targets.is_string()) {
        spec.targetModules = {targets.get<std::string>()};
    } else if (targets.is_array() && std::all_of(targets.begin(), targets.end(),
                                                 [](const auto& t) { return t.is_string(); })) {
        spec.targetModules = targets.get<std::vector<std::string>>();
    } else {
        fail("target_modules must be a list of module names");
    }
    const auto problems = loraProblems(spec);
    if (!problems.empty()) fail(problems.front());
    return spec;
}

std::shared_ptr<LoraAdapter> attachLora(CausalLMImpl& model, const LoraSpec& spec) {
    const auto problems = loraProblems(spec);
    if (!problems.empty()) throw Error(problems.front());
    if (!spec.enabled()) throw Error("lora.rank is 0: there is no adapter to attach");
    auto adapter = std::make_shared<LoraAdapter>(spec);
    model.connectLora(adapter, loraTargets(spec));
    for (auto& p : model.parameters()) p.requires_grad_(false);
    return adapter;
}

void loadLoraWeights(const LoraAdapter& adapter, const std::filesystem::path& folder) {
    const SafetensorsFile file(folder / kWeightsFile);
    const torch::NoGradGuard noGrad;
    for (const auto& m : adapter.modules()) {
        for (auto [part, tensor] : {std::pair{"lora_A", m->a}, std::pair{"lora_B", m->b}}) {
            const auto name = tensorName(m->name, part);
            if (!file.contains(name)) {
                throw Error(file.path().string() + " has no tensor " + name +
                            ": the adapter was trained for other target modules or another model");
            }
            const auto& entry = file.entry(name);
            if (entry.shape != tensor.sizes().vec()) {
                throw Error(file.path().string() + ": " + name + " has another shape than this " +
                            "model's adapter (rank or model size differs)");
            }
            tensor.copy_(file.view(name));
        }
    }
    const auto expected = 2 * adapter.modules().size();
    if (file.names().size() != expected) {
        throw Error(file.path().string() + " holds " + std::to_string(file.names().size()) +
                    " tensors where this model's adapter has " + std::to_string(expected) +
                    ": its target modules differ");
    }
}

namespace {

// W += scale * B A for each (module name, A, B).
void mergeInto(CausalLMImpl& model, const std::vector<std::tuple<std::string, torch::Tensor, torch::Tensor>>& updates,
               double scale, const std::string& source) {
    std::map<std::string, torch::Tensor> weights;
    for (const auto& item : model.named_parameters()) weights[item.key()] = item.value();
    const torch::NoGradGuard noGrad;
    for (const auto& [name, a, b] : updates) {
        const auto it = weights.find(name + ".weight");
        if (it == weights.end()) {
            throw Error(source + ": the model has no layer " + name + " to merge the adapter into");
        }
        auto& w = it->second;
        const auto delta = torch::matmul(b.to(torch::kFloat), a.to(torch::kFloat)) * scale;
        if (delta.sizes() != w.sizes()) {
            throw Error(source + ": the adapter of " + name + " does not fit the model's layer");
        }
        w.add_(delta.to(w.device(), w.scalar_type()));
    }
}

}  // namespace

void mergeLoraFolder(CausalLMImpl& model, const std::filesystem::path& folder) {
    const auto spec = loadLoraSpec(folder);
    const SafetensorsFile file(folder / kWeightsFile);
    std::vector<std::tuple<std::string, torch::Tensor, torch::Tensor>> updates;
    const std::string prefix = kPrefix;
    const std::string suffix = ".lora_A.weight";
    for (const auto& name : file.names()) {
        if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
            continue;
        }
        const auto module = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        const auto bName = tensorName(module, "lora_B");
        if (!file.contains(bName)) throw Error(file.path().string() + " has no " + bName);
        updates.emplace_back(module, file.tensor(name), file.tensor(bName));
    }
    if (updates.empty()) throw Error(file.path().string() + " holds no LoRA weights");
    mergeInto(model, updates, spec.scale(), file.path().string());
}

void saveMergedPretrained(const CausalLMImpl& model, const std::filesystem::path& folder,
                          std::optional<torch::Dtype> dtype, std::int64_t maxShardBytes) {
    const auto adapter = model.lora();
    if (!adapter) throw Error("the model has no adapter to merge");
    auto weights = model.hfWeights();
    const torch::NoGradGuard noGrad;
    for (auto& [name, tensor] : weights) {
        for (const auto& m : adapter->modules()) {
            if (name != m->name + ".weight") continue;
            tensor = (tensor.to(torch::kFloat) + torch::matmul(m->b, m->a) * adapter->spec().scale())
                         .to(tensor.scalar_type());
        }
    }
    writeModelFolder(weights, model.config(), folder, dtype.value_or(model.dtype()), maxShardBytes);
}

void mergeAttachedLora(CausalLMImpl& model) {
    const auto adapter = model.lora();
    if (!adapter) return;
    std::vector<std::tuple<std::string, torch::Tensor, torch::Tensor>> updates;
    for (const auto& m : adapter->modules()) updates.emplace_back(m->name, m->a.detach(), m->b.detach());
    model.connectLora(nullptr, {});
    mergeInto(model, updates, adapter->spec().scale(), "the run's adapter");
}

}  // namespace ladder::model
