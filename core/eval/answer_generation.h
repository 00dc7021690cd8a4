// Answers of a model to instructions, as an evaluation needs them: the prompt through the same
// template as training, generated with model::generate (KV cache, batched), stopped at EOS or at
// the template's stop strings (checked on the decoded text), then cut and trimmed as the template
// says. The text is valid UTF-8 (a byte model can emit broken sequences: they become U+FFFD).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/generation.h"
#include "core/data/conversation.h"

namespace ladder::tokenizer {
class Tokenizer;
}

namespace ladder::eval {

struct AnswerOptions {
    // The run's template setting (format::templateSettings(): auto, model, alpaca, chatml, raw),
    // resolved against the tokenizer by format::TextFormat, the path training uses too.
    std::string templateSetting = "auto";
    std::int64_t maxNewTokens = 64;
    double temperature = 0.0;  // 0: greedy
    double topP = 1.0;
    std::int64_t topK = 0;  // 0: no limit
    std::uint64_t seed = 0;
    int batchSize = 16;  // prompts per generate() call
    // Prompt tokens kept (from the end, as training keeps them); 0: as many as the model's
    // positions allow next to maxNewTokens.
    std::int64_t maxPromptTokens = 0;
    bool useCache = true;  // false: recompute every step (for tests)
    // Streaming: called after each new token with the instruction's index and its decoded text so
    // far (raw: a stop string may be part of it); true stops that answer there (a user's Stop).
    std::function<bool(std::size_t index, const std::string& text)> onText;
};

struct Instruction {
    std::string instruction;
    std::string input;
    std::vector<data::Message> messages;  // a conversation prompt's turns (else empty)
};

struct GeneratedAnswer {
    std::string text;                  // trimmed at the template's stop strings, valid UTF-8
    std::vector<std::int64_t> prompt;  // the prompt's token ids as given to the model
    std::vector<std::int64_t> tokens;  // the generated ids (without the stop id)
    model::StopReason reason = model::StopReason::MaxTokens;
    bool promptTruncated = false;  // the prompt's start was cut to fit
};

// Called after each batch with the answers done so far and the total.
using AnswerProgress = std::function<void(std::size_t done, std::size_t total)>;

// One answer per instruction, in order. Runs in eval mode without autograd and puts the model
// back in the mode it was in. Throws ladder::Error for options that cannot work.
[[nodiscard]] std::vector<GeneratedAnswer> generateAnswers(
    model::CausalLMImpl& model, const tokenizer::Tokenizer& tokenizer,
    const std::vector<Instruction>& instructions, const AnswerOptions& options,
    const AnswerProgress& progress = {});

// s with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string replaceInvalidUtf8(const std::string& s);

}  // namespace ladder::eval
