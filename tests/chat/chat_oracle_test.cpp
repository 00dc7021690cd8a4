// Oracle tests: Ladder's chat templates against transformers' apply_chat_template (jinja2 in
// transformers' sandbox) on the real templates of ../shared/data/models and on model folders
// written here for the loading rules. They need the oracle Python (LADDER_ORACLE_PYTHON, see
// oracle_support.h) and skip, saying so, without it.
#include <iostream>
#include <map>

#include <gtest/gtest.h>

#include "core/chat/chat_template.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/chat/conversations.h"
#include "tests/chat/oracle_support.h"
#include "tests/support/test_support.h"

namespace ladder::chat::test {
namespace {

namespace fs = std::filesystem;
using ladder::test::TempDir;
using ladder::test::writeFile;

constexpr int kCasesPerModel = 40;

fs::path modelsDir() {
    return ladder::test::sharedDir() / "data" / "models";
}

std::chrono::system_clock::time_point fixedClock() {
    return std::chrono::system_clock::from_time_t(1721995200);  // 26 Jul 2024, 12:00 UTC
}

// Renders every case with Ladder and compares with the reference; returns the number of cases
// that matched, per model folder name.
std::map<std::string, int> compareRenders(const std::vector<OracleCase>& cases,
                                          const Reference& reference) {
    std::map<std::string, int> matched;
    EXPECT_EQ(reference.results.size(), cases.size());
    std::map<fs::path, ChatTemplate> loaded;
    int reported = 0;
    for (std::size_t i = 0; i < cases.size() && i < reference.results.size(); ++i) {
        const OracleCase& c = cases[i];
        const ReferenceResult& expected = reference.results[i];
        if (expected.failed) {
            ADD_FAILURE() << c.id << ": transformers failed (" << expected.errorType << ": "
                          << expected.error << ")\n"
                          << caseToJson(c).dump();
            continue;
        }
        auto it = loaded.find(c.model);
        if (it == loaded.end()) it = loaded.emplace(c.model, ChatTemplate::load(c.model)).first;
        std::string text;
        try {
            text = it->second.render(c.request, fixedClock);
        } catch (const std::exception& e) {
            ADD_FAILURE() << c.id << ": Ladder failed: " << e.what() << "\n"
                          << caseToJson(c).dump();
            continue;
        }
        const std::string difference = describeDifference(text, expected.text);
        if (difference.empty()) {
            ++matched[c.model.filename().string()];
        } else if (++reported <= 10) {
            ADD_FAILURE() << c.id << ": " << difference << "\n" << caseToJson(c).dump();
        }
    }
    return matched;
}

OrderedJson userTurn(const std::string& text) {
    return OrderedJson{{"role", "user"}, {"content", text}};
}

OracleCase folderCase(const std::string& id, const fs::path& folder, OrderedJson messages) {
    OracleCase c;
    c.id = id;
    c.model = folder;
    c.request.messages = std::move(messages);
    return c;
}

TEST(ChatTemplateOracle, RendersEverySharedModelTemplateAsTransformersDoes) {
    LADDER_REQUIRE_SHARED("data/models/Qwen3-0.6B");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    const std::vector<ModelSpec> specs = {
        {"Qwen2.5-0.5B-Instruct", ModelStyle::ChatMl, true},
        {"Qwen3-0.6B", ModelStyle::Qwen3, true},
        {"SmolLM2-135M-Instruct", ModelStyle::ChatMl, false},
        {"Llama-3.2-1B-Instruct", ModelStyle::Llama3, true},
        {"gemma-it_v1-style", ModelStyle::Gemma, false},
    };
    std::vector<OracleCase> cases;
    for (const auto& spec : specs) {
        auto more = generateCases(modelsDir(), spec, kCasesPerModel);
        cases.insert(cases.end(), more.begin(), more.end());
    }
    TempDir dir;
    const Reference reference = renderReference(python, cases, dir.path());
    const auto matched = compareRenders(cases, reference);
    std::cout << "[ oracle   ] " << reference.oracle << "\n";
    for (const auto& spec : specs) {
        const int count = matched.count(spec.folder) ? matched.at(spec.folder) : 0;
        std::cout << "[ oracle   ] " << spec.folder << ": " << count << " of " << kCasesPerModel
                  << " conversations identical\n";
        EXPECT_EQ(count, kCasesPerModel) << spec.folder;
    }
}

// The shared templates put "-" on every tag, so trim_blocks and lstrip_blocks never change their
// text; many Hub templates are written indented and lean on both instead, as this one does.
constexpr const char* kIndentedTemplate = R"({# An indented template without whitespace control #}
{% for message in messages %}
    {% if message['role'] == 'system' %}
<|system|>
{{ message['content'] | trim }}
    {% elif message['role'] == 'user' %}
<|user|>
        {% if loop.first and messages | length > 2 %}
(first of {{ messages | length }} messages)
        {% endif %}
{{ message['content'] }}
    {% else %}
<|assistant|>
{{ message['content'] }}{{ eos_token }}
    {% endif %}
{% endfor %}
{% if add_generation_prompt %}
<|assistant|>
{% endif %}
)";

TEST(ChatTemplateOracle, RendersAnIndentedTemplateThatLeansOnTrimAndLstripBlocks) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    TempDir dir;
    writeFile(dir / "indented-chat" / "chat_template.jinja", kIndentedTemplate);
    writeFile(dir / "indented-chat" / "tokenizer_config.json",
              R"({"eos_token": "</s>", "bos_token": "<s>", "added_tokens_decoder": {}})");
    const auto cases =
        generateCases(dir.path(), {"indented-chat", ModelStyle::ChatMl, false}, kCasesPerModel);
    const Reference reference = renderReference(python, cases, dir.path());
    const auto matched = compareRenders(cases, reference);
    const int count = matched.count("indented-chat") ? matched.at("indented-chat") : 0;
    std::cout << "[ oracle   ] indented template: " << count << " of " << kCasesPerModel
              << " conversations identical\n";
    EXPECT_EQ(count, kCasesPerModel);
}

