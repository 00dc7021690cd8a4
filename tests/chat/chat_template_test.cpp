// Unit tests of ChatTemplate: loading a model folder's template(s) and special tokens by
// transformers' rules, and what it hands the template (cleaned messages, tools, documents).
#include <gtest/gtest.h>

#include "core/chat/chat_template.h"
#include "tests/chat/template_test_support.h"
#include "tests/support/test_support.h"

namespace ladder::chat::test {
namespace {

namespace fs = std::filesystem;
using ladder::test::TempDir;
using ladder::test::writeFile;

ChatRequest conversation(const std::string& messagesJson) {
    ChatRequest request;
    request.messages = OrderedJson::parse(messagesJson);
    return request;
}

const char* const kHi = R"([{"role": "user", "content": "hi"}])";

TEST(ChatTemplate, TheJinjaFileWinsOverTheConfigsTemplate) {
    TempDir dir;
    writeFile(dir / "tokenizer_config.json", R"({"chat_template": "CONFIG", "eos_token": "</s>"})");
    writeFile(dir / "chat_template.jinja", "FILE {{ messages[0].content }}{{ eos_token }}\n");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_EQ(chat.names(), std::vector<std::string>{"default"});
    EXPECT_EQ(chat.render(conversation(kHi)), "FILE hi</s>");
}

TEST(ChatTemplate, NamedTemplatesAreChosenByToolsOrByName) {
    TempDir dir;
    writeFile(dir / "tokenizer_config.json", R"({"chat_template": [
        {"name": "default", "template": "D"}, {"name": "tool_use", "template": "T{{ tools|length }}"}]})");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_EQ(chat.names(), (std::vector<std::string>{"default", "tool_use"}));
    ChatRequest request = conversation(kHi);
    EXPECT_EQ(chat.render(request), "D");
    request.tools = OrderedJson::array();  // an empty list is still "tools given"
    EXPECT_EQ(chat.render(request), "T0");
    request.templateName = "default";
    EXPECT_EQ(chat.render(request), "D");
    request.templateName = "rag";
    try {
        (void)chat.render(request);
        ADD_FAILURE() << "rendered with an unknown template name";
    } catch (const Error& e) {
        EXPECT_NE(
            std::string(e.what()).find("no chat template named \"rag\"; it has: default, tool_use"),
            std::string::npos)
            << e.what();
    }
}

TEST(ChatTemplate, SeveralTemplatesWithoutADefaultNeedAName) {
    TempDir dir;
    writeFile(
        dir / "tokenizer_config.json",
        R"({"chat_template": [{"name": "a", "template": "A"}, {"name": "b", "template": "B"}]})");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_THROW((void)chat.render(conversation(kHi)), Error);
    ChatRequest request = conversation(kHi);
    request.templateName = std::string("b");
    EXPECT_EQ(chat.render(request), "B");
}

TEST(ChatTemplate, AdditionalTemplateFilesAreNamedByTheirFileName) {
    TempDir dir;
    writeFile(dir / "chat_template.jinja", "MAIN");
    writeFile(dir / "additional_chat_templates" / "tool_use.jinja", "TOOLS");
    const auto chat = ChatTemplate::load(dir.path());
    ChatRequest request = conversation(kHi);
    EXPECT_EQ(chat.render(request), "MAIN");
    request.tools = OrderedJson::parse(R"([{"name": "f"}])");
    EXPECT_EQ(chat.render(request), "TOOLS");
}

TEST(ChatTemplate, ATemplateThatDoesNotCompileFailsOnlyWhenChosen) {
    TempDir dir;
    writeFile(dir / "tokenizer_config.json", R"({"chat_template": [
        {"name": "default", "template": "fine"}, {"name": "tool_use", "template": "{% for %}"}]})");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_EQ(chat.render(conversation(kHi)), "fine");
    ChatRequest request = conversation(kHi);
    request.tools = OrderedJson::array();
    try {
        (void)chat.render(request);
        ADD_FAILURE() << "rendered a broken template";
    } catch (const TemplateError& e) {
        EXPECT_EQ(e.kind(), TemplateErrorKind::Syntax);
        EXPECT_NE(e.templateName().find("tokenizer_config.json (chat_template \"tool_use\")"),
                  std::string::npos)
            << e.templateName();
    }
}

TEST(ChatTemplate, SpecialTokensAreReadAsTransformersReadsThem) {
    TempDir dir;
    const std::string print =
        "{{ bos_token }}|{{ eos_token }}|{{ pad_token is defined }}|{{ image_token }}|{{ "
        "mask_token }}";
    writeFile(
        dir / "modern" / "tokenizer_config.json",
        OrderedJson{{"chat_template", print},
                    {"bos_token",
                     OrderedJson{{"__type", "AddedToken"}, {"content", "<s>"}, {"lstrip", false}}},
                    {"eos_token", "</s>"},
                    {"pad_token", nullptr},
                    {"add_bos_token", true},
                    {"image_token", "<img>"},
                    {"added_tokens_decoder", OrderedJson::object()}}
            .dump());
    writeFile(dir / "modern" / "special_tokens_map.json", R"({"eos_token": "<ignored>"})");
    EXPECT_EQ(ChatTemplate::load(dir / "modern").render(conversation(kHi)),
              "<s>|</s>|False|<img>|");
    // Without added_tokens_decoder (older saves) special_tokens_map.json is read and wins.
    writeFile(dir / "legacy" / "tokenizer_config.json",
              OrderedJson{{"chat_template", print}, {"bos_token", "<old>"}}.dump());
    writeFile(dir / "legacy" / "special_tokens_map.json",
              R"({"bos_token": {"content": "<new>", "lstrip": false}, "mask_token": "<mask>",
                  "additional_special_tokens": ["<x>"]})");
    const auto legacy = ChatTemplate::load(dir / "legacy");
    EXPECT_EQ(legacy.render(conversation(kHi)), "<new>||False||<mask>");
    ChatRequest request = conversation(kHi);
    request.variables["bos_token"] = "<given>";
    EXPECT_EQ(legacy.render(request), "<given>||False||<mask>");
}

