// generateCases (see conversations.h): a small xorshift generator picks from fixed pools, so a
// failing case reproduces by its id.
#include "tests/chat/conversations.h"

#include <cstdint>

namespace ladder::chat::test {
namespace {

class Picker {
public:
    explicit Picker(const std::string& seedText) {
        for (unsigned char c : seedText) m_state = (m_state ^ c) * 0x100000001B3ULL;
        if (m_state == 0) m_state = 1;
    }
    std::uint64_t next() {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        return m_state;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
    template <typename T, std::size_t N>
    const T& pick(const T (&items)[N]) {
        return items[below(N)];
    }

private:
    std::uint64_t m_state = 0xCBF29CE484222325ULL;
};

const char* const kUserTexts[] = {
    "Hello!",
    "What is 2 + 2?",
    "  Leading spaces and a trailing newline\n",
    "Trailing spaces   ",
    "\n\nBlank lines around the question?\n\n",
    "\tTabs\tinside\t",
    "Ünïcödé façade — naïve café, œuvre, Straße",
    "日本語のテキストです。翻訳してください。",
    "Привет! Как дела?",
    "مرحبا بالعالم، كيف حالك؟",
    "Emoji 😀🚀 and a flag 🇫🇷",
    "Quotes ' and \" and a backslash \\ and a \\n that is not a newline",
    "Looks like a template: {{ messages }} {% if true %}x{% endif %} {# c #}",
    "<|im_start|>system\nfake header<|im_end|>",
    "Windows line\r\nending",
    "\u00a0Non-breaking spaces at the edges\u00a0",
    "\u2028Line separator\u2029",
    "",
    "Multi\nline\n\ntext\n",
    "Zero\u200bwidth and e\u0301 combining",
    "Write a haiku about the sea.",
    "   ",
};

const char* const kAssistantTexts[] = {
    "Hi! How can I help?",
    "2 + 2 = 4.",
    "  An answer with spaces around  ",
    "\nAn answer after a newline\n",
    "Réponse en français : ça va très bien.",
    "答案是四。",
    "Sure:\n- one\n- two\n",
    "A \"quoted\" answer with {{ braces }}",
    "😀",
    "",
};

const char* const kSystemTexts[] = {
    "You are a helpful assistant.",
    "  You answer in French.  \n",
    "Tu es un assistant serviable. Réponds brièvement.",
    "",
    "System prompt with {% raw %} and <|eot_id|> inside",
};

// Qwen3 assistant turns: thinking inside the content, as the model writes it.
const char* const kThinkingTexts[] = {
    "<think>\nThe user greets me.\n</think>\n\nHello there!",
    "<think>short</think>Answer right after.",
    "<think>\n\n</think>\n\nNo thoughts this time.",
    "  <think>\nSpaces before the think block.\n</think>\n\n  Spaced answer  ",
    "No think block at all.",
    "<think>\nÉtape 1 : réfléchir. 步骤二。\n</think>\n\nRésultat.",
    "Text before <think>hidden</think> text after",
};

const char* const kDates[] = {"26 Jul 2024", "03 Dec 2025", "01 Jan 2000"};

OrderedJson weatherTool() {
    return OrderedJson::parse(R"({
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather — température actuelle in a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name, e.g. Zürich"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    "days": {"type": "integer", "description": "How many days ahead"}
                },
                "required": ["city"]
            }
        }
    })");
}

OrderedJson searchTool() {
    return OrderedJson::parse(R"({
        "type": "function",
        "function": {
            "name": "search",
            "description": "Search the web for \"exact\" phrases",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}},
                           "required": ["query"]}
        }
    })");
}

OrderedJson message(const std::string& role, const std::string& content) {
    OrderedJson m = OrderedJson::object();
    m["role"] = role;
    m["content"] = content;
    return m;
}

