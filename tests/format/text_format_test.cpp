// TextFormat on small fixtures: the special tokens a built-in format and a chat template get, the
// answer boundary (TRL's shared token prefix), and the settings. The oracle test
// tests/oracle/trl_text.py holds the same path against TRL on real tokenizers and templates.
#include "core/format/text_format.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/support/test_support.h"
#include "tests/tokenizer/tokenizer_fixtures.h"

namespace ladder::format {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Ids = std::vector<std::int32_t>;

constexpr std::int32_t kBos = 256;
constexpr std::int32_t kEos = 257;
constexpr std::int32_t kImStart = 258;
constexpr std::int32_t kImEnd = 259;

// Byte-level, one id per byte, with <s> 256, </s> 257, <|im_start|> 258, <|im_end|> 259 (special)
// and, unless postProcessor is null, a post-processor that puts <s> in front (Llama-2 style).
Json tokenizerJson(const Json& postProcessor) {
    Json j = tokenizer::fixtures::byteLevelTokenizer(
        Json{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}});
    int id = kBos;
    for (const char* content : {"<s>", "</s>", "<|im_start|>", "<|im_end|>"}) {
        j["model"]["vocab"][content] = id;
        j["added_tokens"].push_back({{"id", id},
                                     {"content", content},
                                     {"single_word", false},
                                     {"lstrip", false},
                                     {"rstrip", false},
                                     {"normalized", false},
                                     {"special", true}});
        ++id;
    }
    j["post_processor"] = postProcessor;
    return j;
}

Json bosProcessor() {
    return Json{{"type", "TemplateProcessing"},
                {"single",
                 {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                  {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                {"pair", Json::array()},
                {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {kBos}}, {"tokens", {"<s>"}}}}}}};
}

void writeJson(const fs::path& file, const Json& j) {
    std::ofstream(file) << j.dump(2);
}

std::unique_ptr<tokenizer::Tokenizer> folderWith(const fs::path& folder, const Json& postProcessor,
                                                 Json config) {
    fs::create_directories(folder);
    tokenizer::fixtures::writeTokenizer(folder, tokenizerJson(postProcessor));
    writeJson(folder / "tokenizer_config.json", config);
    return tokenizer::loadTokenizer(folder);
}

Ids ids(const tokenizer::Tokenizer& t, const std::string& text, bool special) {
    return t.encode(text, special);
}

