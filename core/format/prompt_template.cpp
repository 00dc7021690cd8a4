// The prompt templates' text. Alpaca's wording is Stanford Alpaca's, byte for byte, because models
// fine-tuned on it (and AlpacaEval references) expect exactly that.
#include "core/format/prompt_template.h"

#include <algorithm>

#include "core/common/error.h"

namespace ladder::format {

PromptTemplate PromptTemplate::fromName(const std::string& name) {
    if (name == "alpaca") return PromptTemplate(Kind::Alpaca);
    if (name == "chatml") return PromptTemplate(Kind::ChatMl);
    if (name == "raw") return PromptTemplate(Kind::Raw);
    throw Error("unknown prompt template `" + name + "`: use alpaca, chatml or raw");
}

std::vector<std::string> PromptTemplate::names() {
    return {"alpaca", "chatml", "raw"};
}

std::string PromptTemplate::name() const {
    switch (m_kind) {
        case Kind::Alpaca:
            return "alpaca";
        case Kind::ChatMl:
            return "chatml";
        case Kind::Raw:
            return "raw";
    }
    return "?";
}

std::string PromptTemplate::prompt(const std::string& instruction, const std::string& input) const {
    switch (m_kind) {
        case Kind::Alpaca:
            if (input.empty()) {
                return "Below is an instruction that describes a task. Write a response that "
                       "appropriately completes the request.\n\n### Instruction:\n" +
                       instruction + "\n\n### Response:\n";
            }
            return "Below is an instruction that describes a task, paired with an input that "
                   "provides further context. Write a response that appropriately completes the "
                   "request.\n\n### Instruction:\n" +
                   instruction + "\n\n### Input:\n" + input + "\n\n### Response:\n";
        case Kind::ChatMl:
            return "<|im_start|>user\n" + instruction + (input.empty() ? "" : "\n\n" + input) +
                   "<|im_end|>\n<|im_start|>assistant\n";
        case Kind::Raw:
            return input.empty() ? instruction : instruction + "\n\n" + input;
    }
    return instruction;
}

std::string PromptTemplate::answerSuffix() const {
    return m_kind == Kind::ChatMl ? "<|im_end|>" : "";
}

std::vector<std::string> PromptTemplate::stopStrings() const {
    switch (m_kind) {
        case Kind::Alpaca:
            return {"\n### Instruction:", "\n### Input:", "\n### Response:"};
        case Kind::ChatMl:
            return {"<|im_end|>", "<|im_start|>"};
        case Kind::Raw:
            return {};
    }
    return {};
}

std::string PromptTemplate::trimAnswer(const std::string& generated) const {
    std::size_t cut = generated.size();
    for (const std::string& stop : stopStrings()) {
        cut = std::min(cut, generated.find(stop));
    }
    std::string out = generated.substr(0, cut);
    while (!out.empty() &&
           (out.back() == ' ' || out.back() == '\n' || out.back() == '\t' || out.back() == '\r')) {
        out.pop_back();
    }
    return out;
}

}  // namespace ladder::format
