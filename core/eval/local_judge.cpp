// LocalModelJudge: load the model folder once (configure), then per comparison: the cache, else
// one forward over the rendered prompt and the two labels' log-probabilities at its last position.
#include "core/eval/local_judge.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <torch/torch.h>

#include "core/common/clock.h"
#include "core/common/hash.h"
#include "core/eval/local_judge_prompt.h"
#include "core/format/text_format.h"
#include "core/model/checkpoint.h"
#include "core/model/device.h"
#include "core/store/database.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::eval {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 3> kPlaceholders = {"{instruction}", "{output_1}",
                                                           "{output_2}"};

// The id of a label ("1", "2") as the model would write it first; one token or an error.
std::int32_t labelId(const tokenizer::Tokenizer& tokenizer, const std::string& label,
                     const std::string& folder) {
    const auto ids = tokenizer.encode(label);
    if (ids.size() != 1) {
        throw Error("the local judge reads its verdict from the token of \"" + label + "\", but " +
                    folder + "'s tokenizer writes it as " + std::to_string(ids.size()) +
                    " tokens: choose another judge model");
    }
    return ids[0];
}

class LocalModelJudge final : public Judge {
public:
    [[nodiscard]] std::string name() const override { return m_name; }
    [[nodiscard]] std::string description() const override {
        return "a local chat model as judge (--judge-model DIR): its next-token probabilities "
               "of the labels 1 and 2, both orders";
    }
    [[nodiscard]] bool symmetric() const override { return false; }

    void configure(const nlohmann::json& options, const JudgeContext& context) override {
        if (!options.is_object() || !options.contains("model") || !options["model"].is_string()) {
            throw Error("the local judge needs its model: --judge-model DIR (a Hugging Face chat "
                        "model folder), or the option {\"model\": DIR}");
        }
        for (const auto& [key, value] : options.items()) {
            if (key != "model" && key != "prompt" && key != "device") {
                throw Error("the local judge has no option '" + key + "' (model, prompt, device)");
            }
            if (!value.is_string()) throw Error("the local judge's option '" + key + "' takes text");
        }
        const fs::path folder = options["model"].get<std::string>();
        m_prompt = defaultJudgePrompt();
        if (options.contains("prompt")) {
            const fs::path file = options["prompt"].get<std::string>();
            std::ifstream in(file, std::ios::binary);
            if (!in) throw Error("the local judge's prompt " + file.string() + " cannot be read");
            std::ostringstream text;
            text << in.rdbuf();
            m_prompt = text.str();
            (void)fillJudgePrompt(m_prompt, Comparison{});  // every placeholder present
        }
        const torch::Device device = model::parseDevice(options.value("device", std::string("cpu")));
        m_model = model::loadPretrained(folder, device, torch::kFloat);
        m_model->eval();
        m_tokenizer = tokenizer::loadModelTokenizer(folder);
        m_tokenizer->checkFitsModel(static_cast<int>(m_model->config().vocabSize), folder.string());
        m_format = std::make_unique<format::TextFormat>(format::TextFormat::resolve("auto", *m_tokenizer));
        m_labels = {labelId(*m_tokenizer, "1", folder.string()),
                    labelId(*m_tokenizer, "2", folder.string())};
        std::string shown = folder.filename().string();
        if (shown.empty()) shown = folder.parent_path().filename().string();
        m_name = "local:" + shown;
        m_key = m_name + "|" + model::weightsHash(*m_model) + "|" + hash::ofBytes(m_prompt) + "|" +
                m_format->cacheKey();
        m_db = context.workspace;
    }

    [[nodiscard]] std::vector<Verdict> judge(const std::vector<Comparison>& comparisons) override {
        if (!m_model) throw Error("the local judge was not given its model (--judge-model DIR)");
        std::vector<Verdict> out(comparisons.size());
        std::vector<std::pair<std::string, double>> fresh;  // to store in the workspace
        for (std::size_t i = 0; i < comparisons.size(); ++i) {
            const Comparison& c = comparisons[i];
            const std::string key = comparisonKey(c);
            if (auto hit = cached(key)) {
                out[i].preference = *hit;
                continue;
            }
            try {
                const double preference = ask(c);
                out[i].preference = preference;
                m_memory[key] = preference;
                fresh.emplace_back(key, preference);
            } catch (const std::exception& e) {
                out[i].error = e.what();
            }
        }
        store(fresh);
        return out;
    }

private:
    static std::string comparisonKey(const Comparison& c) {
        hash::Hasher h;
        for (const std::string* s : {&c.instruction, &c.input, &c.output1, &c.output2}) {
            const std::string size = std::to_string(s->size()) + ":";
            h.update(size);
            h.update(*s);
        }
        return h.hex();
    }

