// ladder-cli template render end to end: the exact text (no newline added), variables, named
// templates, errors, and --ids with the model's tokenizer.
#include <gtest/gtest.h>

#include "core/chat/chat_template.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"

namespace ladder::chat::test {
namespace {

namespace fs = std::filesystem;
using ladder::test::runLadderCli;
using ladder::test::TempDir;
using ladder::test::writeFile;

TEST(TemplateCli, RenderPrintsTheTextExactlyWithoutAddingANewline) {
    TempDir dir;
    writeFile(dir / "model" / "chat_template.jinja",
              "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}"
              "{% if add_generation_prompt %}<assistant>{% endif %}\n");
    writeFile(dir / "m.json", R"([{"role": "user", "content": "Héllo\n"}])");
    const auto plain = runLadderCli(dir.path(), "template render --model model --messages m.json");
    EXPECT_EQ(plain.exitCode, 0) << plain.output;
    EXPECT_EQ(plain.output, "<user>Héllo\n");
    const auto prompt = runLadderCli(dir.path(), "template render -m model --messages m.json -g");
    EXPECT_EQ(prompt.output, "<user>Héllo\n<assistant>");
}

TEST(TemplateCli, SetGivesTemplateVariablesAndTemplateChoosesANamedOne) {
    TempDir dir;
    writeFile(dir / "model" / "tokenizer_config.json", R"({"chat_template": [
        {"name": "default", "template": "{{ enable_thinking is false }}|{{ name }}|{{ n + 1 }}"},
        {"name": "short", "template": "S"}]})");
    writeFile(dir / "m.json", R"([{"role": "user", "content": "x"}])");
    const auto set =
        runLadderCli(dir.path(),
                     "template render --model model --messages m.json --set enable_thinking=false "
                     "--set name=Ada --set n=41");
    EXPECT_EQ(set.output, "True|Ada|42");
    const auto named =
        runLadderCli(dir.path(), "template render --model model --messages m.json -t short");
    EXPECT_EQ(named.output, "S");
    const auto unknown =
        runLadderCli(dir.path(), "template render --model model --messages m.json -t nope");
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_NE(unknown.output.find("it has: default, short"), std::string::npos) << unknown.output;
}

TEST(TemplateCli, ATemplateThatRefusesTheConversationFailsWithItsMessage) {
    TempDir dir;
    writeFile(dir / "model" / "chat_template.jinja",
              "{% if messages[0].role == 'system' %}\n{{ raise_exception('System role not "
              "supported') }}\n"
              "{% endif %}");
    writeFile(dir / "m.json", R"([{"role": "system", "content": "x"}])");
    const auto result = runLadderCli(dir.path(), "template render --model model --messages m.json");
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.output.find("model/chat_template.jinja, line 2: the template refused this "
                                 "conversation: System role not supported"),
              std::string::npos)
        << result.output;
}

TEST(TemplateCli, IdsAreTheTokensOfTheRenderWithoutAddedSpecialTokens) {
    LADDER_REQUIRE_SHARED("data/models/SmolLM2-135M-Instruct/tokenizer.json");
    const fs::path model = ladder::test::sharedDir() / "data" / "models" / "SmolLM2-135M-Instruct";
    TempDir dir;
    writeFile(dir / "m.json", R"({"messages": [{"role": "user", "content": "Bonjour, ça va ?"}],
                                  "add_generation_prompt": true})");
    const auto result = runLadderCli(
        dir.path(), "template render --model '" + model.string() + "' --messages m.json --ids");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    const auto text = ChatTemplate::load(model).render(readChatRequest(dir / "m.json"));
    const auto ids = tokenizer::loadTokenizer(model)->encode(text, /*addSpecialTokens=*/false);
    std::string expected;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) expected += ' ';
        expected += std::to_string(ids[i]);
    }
    EXPECT_EQ(result.output, expected + "\n");
    EXPECT_EQ(ids.front(), 1);  // <|im_start|> written by the template, not added again
}

TEST(TemplateCli, IdsForAFolderWithoutTokenizerJsonSayWhatIsMissing) {
    TempDir dir;
    writeFile(dir / "model" / "tokenizer_config.json",
              R"({"chat_template": "{{ messages[0].content }}"})");
    writeFile(dir / "m.json", R"([{"role": "user", "content": "hi"}])");
    const auto result =
        runLadderCli(dir.path(), "template render --model model --messages m.json --ids");
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.output.find("--ids needs the model's tokenizer"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("has no tokenizer.json"), std::string::npos) << result.output;
}

// Qwen2.5 ships vocab.json + merges.txt and no tokenizer.json; its ids come from the tokenizer
// transformers builds from them: <|im_start|> is 151644.
TEST(TemplateCli, IdsForAVocabAndMergesFolderUseTheTokenizerTransformersBuilds) {
    LADDER_REQUIRE_SHARED("data/models/Qwen2.5-0.5B-Instruct/vocab.json");
    const fs::path model = ladder::test::sharedDir() / "data" / "models" / "Qwen2.5-0.5B-Instruct";
    TempDir dir;
    writeFile(dir / "m.json", R"([{"role": "user", "content": "hi"}])");
    const auto result = runLadderCli(
        dir.path(), "template render --model '" + model.string() + "' --messages m.json --ids");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_EQ(result.output.rfind("151644 ", 0), 0u) << result.output;
}

}  // namespace
}  // namespace ladder::chat::test