TEST(ChatTemplateOracle, RefusesAConversationWithTheTemplatesOwnMessageWhereTransformersDoes) {
    LADDER_REQUIRE_SHARED("data/models/gemma-it_v1-style");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    const fs::path gemma = modelsDir() / "gemma-it_v1-style";
    const fs::path llama = modelsDir() / "Llama-3.2-1B-Instruct";
    std::vector<OracleCase> cases;
    cases.push_back(
        folderCase("gemma system message", gemma,
                   {OrderedJson{{"role", "system"}, {"content", "Be brief."}}, userTurn("Hi")}));
    cases.push_back(folderCase("gemma roles not alternating", gemma,
                               {userTurn("Hi"), userTurn("Hello again")}));
    OracleCase twoCalls = folderCase("llama two tool calls", llama, {userTurn("Weather?")});
    twoCalls.request.messages.push_back(OrderedJson::parse(
        R"({"role": "assistant", "tool_calls": [{"function": {"name": "a", "arguments": {}}},
                                                {"function": {"name": "b", "arguments": {}}}]})"));
    twoCalls.request.variables["date_string"] = "26 Jul 2024";
    cases.push_back(twoCalls);
    OracleCase toolsNoUser = folderCase("llama tools without a user message", llama,
                                        {OrderedJson{{"role", "system"}, {"content", "Sys"}}});
    toolsNoUser.request.tools =
        OrderedJson::parse(R"([{"type": "function", "function": {"name": "f"}}])");
    toolsNoUser.request.variables["date_string"] = "26 Jul 2024";
    cases.push_back(toolsNoUser);

    TempDir dir;
    const Reference reference = renderReference(python, cases, dir.path());
    ASSERT_EQ(reference.results.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const ReferenceResult& expected = reference.results[i];
        ASSERT_TRUE(expected.failed) << cases[i].id << ": transformers rendered it";
        EXPECT_EQ(expected.errorType, "TemplateError") << cases[i].id;
        try {
            (void)ChatTemplate::load(cases[i].model).render(cases[i].request, fixedClock);
            ADD_FAILURE() << cases[i].id << ": Ladder rendered it";
        } catch (const TemplateError& e) {
            EXPECT_EQ(e.kind(), TemplateErrorKind::Raised) << cases[i].id << ": " << e.what();
            EXPECT_EQ(e.detail(), expected.error) << cases[i].id;
            EXPECT_GT(e.line(), 0) << cases[i].id;
            EXPECT_NE(std::string(e.what()).find(cases[i].model.filename().string()),
                      std::string::npos)
                << e.what();
        }
    }
}

