// Evaluator: generate (or match) answers, ask the judge in one call (both orders when needed),
// summarise, store.
#include "core/eval/evaluator.h"

#include <chrono>
#include <map>
#include <unordered_map>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/text.h"
#include "core/data/prompt_key.h"
#include "core/eval/eval_store.h"

namespace ladder::eval {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::int64_t lengthOf(const std::string& s) {
    return static_cast<std::int64_t>(text::isValidUtf8(s) ? text::codePointCount(s) : s.size());
}

// The keys a file's instruction may match a prompt by: with its input joined (AlpacaEval's form)
// or the prompt's own match key. Empty for text that is not valid UTF-8.
std::string keyOf(const std::string& instruction, const std::string& input) {
    if (!text::isValidUtf8(instruction) || !text::isValidUtf8(input)) return {};
    return data::matchKey(instruction, input);
}

}  // namespace

Evaluator::Evaluator(store::Database& db, EvalSettings settings)
    : m_db(db), m_settings(std::move(settings)) {
    m_prompts = loadEvalPrompts(m_db, m_settings.prompts);
    m_judge = makeJudge(m_settings.judge, m_settings.judgeOptions, JudgeContext{&m_db});
}

Evaluator::~Evaluator() = default;

EvalResult Evaluator::evaluateModel(model::CausalLMImpl& model,
                                    const tokenizer::Tokenizer& tokenizer, const EvalTarget& target,
                                    const EvalProgress& progress) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<Instruction> instructions;
    instructions.reserve(m_prompts.size());
    for (const auto& p : m_prompts) instructions.push_back({p.instruction, p.input, p.messages});
    if (progress) progress("generating " + std::to_string(instructions.size()) + " answers");
    const auto answers =
        generateAnswers(model, tokenizer, instructions, m_settings.generation,
                        [&](std::size_t done, std::size_t total) {
                            if (progress) {
                                progress("generated " + std::to_string(done) + " of " +
                                         std::to_string(total) + " answers");
                            }
                        });

    std::vector<EvalSample> samples;
    samples.reserve(m_prompts.size());
    std::map<std::string, std::int64_t> reasons;
    std::int64_t truncated = 0;
    for (std::size_t i = 0; i < m_prompts.size(); ++i) {
        samples.push_back({m_prompts[i], answers[i].text, {}});
        ++reasons[model::toString(answers[i].reason)];
        truncated += answers[i].promptTruncated ? 1 : 0;
    }
    const AnswerOptions& g = m_settings.generation;
    nlohmann::json details = {
        {"source", "generated"},
        {"template", g.templateSetting},
        {"max_new_tokens", g.maxNewTokens},
        {"temperature", g.temperature},
        {"top_p", g.topP},
        {"seed", g.seed},
        {"stop_reasons", reasons},
        {"prompts_truncated", truncated},
        {"generation_seconds", secondsSince(start)},
    };
    return judgeAndStore(std::move(samples), target, std::move(details), progress);
}

EvalResult Evaluator::evaluateOutputs(const std::vector<ModelOutput>& outputs,
                                      const EvalTarget& target, const EvalProgress& progress) {
    std::unordered_map<std::string, const ModelOutput*> byKey;
    for (const auto& o : outputs) {
        const std::string key = keyOf(o.instruction, "");
        if (!key.empty()) byKey.emplace(key, &o);  // the first answer of an instruction
    }
    std::vector<EvalSample> samples;
    std::int64_t missing = 0;
    for (const auto& p : m_prompts) {
        auto it = byKey.find(keyOf(alpacaInstruction(p.instruction, p.input), ""));
        if (it == byKey.end()) it = byKey.find(keyOf(p.instruction, p.input));
        if (it == byKey.end()) {
            ++missing;
            continue;
        }
        samples.push_back({p, it->second->output, {}});
    }
    if (samples.empty()) {
        throw Error("none of the " + std::to_string(outputs.size()) + " answers is to one of the " +
                    std::to_string(m_prompts.size()) + " " + describePromptSet(m_settings.prompts) +
                    ": are they answers to the same instructions?");
    }
    nlohmann::json details = {{"source", "outputs"}, {"missing_answers", missing}};
    return judgeAndStore(std::move(samples), target, std::move(details), progress);
}

EvalResult Evaluator::judgeAndStore(std::vector<EvalSample> samples, const EvalTarget& target,
                                    nlohmann::json details, const EvalProgress& progress) {
    const auto start = std::chrono::steady_clock::now();
    const bool bothOrders = !m_judge->symmetric();
    // AlpacaEval's order first: the reference is output_1, the evaluated answer output_2.
    std::vector<Comparison> comparisons;
    comparisons.reserve(samples.size() * (bothOrders ? 2 : 1));
    const std::string& reference = m_settings.prompts.reference;
    for (const auto& s : samples) {
        comparisons.push_back({s.prompt.instruction, s.prompt.input, s.prompt.reference, s.output,
                               reference, target.generator});
    }
    if (bothOrders) {
        for (const auto& s : samples) {
            comparisons.push_back({s.prompt.instruction, s.prompt.input, s.output,
                                   s.prompt.reference, target.generator, reference});
        }
    }
    if (progress) {
        progress("judging " + std::to_string(comparisons.size()) + " comparisons with " +
                 m_judge->name() + (bothOrders ? " (both orders)" : ""));
    }
    const std::vector<Verdict> verdicts = m_judge->judge(comparisons);
    if (verdicts.size() != comparisons.size()) {
        throw Error("judge " + m_judge->name() + " returned " + std::to_string(verdicts.size()) +
                    " verdicts for " + std::to_string(comparisons.size()) + " comparisons");
    }

    std::map<std::string, std::int64_t> errors;  // distinct messages, for the details
    std::vector<PromptOutcome> outcomes;
    outcomes.reserve(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        PromptOutcome& o = samples[i].outcome;
        o.forward = verdicts[i].preference;
        o.error = verdicts[i].error;
        if (bothOrders) {
            const Verdict& back = verdicts[samples.size() + i];
            o.backwardAsked = true;
            o.backward = back.preference;
            if (o.error.empty()) o.error = back.error;
            if (!back.error.empty()) ++errors[back.error];
        }
        if (!verdicts[i].error.empty()) ++errors[verdicts[i].error];
        o.outputLength = lengthOf(samples[i].output);
        o.outputRepetition = text::repeatedNgramShare(samples[i].output);
        o.referenceLength = lengthOf(samples[i].prompt.reference);
        outcomes.push_back(o);
    }

    EvalResult result;
    result.judge = m_judge->name();
    result.reference = m_settings.prompts.reference;
    result.winRate = summarize(outcomes);
    result.samples = std::move(samples);
    details["win_rate"] = toJson(result.winRate);
    details["judge_options"] = m_settings.judgeOptions;
    details["both_orders"] = bothOrders;
    details["prompt_set"] = describePromptSet(m_settings.prompts);
    details["generator"] = target.generator;
    details["judging_seconds"] = secondsSince(start);
    nlohmann::json errorList = nlohmann::json::array();
    for (const auto& [message, count] : errors) {
        if (errorList.size() < 20) errorList.push_back({{"message", message}, {"rows", count}});
    }
    details["judge_errors"] = errorList;
    result.details = std::move(details);
    if (target.store) result.evalId = storeEval(m_db, target, result);
    const std::string summary = renderWinRate(result.winRate);
    log::get("eval")->info("eval {} of {} vs {} by {}: {}", result.evalId, target.generator,
                           result.reference, result.judge, summary.substr(0, summary.find('\n')));
    return result;
}

}  // namespace ladder::eval