    std::optional<double> cached(const std::string& key) {
        if (const auto it = m_memory.find(key); it != m_memory.end()) return it->second;
        if (!m_db) return std::nullopt;
        auto q = m_db->prepare("SELECT preference FROM judge_cache WHERE judge = ? AND comparison = ?");
        q.bind(1, m_key).bind(2, key);
        if (!q.step() || q.isNull(0)) return std::nullopt;
        m_memory[key] = q.real(0);
        return q.real(0);
    }

    void store(const std::vector<std::pair<std::string, double>>& fresh) {
        if (!m_db || m_db->readOnly() || fresh.empty()) return;
        store::Transaction tx(*m_db);
        auto insert = m_db->prepare(
            "INSERT OR REPLACE INTO judge_cache(judge, comparison, preference, created_at) "
            "VALUES (?, ?, ?, ?)");
        const std::string now = clock::nowIso();
        for (const auto& [key, preference] : fresh) {
            insert.bind(1, m_key).bind(2, key).bind(3, preference).bind(4, now).run();
        }
        tx.commit();
    }

    // 1 + P("2") / (P("1") + P("2")) at the position after the rendered prompt.
    double ask(const Comparison& c) {
        format::Prompt prompt;
        prompt.instruction = fillJudgePrompt(m_prompt, c);
        const auto ids = m_format->promptIds(prompt);
        torch::NoGradGuard noGrad;
        const auto device = m_model->device();
        const auto input = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()),
                                         torch::TensorOptions().dtype(torch::kInt64))
                               .unsqueeze(0)
                               .to(device);
        model::ForwardInput forward;
        forward.inputIds = input;
        const auto hidden = m_model->hidden(forward);
        const auto last = m_model->logits(hidden.select(1, hidden.size(1) - 1)).to(torch::kDouble);
        const auto logp = torch::log_softmax(last, -1).squeeze(0);
        const double one = logp[m_labels.first].item<double>();
        const double two = logp[m_labels.second].item<double>();
        if (!std::isfinite(one) || !std::isfinite(two)) {
            throw Error("the judge model's log-probabilities of the labels are not finite");
        }
        // P(2) / (P(1) + P(2)) = sigmoid(log P(2) - log P(1)).
        return 1.0 + 1.0 / (1.0 + std::exp(one - two));
    }

    std::string m_name = "local";
    std::string m_prompt;
    std::string m_key;
    model::CausalLM m_model{nullptr};
    std::unique_ptr<tokenizer::Tokenizer> m_tokenizer;
    std::unique_ptr<format::TextFormat> m_format;
    std::pair<std::int32_t, std::int32_t> m_labels{0, 0};
    store::Database* m_db = nullptr;
    std::map<std::string, double> m_memory;
};

}  // namespace

const std::string& defaultJudgePrompt() {
    static const std::string prompt = kLocalJudgePrompt;
    return prompt;
}

std::string fillJudgePrompt(const std::string& prompt, const Comparison& c) {
    std::string instruction = c.instruction;
    if (!c.input.empty()) instruction += "\n\n" + c.input;
    const std::array<const std::string*, 3> values = {&instruction, &c.output1, &c.output2};
    std::array<bool, 3> used{};
    std::string out;
    out.reserve(prompt.size() + instruction.size() + c.output1.size() + c.output2.size());
    std::size_t i = 0;
    while (i < prompt.size()) {
        bool replaced = false;
        if (prompt[i] == '{') {
            for (std::size_t k = 0; k < kPlaceholders.size(); ++k) {
                if (prompt.compare(i, kPlaceholders[k].size(), kPlaceholders[k]) == 0) {
                    out += *values[k];
                    used[k] = true;
                    i += kPlaceholders[k].size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += prompt[i++];
    }
    for (std::size_t k = 0; k < kPlaceholders.size(); ++k) {
        if (!used[k]) {
            throw Error("the judge prompt has no " + std::string(kPlaceholders[k]) +
                        ": it needs {instruction}, {output_1} and {output_2}");
        }
    }
    return out;
}

std::unique_ptr<Judge> makeLocalModelJudge() {
    return std::make_unique<LocalModelJudge>();
}

}  // namespace ladder::eval