// Model folders that exercise transformers' loading rules, each template printing what it was
// given, so that a wrong choice of template or token shows in the text.
struct LoadingFolders {
    TempDir dir;
    fs::path named = dir / "named";
    fs::path fileWins = dir / "file-wins";
    fs::path additional = dir / "additional";
    fs::path legacyTokens = dir / "legacy-tokens";
    fs::path modernTokens = dir / "modern-tokens";

    LoadingFolders() {
        const std::string printTokens =
            "bos={{ bos_token }}|eos={{ eos_token }}|unk={{ unk_token }}|pad={{ "
            "pad_token }}|mask={{ mask_token }}|image={{ image_token }}|defined={{ sep_token is "
            "defined }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}";
        writeFile(
            named / "tokenizer_config.json",
            OrderedJson{
                {"chat_template",
                 OrderedJson::array(
                     {OrderedJson{{"name", "default"}, {"template", "DEFAULT " + printTokens}},
                      OrderedJson{
                          {"name", "tool_use"},
                          {"template", "TOOLS {{ tools | tojson(indent=2) }} " + printTokens}},
                      OrderedJson{
                          {"name", "rag"},
                          {"template", "RAG {{ documents | tojson }} {{ documents | length }}"}}})},
                {"bos_token",
                 OrderedJson{{"__type", "AddedToken"}, {"content", "<s>"}, {"lstrip", false}}},
                {"eos_token", "</s>"},
                {"image_token", "<image>"},
                {"added_tokens_decoder", OrderedJson::object()}}
                .dump(2));
        writeFile(fileWins / "tokenizer_config.json",
                  OrderedJson{{"chat_template", "CONFIG {{ messages[0].content }}"},
                              {"eos_token", "<eos>"}}
                      .dump());
        writeFile(fileWins / "chat_template.jinja",
                  "FILE {{ messages[0].content }} {{ eos_token }}\n");
        writeFile(additional / "chat_template.jinja", "MAIN {{ messages | length }}");
        writeFile(additional / "additional_chat_templates" / "tool_use.jinja",
                  "EXTRA {% for t in tools %}{{ t.function.name }} {% endfor %}");
        const std::string legacyConfig = OrderedJson{
            {"chat_template", printTokens},
            {"bos_token", "<old-bos>"},
            {"unk_token", "<unk>"}}.dump();
        const std::string specialTokensMap = OrderedJson{
            {"bos_token", OrderedJson{{"content", "<new-bos>"}, {"lstrip", false}}},
            {"pad_token", OrderedJson{{"content", "<pad>"}}},
            {"mask_token", "<mask>"},
            {"additional_special_tokens",
             OrderedJson::array({"<x>"})}}.dump();
        writeFile(legacyTokens / "tokenizer_config.json", legacyConfig);
        writeFile(legacyTokens / "special_tokens_map.json", specialTokensMap);
        auto modern = OrderedJson::parse(legacyConfig);
        modern["added_tokens_decoder"] = OrderedJson::object();
        writeFile(modernTokens / "tokenizer_config.json", modern.dump());
        writeFile(modernTokens / "special_tokens_map.json", specialTokensMap);
    }
};

