// generateAnswers(): tokenise through the run's format (format::TextFormat), cap the prompt, generate in batches of similar
// length, decode, cut at the stop strings.
#include "core/eval/answer_generation.h"

#include <algorithm>
#include <numeric>

#include "core/common/error.h"
#include "core/format/text_format.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::eval {
namespace {

// Special tokens are kept while looking for stop strings (ChatML's <|im_end|> may be one) and
// left out of the answer's text.
std::string decode(const tokenizer::Tokenizer& tokenizer, const std::vector<std::int64_t>& ids,
                   bool skipSpecialTokens) {
    const std::vector<std::int32_t> narrow(ids.begin(), ids.end());
    return tokenizer.decode(narrow, skipSpecialTokens);
}

// Puts a module back into training mode (if it was) when the evaluation is done.
class EvalMode {
public:
    explicit EvalMode(torch::nn::Module& module)
        : m_module(module), m_wasTraining(module.is_training()) {
        m_module.eval();
    }
    ~EvalMode() { m_module.train(m_wasTraining); }
    EvalMode(const EvalMode&) = delete;
    EvalMode& operator=(const EvalMode&) = delete;

private:
    torch::nn::Module& m_module;
    bool m_wasTraining;
};

// The length of the valid UTF-8 sequence at s[i], or 0 when there is none.
std::size_t sequenceLength(const std::string& s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    if (b < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        if (b == 0xE0) low = 0xA0;   // no overlong forms
        if (b == 0xED) high = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        if (b == 0xF0) low = 0x90;
        if (b == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (i + length > s.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return length;
}

}  // namespace

std::string replaceInvalidUtf8(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = sequenceLength(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

std::vector<GeneratedAnswer> generateAnswers(model::CausalLMImpl& model,
                                             const tokenizer::Tokenizer& tokenizer,
                                             const std::vector<Instruction>& instructions,
                                             const AnswerOptions& options,
                                             const AnswerProgress& progress) {
    const model::ModelConfig& config = model.config();
    if (options.maxNewTokens < 1) throw Error("max new tokens must be at least 1");
    if (options.batchSize < 1) throw Error("the generation batch size must be at least 1");
    if (options.maxNewTokens >= config.maxPositionEmbeddings) {
        throw Error("max new tokens (" + std::to_string(options.maxNewTokens) +
                    ") must be below the model's " + std::to_string(config.maxPositionEmbeddings) +
                    " positions");
    }
    std::int64_t promptCap = config.maxPositionEmbeddings - options.maxNewTokens;
    if (options.maxPromptTokens > 0) promptCap = std::min(promptCap, options.maxPromptTokens);

    const auto textFormat = format::TextFormat::resolve(options.templateSetting, tokenizer);
    std::vector<GeneratedAnswer> out(instructions.size());
    for (std::size_t i = 0; i < instructions.size(); ++i) {
        const auto& in = instructions[i];
        const auto ids = textFormat.promptIds({in.instruction, in.input, in.messages});
        auto& prompt = out[i].prompt;
        prompt.assign(ids.begin(), ids.end());
        if (prompt.empty()) {
            throw Error("instruction " + std::to_string(i + 1) + " gives an empty prompt with " +
                        textFormat.name() + ": check its text");
        }
        if (static_cast<std::int64_t>(prompt.size()) > promptCap) {
            prompt.erase(prompt.begin(), prompt.end() - promptCap);
            out[i].promptTruncated = true;
        }
    }

    model::GenerationOptions generation;
    generation.maxNewTokens = options.maxNewTokens;
    generation.temperature = options.temperature;
    generation.topP = options.topP;
    generation.topK = options.topK;
    generation.seed = options.seed;
    generation.useCache = options.useCache;
    generation.stopIds = config.eosTokenIds;
    if (const auto eos = tokenizer.eosId();
        eos && std::find(generation.stopIds.begin(), generation.stopIds.end(), *eos) ==
                   generation.stopIds.end()) {
        generation.stopIds.push_back(*eos);
    }
    // Batches of similar prompt lengths waste less on padding; rows do not affect each other.
    std::vector<std::size_t> order(instructions.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return out[a].prompt.size() < out[b].prompt.size();
    });

    const std::vector<std::string> stops = textFormat.stopStrings();
    std::size_t batchStart = 0;  // the batch's first position in `order`, for onText's index
    if (!stops.empty() || options.onText) {
        // A stop string may span tokens or sit inside one: look for it in the decoded text.
        generation.stopWhen = [&](std::size_t row, const std::vector<std::int64_t>& tokens) {
            const std::string text = decode(tokenizer, tokens, /*skipSpecialTokens=*/false);
            bool stop = std::any_of(stops.begin(), stops.end(), [&](const std::string& s) {
                return text.find(s) != std::string::npos;
            });
            if (options.onText) {
                stop = options.onText(order[batchStart + row], replaceInvalidUtf8(text)) || stop;
            }
            return stop;
        };
    }

    EvalMode evalMode(model);
    const auto batch = static_cast<std::size_t>(options.batchSize);
    for (std::size_t start = 0; start < order.size(); start += batch) {
        batchStart = start;
        const std::size_t end = std::min(order.size(), start + batch);
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::size_t k = start; k < end; ++k) prompts.push_back(out[order[k]].prompt);
        auto generated = model::generate(model, prompts, generation);
        for (std::size_t k = start; k < end; ++k) {
            GeneratedAnswer& answer = out[order[k]];
            answer.tokens = std::move(generated[k - start].tokens);
            answer.reason = generated[k - start].reason;
            answer.text = replaceInvalidUtf8(
                textFormat.trimAnswer(decode(tokenizer, answer.tokens, true)));
        }
        if (progress) progress(end, order.size());
    }
    return out;
}

}  // namespace ladder::eval