TEST(ChatTemplate, MessagesLoseNoneValuesAndCarryTheirReasoningUnderTheNamesTemplatesRead) {
    TempDir dir;
    writeFile(dir / "chat_template.jinja", "{{ messages|tojson }}");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_EQ(
        chat.render(conversation(
            R"([{"role": "assistant", "content": null, "reasoning": "r", "tool_calls": null}])")),
        R"([{"thinking": "r", "role": "assistant", "reasoning": "r", "reasoning_content": "r"}])");
    // The message's own "thinking" keeps its value: transformers spreads the message after it.
    EXPECT_EQ(
        chat.render(conversation(R"([{"thinking": "t", "role": "a", "reasoning_content": "c"}])")),
        R"([{"thinking": "t", "role": "a", "reasoning_content": "c"}])");
}

TEST(ChatTemplate, ToolsAndDocumentsAreNoneUnlessGiven) {
    TempDir dir;
    writeFile(dir / "chat_template.jinja",
              "{{ tools is none }}{{ documents is none }}{{ add_generation_prompt }}"
              "{{ documents|length if documents }}");
    const auto chat = ChatTemplate::load(dir.path());
    ChatRequest request = conversation(kHi);
    EXPECT_EQ(chat.render(request), "TrueTrueFalse");
    request.addGenerationPrompt = true;
    request.documents = OrderedJson::parse(R"([{"title": "t", "text": "x"}])");
    EXPECT_EQ(chat.render(request), "TrueFalseTrue1");
}

TEST(ChatTemplate, BadRequestsAndFoldersSayWhatIsWrong) {
    TempDir dir;
    writeFile(dir / "chat_template.jinja", "x");
    const auto chat = ChatTemplate::load(dir.path());
    EXPECT_THROW((void)chat.render(conversation("[]")), Error);
    EXPECT_THROW((void)chat.render(conversation(R"(["just text"])")), Error);
    writeFile(dir / "empty" / "tokenizer_config.json", R"({"eos_token": "</s>"})");
    try {
        (void)ChatTemplate::load(dir / "empty");
        ADD_FAILURE() << "loaded a folder without a template";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has no chat template"), std::string::npos)
            << e.what();
    }
    writeFile(dir / "broken" / "tokenizer_config.json", "{not json");
    try {
        (void)ChatTemplate::load(dir / "broken");
        ADD_FAILURE() << "loaded a broken tokenizer_config.json";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer_config.json: not valid JSON"),
                  std::string::npos)
            << e.what();
    }
}

TEST(ChatTemplate, ConversationFilesAreAListOrAnObjectWithVariables) {
    TempDir dir;
    writeFile(dir / "list.json", kHi);
    EXPECT_EQ(readChatRequest(dir / "list.json").messages.size(), 1u);
    writeFile(dir / "object.json", R"({"messages": [{"role": "user", "content": "x"}], "tools": [],
        "add_generation_prompt": true, "enable_thinking": false})");
    const ChatRequest request = readChatRequest(dir / "object.json");
    EXPECT_TRUE(request.addGenerationPrompt);
    EXPECT_TRUE(request.tools.is_array());
    EXPECT_EQ(request.variables.at("enable_thinking"), false);
    writeFile(dir / "bad.json", R"({"msgs": []})");
    EXPECT_THROW((void)readChatRequest(dir / "bad.json"), Error);
}

TEST(ChatTemplate, SharedModelsRenderTheirKnownFormats) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct");
    const fs::path models = ladder::test::sharedDir() / "data" / "models";
    ChatRequest request = conversation(kHi);
    request.addGenerationPrompt = true;
    EXPECT_EQ(ChatTemplate::load(models / "SmolLM2-135M-Instruct").render(request),
              "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
              "Face<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    const auto qwen3 = ChatTemplate::load(models / "Qwen3-0.6B");
    EXPECT_EQ(qwen3.choose("", false).name(), "Qwen3-0.6B/chat_template.jinja");
    request.variables["enable_thinking"] = false;
    EXPECT_EQ(qwen3.render(request),
              "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    const auto gemma = ChatTemplate::load(models / "gemma-it_v1-style");
    EXPECT_EQ(gemma.render(conversation(kHi)), "<bos><start_of_turn>user\nhi<end_of_turn>\n");
    try {
        (void)gemma.render(conversation(
            R"([{"role": "system", "content": "s"}, {"role": "user", "content": "u"}])"));
        ADD_FAILURE() << "gemma rendered a system message";
    } catch (const TemplateError& e) {
        EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
        EXPECT_EQ(e.detail(), "System role not supported");
        EXPECT_EQ(e.line(), 1);
    }
}

}  // namespace
}  // namespace ladder::chat::test