TEST(ChatTemplateOracle, ChoosesTemplatesAndSpecialTokensAsTransformersDoes) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    LoadingFolders folders;
    const OrderedJson tools = OrderedJson::parse(
        R"([{"type": "function", "function": {"name": "lookup", "description": "Cherche — ü"}}])");
    const OrderedJson conversation = {userTurn("Bonjour"),
                                      OrderedJson{{"role", "assistant"}, {"content", "Salut"}}};
    std::vector<OracleCase> cases;
    cases.push_back(folderCase("named, no tools: default", folders.named, conversation));
    cases.push_back(folderCase("named, tools: tool_use", folders.named, conversation));
    cases.back().request.tools = tools;
    cases.push_back(folderCase("named, tool_use by name", folders.named, conversation));
    cases.back().request.templateName = "tool_use";
    cases.push_back(folderCase("named, default by name with tools", folders.named, conversation));
    cases.back().request.templateName = "default";
    cases.back().request.tools = tools;
    cases.push_back(folderCase("named, documents", folders.named, conversation));
    cases.back().request.templateName = "rag";
    cases.back().request.documents =
        OrderedJson::parse(R"([{"title": "Doc ü", "text": "Texte"}, {"title": "B", "text": ""}])");
    cases.push_back(folderCase("chat_template.jinja wins", folders.fileWins, conversation));
    cases.push_back(folderCase("additional templates, no tools", folders.additional, conversation));
    cases.push_back(folderCase("additional templates, tools", folders.additional, conversation));
    cases.back().request.tools = tools;
    cases.push_back(folderCase("special_tokens_map.json read", folders.legacyTokens, conversation));
    cases.push_back(
        folderCase("special_tokens_map.json ignored", folders.modernTokens, conversation));
    cases.push_back(folderCase("variables win over tokens", folders.modernTokens, conversation));
    cases.back().request.variables["bos_token"] = "<given>";

    TempDir dir;
    const Reference reference = renderReference(python, cases, dir.path());
    const auto matched = compareRenders(cases, reference);
    int total = 0;
    for (const auto& [folder, count] : matched) total += count;
    EXPECT_EQ(total, static_cast<int>(cases.size()));
}

TEST(ChatTemplateOracle, StopsAtAConstructItDoesNotRenderInsteadOfRenderingSomethingElse) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    TempDir dir;
    const fs::path wrapping = dir / "wordwrap-model";
    writeFile(wrapping / "chat_template.jinja",
              "{% for message in messages %}\n"
              "{{ message.role }}:\n"
              "{{ message.content | wordwrap(12) }}\n"
              "{% endfor %}");
    const fs::path blocks = dir / "block-model";
    writeFile(blocks / "chat_template.jinja",
              "{{ bos_token }}\n{% block turns %}{% for m in messages %}{{ m.content }}{% endfor %}"
              "{% endblock %}");
    std::vector<OracleCase> cases;
    cases.push_back(folderCase("wordwrap", wrapping,
                               {userTurn("A rather long line that wordwrap would break apart")}));
    cases.push_back(folderCase("block", blocks, {userTurn("Hi")}));
    const Reference reference = renderReference(python, cases, dir.path());
    ASSERT_EQ(reference.results.size(), 2u);
    const int expectedLines[] = {3, 2};
    const char* constructs[] = {"wordwrap", "{% block %}"};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_FALSE(reference.results[i].failed) << "transformers renders " << cases[i].id;
        try {
            (void)ChatTemplate::load(cases[i].model).render(cases[i].request, fixedClock);
            ADD_FAILURE() << cases[i].id << ": Ladder rendered a template it does not support";
        } catch (const TemplateError& e) {
            EXPECT_EQ(e.kind(), TemplateErrorKind::Unsupported) << e.what();
            EXPECT_EQ(e.line(), expectedLines[i]) << e.what();
            EXPECT_NE(std::string(e.what()).find(constructs[i]), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("chat_template.jinja"), std::string::npos)
                << e.what();
        }
    }
}

TEST(ChatTemplateOracle, TokenIdsOfTheRenderMatchTransformersWithoutAddedSpecialTokens) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    LADDER_REQUIRE_ORACLE_PYTHON(python);
    auto cases =
        generateCases(modelsDir(), {"SmolLM2-135M-Instruct", ModelStyle::ChatMl, false}, 30);
    for (auto& c : cases) c.ids = true;
    TempDir dir;
    const Reference reference = renderReference(python, cases, dir.path());
    ASSERT_EQ(reference.results.size(), cases.size());
    if (reference.oracle.rfind("transformers", 0) != 0) {
        GTEST_SKIP() << "token ids need transformers (and tokenizers) in the oracle Python; it has "
                     << reference.oracle;
    }
    const auto chat = ChatTemplate::load(cases.front().model);
    const auto tok = tokenizer::loadTokenizer(cases.front().model);
    int identical = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto ids = tok->encode(chat.render(cases[i].request, fixedClock), false);
        const std::vector<int> ladderIds(ids.begin(), ids.end());
        EXPECT_EQ(ladderIds, reference.results[i].ids) << cases[i].id;
        identical += ladderIds == reference.results[i].ids;
    }
    std::cout << "[ oracle   ] SmolLM2-135M-Instruct token ids: " << identical << " of "
              << cases.size() << " identical\n";
}

}  // namespace
}  // namespace ladder::chat::test
