// Fuzz target: a chat template from a downloaded model folder (chat_template.jinja or the
// chat_template of tokenizer_config.json), compiled and rendered against a small fixed
// conversation (system, user, an assistant tool call, its result, user; one tool), with and
// without the generation prompt, as apply_chat_template renders it. The render limits are the
// interpreter's own, made smaller so that a template that reaches them does so in milliseconds:
// a template that runs past libFuzzer's timeout anyway found work that the limits do not count.
// Any outcome but text or a ladder::Error (TemplateError included) is a finding.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/chat/json_values.h"
#include "core/chat/template.h"
#include "core/common/error.h"

namespace {

using namespace ladder::chat;

const char* const kConversation = R"({
  "messages": [
    {"role": "system", "content": "You are brief."},
    {"role": "user", "content": "What is the weather in Paris? caf\u00e9 \u4e2d\u6587"},
    {"role": "assistant", "content": "",
     "tool_calls": [{"type": "function", "id": "call_1",
                     "function": {"name": "weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "{\"temp\": 21}", "tool_call_id": "call_1"},
    {"role": "user", "content": [{"type": "text", "text": "And tomorrow?"}]}
  ],
  "tools": [{"type": "function", "function": {"name": "weather", "description": "Weather",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                            "required": ["city"]}}}],
  "documents": null,
  "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>",
  "enable_thinking": false
})";

const Variables& conversation() {
    static const Variables variables = [] {
        Variables v;
        const OrderedJson json = OrderedJson::parse(kConversation);
        for (const auto& [name, value] : json.items()) {
            v.emplace_back(name, fromJson(value));
        }
        return v;
    }();
    return variables;
}

TemplateOptions options() {
    TemplateOptions o;
    o.render.maxOutputBytes = 1u << 20;
    o.render.maxSteps = 200'000;
    return o;
}

std::chrono::system_clock::time_point fixedTime() {
    return std::chrono::system_clock::from_time_t(1721995200);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view source(reinterpret_cast<const char*>(data), size);
    try {
        const Template t = Template::compile(source, "fuzz/chat_template.jinja", options());
        for (const bool generationPrompt : {false, true}) {
            Variables variables = conversation();
            variables.emplace_back("add_generation_prompt", Value(generationPrompt));
            const std::string text = t.render(variables, fixedTime);
            if (text.size() > options().render.maxOutputBytes) __builtin_trap();
        }
    } catch (const ladder::Error&) {
        // A template that does not compile, raises or reaches a limit: refused, as it should be.
    }
    return 0;
}
