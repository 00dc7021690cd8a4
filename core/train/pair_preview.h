// A training pair as the model will see it: the format's prompt text and every token of the
// prompt and both answers after the length caps, which tokens are special and which carry loss.
// The launcher's preview shows it; it runs the code the trainer runs (tokenizePair).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/train/length_caps.h"

namespace ladder::format {
class TextFormat;
}
namespace ladder::pairs {
struct TrainingPair;
}
namespace ladder::tokenizer {
class Tokenizer;
}
namespace ladder::store {
class Workspace;
}

namespace ladder::train {

struct ModelSpec;

struct TokenPiece {
    std::int32_t id = 0;
    std::string text;      // the token's own text (valid UTF-8; a split character shows as U+FFFD)
    bool special = false;  // a special token (left out of decoded answers)
    bool loss = false;     // the loss is computed on it (answer tokens)
};

struct PairPreview {
    std::string format;      // the format's name ("alpaca", "chat template of ...")
    std::string promptText;  // the rendered prompt, generation prompt included
    std::vector<TokenPiece> prompt, chosen, rejected;
    bool promptCut = false;  // the caps cut the prompt's start
    bool answerCut = false;  // ... or an answer's end
};

// Throws ladder::Error as tokenizePair does (a template's raise_exception, an empty prompt).
[[nodiscard]] PairPreview previewPair(const pairs::TrainingPair& pair,
                                      const format::TextFormat& textFormat,
                                      const tokenizer::Tokenizer& tokenizer, const LengthCaps& caps);

// The tokenizer the spec's model reads with, without loading its weights (defined with
// loadModelSpec in model_source.cpp; declared here to keep LibTorch out of the window's code).
// Throws ladder::Error as loadModelSpec does.
[[nodiscard]] std::shared_ptr<tokenizer::Tokenizer> loadSpecTokenizer(
    store::Workspace& workspace, const ModelSpec& spec, const std::string& tokenizerOverride);

}  // namespace ladder::train