Ids concat(Ids a, const Ids& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A ChatML template that writes <s> itself, as Llama 3's writes <|begin_of_text|>.
const char* kChatMl =
    "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

TEST(TextFormat, ABuiltInFormatGetsThePostProcessorsBosAndEndsAnswersWithEos) {
    test::TempDir dir;
    const auto tok = folderWith(dir.path() / "m", bosProcessor(),
                                {{"bos_token", "<s>"}, {"eos_token", "</s>"}});
    const auto f = TextFormat::resolve("alpaca", *tok);
    EXPECT_FALSE(f.isChat());
    const Prompt p{"Name a color.", "", {}};
    const std::string text = PromptTemplate().prompt("Name a color.");
    EXPECT_EQ(f.promptIds(p), ids(*tok, text, true));
    EXPECT_EQ(f.promptIds(p).front(), kBos);  // the reported bug: Llama's <s> was missing
    const auto pair = f.pairTokens(p, "Blue", "Green");
    EXPECT_EQ(pair.prompt, ids(*tok, text, true));
    EXPECT_EQ(pair.chosen, concat(ids(*tok, "Blue", false), {kEos}));
    EXPECT_EQ(pair.rejected, concat(ids(*tok, "Green", false), {kEos}));
    // An answer that already ends with the EOS text gets no second one (TRL's rule).
    EXPECT_EQ(f.pairTokens(p, "Blue</s>", "x").chosen, concat(ids(*tok, "Blue", false), {kEos}));
}

TEST(TextFormat, AChatTemplateWritesItsOwnSpecialTokensAndNothingIsAddedTwice) {
    test::TempDir dir;
    const auto tok = folderWith(dir.path() / "m", bosProcessor(),
                                {{"bos_token", "<s>"}, {"eos_token", "<|im_end|>"},
                                 {"chat_template", kChatMl}});
    const auto f = TextFormat::resolve("auto", *tok);
    ASSERT_TRUE(f.isChat());
    EXPECT_NE(f.name().find("chat template"), std::string::npos);
    const Prompt p{"ignored transcript", "",
                   {{"system", "Be brief."}, {"user", "Sky?"}}};
    const std::string rendered =
        "<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nSky?<|im_end|>\n"
        "<|im_start|>assistant\n";
    EXPECT_EQ(f.promptText(p), rendered);
    const Ids prompt = f.promptIds(p);
    EXPECT_EQ(prompt, ids(*tok, rendered, false));
    EXPECT_EQ(prompt.front(), kBos);
    EXPECT_NE(prompt[1], kBos);  // the post-processor's <s> is not added on top
    const auto pair = f.pairTokens(p, "Blue", "Green");
    EXPECT_EQ(pair.prompt, prompt);
    // The answer runs through the end of its turn, as the template renders it.
    EXPECT_EQ(pair.chosen, concat(ids(*tok, "Blue", false), {kImEnd, '\n'}));
    EXPECT_EQ(pair.rejected, concat(ids(*tok, "Green", false), {kImEnd, '\n'}));
    EXPECT_EQ(f.trimAnswer("Blue \n"), "Blue");
    EXPECT_TRUE(f.stopStrings().empty());
}

TEST(TextFormat, APlainPromptIsOneUserMessageWithItsInput) {
    test::TempDir dir;
    const auto tok = folderWith(dir.path() / "m", nullptr,
                                {{"eos_token", "<|im_end|>"}, {"chat_template", kChatMl}});
    const auto f = TextFormat::resolve("model", *tok);
    EXPECT_EQ(f.promptText({"Translate:", "chat", {}}),
              "<|im_start|>user\nTranslate:\n\nchat<|im_end|>\n<|im_start|>assistant\n");
}

TEST(TextFormat, TheAnswerStartsWhereThePromptAloneAndWithAnAnswerPart) {
    // As Qwen3 and Gemma 4 do: the generation prompt ends with an empty thought block that the
    // rendered conversation leaves out. TRL starts the answer at the shared token prefix.
    test::TempDir dir;
    const char* thinking =
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n<think></think>{% endif %}";
    const auto tok = folderWith(dir.path() / "m", nullptr,
                                {{"eos_token", "<|im_end|>"}, {"chat_template", thinking}});
    const auto f = TextFormat::resolve("auto", *tok);
    const Prompt p{"Hi", "", {}};
    const auto pair = f.pairTokens(p, "Yo", "No");
    const std::string shared = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    EXPECT_EQ(f.promptIds(p), ids(*tok, shared + "<think></think>", false));
    EXPECT_EQ(pair.prompt, ids(*tok, shared, false));
    EXPECT_EQ(pair.chosen, ids(*tok, "Yo<|im_end|>\n", false));
    EXPECT_EQ(pair.rejected, ids(*tok, "No<|im_end|>\n", false));
}

TEST(TextFormat, TokensMergingAcrossTheBoundaryBelongToTheAnswer) {
    // The raw format with a merge "a b": prompt "a" + answer "b" tokenizes as one token "ab".
    test::TempDir dir;
    Json j = tokenizerJson(nullptr);
    const int ab = tokenizer::fixtures::addByteLevelToken(j, "ab");
    tokenizer::fixtures::addByteLevelMerge(j, "a", "b");
    fs::create_directories(dir.path() / "m");
    tokenizer::fixtures::writeTokenizer(dir.path() / "m", j);
    writeJson(dir.path() / "m" / "tokenizer_config.json", {{"eos_token", "</s>"}});
    const auto tok = tokenizer::loadTokenizer(dir.path() / "m");
    const auto pair = TextFormat::resolve("raw", *tok).pairTokens({"xa", "", {}}, "b", "c");
    EXPECT_EQ(pair.prompt, (Ids{'x'}));
    EXPECT_EQ(pair.chosen, (Ids{ab, kEos}));
    EXPECT_EQ(pair.rejected, (Ids{'a', 'c', kEos}));
}

TEST(TextFormat, TheByteTokenizerGetsItsBosAndAnEosIdAfterTheAnswer) {
    const tokenizer::ByteTokenizer tok;
    const auto f = TextFormat::resolve("auto", tok);  // no folder, no template: alpaca
    EXPECT_EQ(f.name(), "alpaca");
    const auto pair = f.pairTokens({"abc", "", {}}, "d", "e");
    EXPECT_EQ(pair.prompt.front(), *tok.bosId());
    EXPECT_EQ(pair.chosen, concat(tok.encode("d"), {*tok.eosId()}));
}

TEST(TextFormat, SettingsAreCheckedAndModelNeedsATemplate) {
    test::TempDir dir;
    const auto tok = folderWith(dir.path() / "plain", bosProcessor(), {{"eos_token", "</s>"}});
    EXPECT_EQ(TextFormat::resolve("auto", *tok).name(), "alpaca");
    const std::string noTemplate = test::errorOf([&] { (void)TextFormat::resolve("model", *tok); });
    EXPECT_NE(noTemplate.find("plain"), std::string::npos) << noTemplate;
    EXPECT_NE(noTemplate.find("has none"), std::string::npos) << noTemplate;
    const std::string unknown = test::errorOf([&] { (void)TextFormat::resolve("vicuna", *tok); });
    EXPECT_NE(unknown.find("vicuna"), std::string::npos);
    EXPECT_NE(unknown.find("auto, model, alpaca, chatml, raw"), std::string::npos) << unknown;
}

TEST(TextFormat, ATemplatesRaiseExceptionIsItsOwnMessage) {
    test::TempDir dir;
    const auto tok = folderWith(
        dir.path() / "m", nullptr,
        {{"eos_token", "</s>"},
         {"chat_template",
          "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
          "supported') }}{% endif %}{{ messages[0]['content'] }}"}});
    const auto f = TextFormat::resolve("model", *tok);
    const std::string e = test::errorOf(
        [&] { (void)f.pairTokens({"x", "", {{"system", "s"}, {"user", "u"}}}, "a", "b"); });
    EXPECT_NE(e.find("System role not supported"), std::string::npos) << e;
}

// transformers 5: add_bos_token / add_eos_token in tokenizer_config.json (or no post-processor
// at all) replace the post-processor by "<bos>? $A <eos>?".
TEST(TextFormat, AddBosAndEosFlagsOfTheTokenizerConfigDecideTheSpecialTokens) {
    test::TempDir dir;
    const auto flagged = folderWith(dir.path() / "a", nullptr,
                                    {{"bos_token", "<s>"}, {"eos_token", "</s>"},
                                     {"add_bos_token", true}, {"add_eos_token", true}});
    EXPECT_EQ(flagged->encode("x", true), (Ids{kBos, 'x', kEos}));
    const auto off = folderWith(dir.path() / "b", bosProcessor(),
                                {{"bos_token", "<s>"}, {"add_bos_token", false}});
    EXPECT_EQ(off->encode("x", true), (Ids{'x'}));
    const auto kept = folderWith(dir.path() / "c", bosProcessor(), {{"bos_token", "<s>"}});
    EXPECT_EQ(kept->encode("x", true), (Ids{kBos, 'x'}));
}

}  // namespace
}  // namespace ladder::format
