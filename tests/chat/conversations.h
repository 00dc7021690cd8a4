// Conversations for the chat-template oracle test, generated from a fixed seed: with and without
// a system message, 1 to 4 turns, generation prompt on and off, non-ASCII text, whitespace at the
// edges, text that looks like template syntax, tools and tool calls, and for Qwen3 thinking.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/chat/chat_template.h"

namespace ladder::chat::test {

struct OracleCase {
    std::string id;               // "Qwen3-0.6B#12": printed when a case differs
    std::filesystem::path model;  // the model folder
    ChatRequest request;
    bool ids = false;  // also compare token ids (folders with a tokenizer.json)
};

enum class ModelStyle {
    ChatMl,  // Qwen2.5, SmolLM2: system, user, assistant, tools for Qwen
    Qwen3,   // ChatML with <think> blocks and enable_thinking
    Llama3,  // date_string, tools in the first user message
    Gemma,   // no system role, strictly alternating
};

struct ModelSpec {
    std::string folder;  // under data/models
    ModelStyle style;
    bool tools;  // the template renders tools and tool calls
};

// `count` cases for one model; the same every run (seed from the folder name).
[[nodiscard]] std::vector<OracleCase> generateCases(const std::filesystem::path& modelsDir,
                                                    const ModelSpec& spec, int count);

// The JSON the reference script reads (see render_reference.py).
[[nodiscard]] OrderedJson caseToJson(const OracleCase& oracleCase);

}  // namespace ladder::chat::test