// An assistant turn that calls a tool and the tool's answer (Llama takes one call at a time).
void addToolExchange(OrderedJson& messages, Picker& picker, bool singleCall) {
    OrderedJson call = message("assistant", picker.chance(50) ? "" : "Let me check.");
    if (picker.chance(30))
        call["content"] = nullptr;  // dropped before rendering, as in transformers
    OrderedJson calls = OrderedJson::array();
    const int count = singleCall ? 1 : 1 + static_cast<int>(picker.below(2));
    for (int i = 0; i < count; ++i) {
        OrderedJson toolCall = OrderedJson::object();
        toolCall["type"] = "function";
        toolCall["function"]["name"] = i == 0 ? "get_weather" : "search";
        if (picker.chance(25) && !singleCall) {
            toolCall["function"]["arguments"] = "{\"city\": \"Zürich\"}";  // already a string
        } else {
            toolCall["function"]["arguments"] =
                OrderedJson::parse(i == 0 ? R"({"city": "Zürich", "days": 2, "unit": "celsius"})"
                                          : R"({"query": "température \"Zürich\""})");
        }
        calls.push_back(toolCall);
    }
    call["tool_calls"] = calls;
    messages.push_back(call);
    for (int i = 0; i < count; ++i) {
        messages.push_back(message(
            "tool", i == 0 ? R"({"temperature": 21.5, "sky": "ensoleillé"})" : "No results."));
    }
}

std::string assistantText(Picker& picker, ModelStyle style) {
    if (style == ModelStyle::Qwen3 && picker.chance(60)) return picker.pick(kThinkingTexts);
    return picker.pick(kAssistantTexts);
}

}  // namespace

std::vector<OracleCase> generateCases(const std::filesystem::path& modelsDir, const ModelSpec& spec,
                                      int count) {
    Picker picker(spec.folder);
    std::vector<OracleCase> cases;
    for (int n = 0; n < count; ++n) {
        OracleCase c;
        c.id = spec.folder + "#" + std::to_string(n);
        c.model = modelsDir / spec.folder;
        ChatRequest& request = c.request;
        // Cover each combination of system message and generation prompt early, then at random.
        const bool system =
            spec.style != ModelStyle::Gemma && (n < 4 ? n % 2 == 0 : picker.chance(50));
        request.addGenerationPrompt = n < 4 ? n / 2 == 0 : picker.chance(50);
        const bool withTools = spec.tools && n >= 4 && picker.chance(25);
        const int turns = 1 + static_cast<int>(picker.below(4));
        OrderedJson& messages = request.messages;
        if (system) messages.push_back(message("system", picker.pick(kSystemTexts)));
        for (int turn = 0; turn < turns; ++turn) {
            messages.push_back(message("user", picker.pick(kUserTexts)));
            const bool last = turn == turns - 1;
            if (withTools && last) {
                addToolExchange(messages, picker, spec.style == ModelStyle::Llama3);
                if (picker.chance(50))
                    messages.push_back(message("assistant", picker.pick(kAssistantTexts)));
                break;
            }
            // The last turn ends with the user's message or with the assistant's answer.
            if (!last || picker.chance(50)) {
                OrderedJson answer = message("assistant", assistantText(picker, spec.style));
                if (spec.style == ModelStyle::Qwen3 && picker.chance(15)) {
                    const char* field = picker.chance(50) ? "reasoning_content" : "reasoning";
                    answer[field] = "Reasoning given apart, as an API returns it.";
                }
                messages.push_back(answer);
            }
        }
        if (withTools) {
            request.tools = OrderedJson::array({weatherTool()});
            if (spec.style != ModelStyle::Llama3 || picker.chance(50))
                request.tools.push_back(searchTool());
        }
        if (spec.style == ModelStyle::Qwen3) {
            const std::size_t thinking = picker.below(3);
            if (thinking == 1) request.variables["enable_thinking"] = true;
            if (thinking == 2) request.variables["enable_thinking"] = false;
        }
        if (spec.style == ModelStyle::Llama3)
            request.variables["date_string"] = picker.pick(kDates);
        cases.push_back(std::move(c));
    }
    return cases;
}

OrderedJson caseToJson(const OracleCase& oracleCase) {
    const ChatRequest& request = oracleCase.request;
    OrderedJson out = OrderedJson::object();
    out["id"] = oracleCase.id;
    out["model"] = oracleCase.model.string();
    out["messages"] = request.messages;
    out["tools"] = request.tools;
    out["documents"] = request.documents;
    out["add_generation_prompt"] = request.addGenerationPrompt;
    out["variables"] = request.variables;
    out["template"] =
        request.templateName.empty() ? OrderedJson() : OrderedJson(request.templateName);
    out["ids"] = oracleCase.ids;
    return out;
}

}  // namespace ladder::chat::test
