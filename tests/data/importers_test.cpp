// Every importer on small fixtures written here, each kind of bad row, idempotent re-import, and
// matching answers of different files by prompt text.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/data/catalog.h"
#include "core/data/dataset_import.h"
#include "core/data/file_preview.h"
#include "tests/data/data_fixtures.h"

namespace ladder::data {
namespace {

using test::WorkspaceFixture;
using test::writeFile;

const char* kAlpacaOutputs = R"([
  {"dataset": "helpful_base", "instruction": "Name a fruit.", "output": "Apple.", "generator": "big"},
  {"dataset": "koala", "instruction": "Add 2 and 3.", "output": "5", "generator": "big"}
])";

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Import, AlpacaEvalOutputsStoreAnswersUnderTheirGenerator) {
    WorkspaceFixture f;
    const auto r = f.importText("big.model_outputs.json", kAlpacaOutputs);
    EXPECT_EQ(r.format, "alpaca-eval");
    EXPECT_EQ(r.kind, DatasetKind::Responses);
    EXPECT_EQ(r.rows, 2);
    EXPECT_EQ(r.newPrompts, 2);
    EXPECT_EQ(r.datasetName, "big.model_outputs");
    EXPECT_EQ(f.count("SELECT count(*) FROM responses r JOIN sources s ON s.id = r.source_id "
                      "WHERE s.name = 'big'"),
              2);
    EXPECT_EQ(f.text("SELECT category FROM prompts WHERE instruction = 'Add 2 and 3.'"), "koala");
    EXPECT_EQ(f.text("SELECT r.text FROM responses r JOIN prompts p ON p.id = r.prompt_id "
                     "WHERE p.instruction = 'Name a fruit.'"),
              "Apple.");
    EXPECT_EQ(f.text("SELECT kind FROM datasets"), "responses");
}

TEST(Import, ForeignKeysAreOnAgainAfterAnImportAndAfterAFailedOne) {
    // The import skips foreign-key checks for speed; cascading deletes later depend on them.
    WorkspaceFixture f;
    f.importText("big.model_outputs.json", kAlpacaOutputs);
    EXPECT_EQ(f.count("PRAGMA foreign_keys"), 1);
    EXPECT_NE(errorOf([&] { f.importText("bad.jsonl", "{\"prompt\": 3}\n"); }), "(no error)");
    EXPECT_EQ(f.count("PRAGMA foreign_keys"), 1);
    f.ws.db().exec("DELETE FROM sources WHERE name = 'big'");
    EXPECT_EQ(f.count("SELECT count(*) FROM responses"), 0);  // cascaded
}

TEST(Import, GenericJsonlAcceptsPromptResponseAndModelAliasesWithInput) {
    WorkspaceFixture f;
    const auto r = f.importText("mixed.jsonl",
                                "{\"prompt\": \"Translate\", \"input\": \"chat\", "
                                "\"response\": \"cat\", \"model\": \"m1\"}\n"
                                "{\"instruction\": \"Translate\", \"input\": \"chien\", "
                                "\"output\": \"dog\", \"generator\": \"m1\"}\n");
    EXPECT_EQ(r.format, "instruction");
    EXPECT_EQ(r.rows, 2);
    EXPECT_EQ(f.count("SELECT count(*) FROM prompts WHERE instruction = 'Translate'"), 2);
    EXPECT_EQ(f.text("SELECT match_key FROM prompts WHERE input = 'chat'"), "Translate\nchat");
}

TEST(Import, SourceCanBeGivenForAFileWithoutModelField) {
    WorkspaceFixture f;
    ImportOptions options;
    options.sourceOverride = "my-model";
    const auto r =
        f.importText("answers.json", R"([{"instruction": "Hi", "output": "Hello"}])", options);
    EXPECT_EQ(r.rows, 1);
    EXPECT_EQ(f.text("SELECT name FROM sources"), "my-model");
    EXPECT_EQ(f.text("SELECT source_override FROM datasets"), "my-model");
}

TEST(Import, NoModelFieldAndNoSourceIsABadRowNamingTheFieldAndWhatToDo) {
    WorkspaceFixture f;
    const std::string message = errorOf([&] {
        f.importText("answers.jsonl", "{\"instruction\": \"Hi\", \"output\": \"Hello\"}\n",
                     ImportOptions{.format = "instruction"});
    });
    EXPECT_NE(message.find("answers.jsonl:1 (row 0)"), std::string::npos) << message;
    EXPECT_NE(message.find("`generator`"), std::string::npos) << message;
    EXPECT_NE(message.find("--source"), std::string::npos) << message;
}

TEST(Import, TrlStringPairsKeepTheirDirection) {
    WorkspaceFixture f;
    const auto r = f.importText("prefs.jsonl",
                                "{\"prompt\": \"2+2?\", \"chosen\": \"4\", \"rejected\": \"5\"}\n"
                                "{\"prompt\": \"Capital of France?\", \"chosen\": \"Paris\", "
                                "\"rejected\": \"Rome\"}\n");
    EXPECT_EQ(r.format, "trl");
    EXPECT_EQ(r.kind, DatasetKind::Pairs);
    EXPECT_EQ(r.pairs, 2);
    EXPECT_EQ(f.count("SELECT count(*) FROM pairs WHERE ladder_id IS NULL AND dataset_id = 1"), 2);
    EXPECT_EQ(f.text("SELECT c.text || '>' || r.text FROM pairs p JOIN responses c ON "
                     "c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id JOIN prompts pr "
                     "ON pr.id = p.prompt_id WHERE pr.instruction = '2+2?'"),
              "4>5");
    EXPECT_EQ(f.text("SELECT DISTINCT tier FROM pairs"), "prefs");
    EXPECT_EQ(f.text("SELECT s.name FROM responses r JOIN sources s ON s.id = r.source_id "
                     "WHERE r.text = '5'"),
              "prefs/rejected");
    EXPECT_EQ(f.count("SELECT min(row_index) FROM responses"), 0);
}

TEST(FilePreview, ReadsEveryRowKeepsTheFirstListsBadOnesAndWritesNothing) {
    WorkspaceFixture f;
    writeFile(f.dir / "prefs.jsonl",
              "{\"prompt\": \"2+2?\", \"chosen\": \"4\", \"rejected\": \"5\"}\n"
              "{\"prompt\": \"Capital?\", \"chosen\": 7, \"rejected\": \"Rome\"}\n"
              "{\"prompt\": \"2+2?\", \"chosen\": \"four\", \"rejected\": \"five\"}\n"
              "{\"prompt\": \"Sky?\", \"chosen\": \"blue\", \"rejected\": \"green\"}\n");
    const auto p = previewFile(f.dir / "prefs.jsonl", {}, /*keepRows=*/2);
    EXPECT_EQ(p.format, "trl");
    EXPECT_EQ(p.kind, DatasetKind::Pairs);
    EXPECT_EQ(p.rows, 3);
    EXPECT_EQ(p.prompts, 2);
    ASSERT_EQ(p.firstRows.size(), 2u);
    EXPECT_EQ(p.firstRows[1].at.line, 3);
    EXPECT_EQ(p.firstRows[1].first, "four");
    EXPECT_EQ(p.firstRows[1].second, "five");
    EXPECT_EQ(p.badRowCount, 1);
    ASSERT_EQ(p.badRows.size(), 1u);
    EXPECT_EQ(p.badRows[0].at.line, 2);
    EXPECT_EQ(p.badRows[0].field, "chosen");
    EXPECT_FALSE(p.formats.empty());
    EXPECT_EQ(p.formats.front().name, "trl");
    EXPECT_EQ(f.count("SELECT count(*) FROM datasets"), 0);
    // Importing the same file under the default policy fails on that row.
    EXPECT_NE(errorOf([&] { (void)importFile(f.db(), f.dir / "prefs.jsonl"); }).find("prefs.jsonl:2"),
              std::string::npos);
}

TEST(Import, TrlConversationalPairsWithExplicitPrompt) {
    WorkspaceFixture f;
    const auto r = f.importText("conv.json",
                                R"([{"prompt": [{"role": "user", "content": "Say hi"}],
             "chosen": [{"role": "assistant", "content": "Hi!"}],
             "rejected": [{"role": "assistant", "content": "No."}]}])");
    EXPECT_EQ(r.format, "trl");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT instruction FROM prompts"), "Say hi");
    EXPECT_EQ(f.text("SELECT text FROM responses WHERE id = (SELECT chosen_id FROM pairs)"), "Hi!");
}

TEST(Import, TrlImplicitPromptIsTheSharedLeadingMessages) {
    WorkspaceFixture f;
    const auto r = f.importText(
        "implicit.jsonl",
        R"({"chosen": [{"role": "user", "content": "Color of sky?"}, {"role": "assistant", "content": "Blue"}], "rejected": [{"role": "user", "content": "Color of sky?"}, {"role": "assistant", "content": "Green"}]})"
        "\n");
    EXPECT_EQ(r.format, "trl");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT instruction FROM prompts"), "Color of sky?");
    EXPECT_EQ(f.text("SELECT text FROM responses WHERE id = (SELECT rejected_id FROM pairs)"),
              "Green");
}

TEST(Import, ConversationPromptsKeepTheirMessagesAndLoneUserPromptsStayPlain) {
    WorkspaceFixture f;
    // UltraFeedback-binarized layout: a system message and two turns before the answers.
    const auto r = f.importText(
        "ultra.jsonl",
        R"({"chosen": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Blue"}], "rejected": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Green"}]})"
        "\n"
        R"({"prompt": [{"role": "user", "content": "Alone"}], "chosen": [{"role": "assistant", "content": "a"}], "rejected": [{"role": "assistant", "content": "b"}]})"
        "\n");
    EXPECT_EQ(r.pairs, 2);
    EXPECT_EQ(f.text("SELECT messages_json FROM prompts WHERE instruction LIKE 'System:%'"),
              R"([{"content":"Be brief.","role":"system"},{"content":"Hi","role":"user"},)"
              R"({"content":"Hello","role":"assistant"},{"content":"Sky?","role":"user"}])");
    EXPECT_EQ(f.text("SELECT coalesce(messages_json, 'plain') FROM prompts WHERE instruction = 'Alone'"),
              "plain");
}

TEST(Import, HhRlhfMultiTurnPromptsBecomeTurns) {
    WorkspaceFixture f;
    const auto r = f.importText(
        "hh2.jsonl",
        "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello\\n\\nHuman: A joke?\\n\\nAssistant: "
        "Sure...\", \"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello\\n\\nHuman: A joke?"
        "\\n\\nAssistant: No.\"}\n");
    EXPECT_EQ(r.format, "hh-rlhf");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT messages_json FROM prompts"),
              R"([{"content":"Hi","role":"user"},{"content":"Hello","role":"assistant"},)"
              R"({"content":"A joke?","role":"user"}])");
}

TEST(Import, HhRlhfDialoguesShareTheirPrefixAsPrompt) {
    WorkspaceFixture f;
    const auto r = f.importText(
        "hh.jsonl",
        "{\"chosen\": \"\\n\\nHuman: Tell me a joke\\n\\nAssistant: Why did the chicken...\", "
        "\"rejected\": \"\\n\\nHuman: Tell me a joke\\n\\nAssistant: No.\"}\n");
    EXPECT_EQ(r.format, "hh-rlhf");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT instruction FROM prompts"), "Tell me a joke");
    EXPECT_EQ(f.text("SELECT text FROM responses WHERE id = (SELECT chosen_id FROM pairs)"),
              "Why did the chicken...");
}

TEST(Import, ShareGptConversationsWithSystemPrompt) {
    WorkspaceFixture f;
    const auto r =
        f.importText("rank.json",
                     R"([{"conversations": [{"from": "human", "value": "Hi"}], "system": "Be kind",
             "chosen": {"from": "gpt", "value": "Hello, friend"},
             "rejected": {"from": "gpt", "value": "Go away"}}])");
    EXPECT_EQ(r.format, "sharegpt");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT instruction FROM prompts"), "System: Be kind\n\nUser: Hi");
    EXPECT_EQ(f.text("SELECT text FROM responses WHERE id = (SELECT rejected_id FROM pairs)"),
              "Go away");
}

TEST(Import, OpenAiPreferenceRows) {
    WorkspaceFixture f;
    const auto r = f.importText(
        "openai.jsonl",
        R"({"input": {"messages": [{"role": "user", "content": "Capital of Peru?"}]}, "preferred_output": [{"role": "assistant", "content": "Lima"}], "non_preferred_output": [{"role": "assistant", "content": "Quito"}]})"
        "\n");
    EXPECT_EQ(r.format, "openai-preference");
    EXPECT_EQ(r.pairs, 1);
    EXPECT_EQ(f.text("SELECT text FROM responses WHERE id = (SELECT chosen_id FROM pairs)"),
              "Lima");
}

TEST(Import, AlpacaEvalAnnotationsBecomeVerdicts) {
    WorkspaceFixture f;
    const auto r = f.importText("ann.json", R"([
      {"instruction": "A", "output_1": "a1", "generator_1": "ref", "output_2": "a2",
       "generator_2": "new", "annotator": "gpt4_judge", "preference": 2.0},
      {"instruction": "B", "output_1": "b1", "generator_1": "ref", "output_2": "b2",
       "generator_2": "new", "annotator": "gpt4_judge", "preference": 1.5},
      {"instruction": "C", "output_1": "c1", "generator_1": "ref", "output_2": "c2",
       "generator_2": "new", "annotator": "gpt4_judge", "preference": 0},
      {"instruction": "D", "output_1": "d1", "generator_1": "ref", "output_2": "d2",
       "generator_2": "new", "annotator": "gpt4_judge", "preference": null}])");
    EXPECT_EQ(r.format, "alpaca-eval-annotations");
    EXPECT_EQ(r.kind, DatasetKind::Verdicts);
    EXPECT_EQ(r.verdicts, 4);
    EXPECT_EQ(f.count("SELECT count(*) FROM verdicts WHERE judge = 'gpt4_judge'"), 4);
    // null is no decision; 0 is an old annotator's draw, which AlpacaEval counts as 1.5.
    EXPECT_EQ(f.count("SELECT count(*) FROM verdicts WHERE preference IS NULL"), 1);
    EXPECT_EQ(f.count("SELECT count(*) FROM verdicts WHERE preference = 1.5"), 2);
    EXPECT_EQ(f.text("SELECT r.text FROM verdicts v JOIN responses r ON r.id = v.response_2_id "
                     "WHERE v.preference = 2.0"),
              "a2");
}

TEST(Import, FormatIsDetectedFromTheFirstRecordAndCanBeForced) {
    WorkspaceFixture f;
    ImportOptions forced;
    forced.format = "instruction";
    const auto r = f.importText("outputs.json", kAlpacaOutputs, forced);
    EXPECT_EQ(r.format, "instruction");
    const std::string message =
        errorOf([&] { f.importText("what.json", R"([{"question": "?", "answer": "!"}])"); });
    EXPECT_NE(message.find("--format"), std::string::npos) << message;
    EXPECT_NE(message.find("alpaca-eval"), std::string::npos) << message;
    const std::string unknown =
        errorOf([&] { f.importText("x.json", kAlpacaOutputs, ImportOptions{.format = "csv"}); });
    EXPECT_NE(unknown.find("unknown import format 'csv'"), std::string::npos) << unknown;
}

// Each broken row of this file is broken in a different way.
const char* kBadRows =
    "{\"instruction\": \"ok\", \"output\": \"fine\", \"generator\": \"m\"}\n"  // line 1 good
    "{\"instruction\": \"x\", \"output\": \n"                                  // 2 not JSON
    "[1, 2, 3]\n"                                                              // 3 not an object
    "{\"instruction\": \"y\", \"generator\": \"m\"}\n"                         // 4 no output
    "{\"instruction\": 7, \"output\": \"z\", \"generator\": \"m\"}\n"          // 5 wrong type
    "{\"instruction\": \"   \", \"output\": \"z\", \"generator\": \"m\"}\n"    // 6 empty
    "{\"instruction\": \"bad \xff\xfe\", \"output\": \"z\", \"generator\": \"m\"}\n"  // 7 not UTF-8
    "{\"instruction\": \"ok2\", \"output\": \"fine\", \"generator\": \"m\"}\n";       // 8 good

TEST(Import, BadRowAbortsByDefaultNamingFileLineRowAndFieldAndKeepsNothing) {
    WorkspaceFixture f;
    writeFile(f.dir / "bad.jsonl",
              "{\"instruction\": \"ok\", \"output\": \"fine\", \"generator\": \"m\"}\n"
              "{\"instruction\": \"y\", \"generator\": \"m\"}\n");
    const std::string message = errorOf([&] {
        (void)importFile(f.db(), f.dir / "bad.jsonl", ImportOptions{.format = "instruction"});
    });
    EXPECT_NE(message.find("bad.jsonl:2 (row 1), field `output`: missing"), std::string::npos)
        << message;
    EXPECT_NE(message.find("--on-bad-row skip"), std::string::npos) << message;
    // One transaction per file: the good first row is not kept either.
    EXPECT_EQ(f.count("SELECT count(*) FROM datasets"), 0);
    EXPECT_EQ(f.count("SELECT count(*) FROM responses"), 0);
    EXPECT_EQ(f.count("SELECT count(*) FROM prompts"), 0);
}

TEST(Import, SkipLeavesOutAndReportsEachKindOfBadRow) {
    WorkspaceFixture f;
    ImportOptions skip{.format = "instruction", .onBadRow = BadRowPolicy::Skip};
    const auto r = f.importText("bad.jsonl", kBadRows, skip);
    EXPECT_EQ(r.rows, 2);
    EXPECT_EQ(r.skippedRows, 6);
    ASSERT_EQ(r.badRows.size(), 6u);
    EXPECT_EQ(r.badRows[0].at.line, 2);
    EXPECT_NE(r.badRows[0].message.find("not valid JSON"), std::string::npos);
    EXPECT_EQ(r.badRows[1].at.line, 3);
    EXPECT_NE(r.badRows[1].message.find("expected a JSON object"), std::string::npos);
    EXPECT_EQ(r.badRows[2].field, "output");
    EXPECT_EQ(r.badRows[3].field, "instruction");
    EXPECT_NE(r.badRows[3].message.find("found number"), std::string::npos);
    EXPECT_EQ(r.badRows[4].field, "instruction");
    EXPECT_NE(r.badRows[4].message.find("empty"), std::string::npos);
    EXPECT_EQ(r.badRows[5].at.line, 7);
    EXPECT_NE(r.badRows[5].message.find("UTF-8"), std::string::npos) << r.badRows[5].message;
    EXPECT_EQ(f.count("SELECT skipped_rows FROM datasets"), 6);
    EXPECT_NE(f.text("SELECT report_json FROM datasets").find("\"bad_rows\""), std::string::npos);
    EXPECT_NE(renderImportResult(r).find("skipped line 4 (row 3), field `output`"),
              std::string::npos);
}

TEST(Import, BadRowsOfPairAndVerdictFormatsNameTheirFields) {
    WorkspaceFixture f;
    ImportOptions skip{.onBadRow = BadRowPolicy::Skip};
    skip.format = "hh-rlhf";
    const auto hh = f.importText("hh.jsonl",
                                 "{\"chosen\": \"no dialogue\", \"rejected\": \"x\"}\n"
                                 "{\"chosen\": \"\\n\\nHuman: q\\n\\nAssistant: a\"}\n",
                                 skip);
    ASSERT_EQ(hh.badRows.size(), 2u);
    EXPECT_EQ(hh.badRows[0].field, "chosen");
    EXPECT_EQ(hh.badRows[1].field, "rejected");
    skip.format = "alpaca-eval-annotations";
    const auto ann =
        f.importText("ann.json",
                     R"([{"instruction": "A", "output_1": "a", "generator_1": "g", "output_2": "b",
             "generator_2": "h", "preference": 3}])",
                     skip);
    ASSERT_EQ(ann.badRows.size(), 1u);
    EXPECT_EQ(ann.badRows[0].field, "preference");
    skip.format = "trl";
    const auto trl =
        f.importText("trl.jsonl",
                     "{\"prompt\": \"p\", \"chosen\": [{\"role\": \"user\", \"content\": \"x\"}], "
                     "\"rejected\": \"r\"}\n{\"chosen\": \"a\", \"rejected\": \"b\"}\n",
                     skip);
    ASSERT_EQ(trl.badRows.size(), 2u);
    EXPECT_EQ(trl.badRows[0].field, "chosen");
    EXPECT_EQ(trl.badRows[1].field, "prompt");
}

TEST(Import, TheSameFileTwiceImportsOnceEvenUnderAnotherName) {
    WorkspaceFixture f;
    const auto first = f.importText("a.json", kAlpacaOutputs);
    std::filesystem::copy_file(f.dir / "a.json", f.dir / "copy.json");
    const auto again = importFile(f.db(), f.dir / "copy.json");
    EXPECT_FALSE(first.alreadyImported);
    EXPECT_TRUE(again.alreadyImported);
    EXPECT_EQ(again.datasetId, first.datasetId);
    EXPECT_EQ(f.count("SELECT count(*) FROM datasets"), 1);
    EXPECT_EQ(f.count("SELECT count(*) FROM responses"), 2);
    EXPECT_NE(renderImportResult(again).find("already imported"), std::string::npos);
    // Another source for the same bytes is a different dataset.
    const auto other =
        importFile(f.db(), f.dir / "copy.json", ImportOptions{.sourceOverride = "small"});
    EXPECT_FALSE(other.alreadyImported);
    EXPECT_EQ(f.count("SELECT count(*) FROM responses"), 4);
}

TEST(Import, AnswersOfDifferentFilesMeetOnNormalisedPromptTextNotRowPosition) {
    WorkspaceFixture f;
    f.importText("big.json", R"([
        {"instruction": "Name a fruit.", "output": "Apple", "generator": "big"},
        {"instruction": "Caf\u00e9 or tea?", "output": "Tea", "generator": "big"},
        {"instruction": "Add 2 and 3.", "output": "5", "generator": "big"}])");
    // Other order, a missing prompt, folded white space and a decomposed e-acute (NFD).
    const auto small = f.importText("small.json", R"([
        {"instruction": "  Add 2\n and   3. ", "output": "6", "generator": "small"},
        {"instruction": "Cafe\u0301 or tea?", "output": "Coffee", "generator": "small"}])");
    EXPECT_EQ(small.matchedPrompts, 2);
    EXPECT_EQ(small.newPrompts, 0);
    EXPECT_EQ(f.count("SELECT count(*) FROM prompts"), 3);
    EXPECT_EQ(f.text("SELECT group_concat(r.text, '|') FROM responses r JOIN prompts p ON "
                     "p.id = r.prompt_id WHERE p.instruction = 'Add 2 and 3.' ORDER BY r.id"),
              "5|6");
}

TEST(Import, RepeatedRowsOfOneFileShareOneAnswer) {
    WorkspaceFixture f;
    const auto r = f.importText("dup.jsonl",
                                "{\"instruction\": \"q\", \"output\": \"a\", \"model\": \"m\"}\n"
                                "{\"instruction\": \"q\", \"output\": \"a\", \"model\": \"m\"}\n");
    EXPECT_EQ(r.rows, 2);
    EXPECT_EQ(r.responses, 1);
    EXPECT_EQ(r.duplicateAnswers, 1);
}

TEST(Import, DatasetNamesStayUniqueAndCatalogCountsWhatIsThere) {
    WorkspaceFixture f;
    f.importText("x.json", kAlpacaOutputs);
    writeFile(f.dir / "sub" / "x.json",
              R"([{"instruction": "Q", "output": "A", "generator": "g"}])");
    const auto second = importFile(f.db(), f.dir / "sub" / "x.json");
    EXPECT_EQ(second.datasetName, "x-2");
    const auto datasets = listDatasets(f.db());
    ASSERT_EQ(datasets.size(), 2u);
    EXPECT_EQ(datasets[0].responses, 2);
    const auto sources = listSources(f.db());
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].name, "big");
    EXPECT_EQ(sources[0].answers, 2);
    deleteDataset(f.db(), second.datasetId);
    EXPECT_EQ(f.count("SELECT count(*) FROM responses"), 2);
    EXPECT_THROW(deleteDataset(f.db(), 99), Error);
}

// Lengths counted by hand, in code points: u has 2, 5, 5, 12 (in bytes 2, 6, 15, 12: "naïve" is 6
// bytes, the Japanese answer 15), v has 3, 2, 12 (bytes 3, 4, 12). An even count's median is the
// mean of the middle two.
TEST(Import, SourceListGivesAnswerLengthsInCodePointsNotBytes) {
    WorkspaceFixture f;
    f.importText("lengths.jsonl",
                 R"({"instruction": "q1", "output": "ok", "model": "u"}
{"instruction": "q2", "output": "na\u00efve", "model": "u"}
{"instruction": "q3", "output": "\u65e5\u672c\u8a9e\u3067\u3059", "model": "u"}
{"instruction": "q4", "output": "a longer one", "model": "u"}
{"instruction": "q1", "output": "abc", "model": "v"}
{"instruction": "q2", "output": "\u00e9\u00e9", "model": "v"}
{"instruction": "q3", "output": "hello world!", "model": "v"}
)");
    auto sources = listSources(f.db());
    addAnswerLengths(f.db(), sources);
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].name, "u");
    EXPECT_EQ(sources[0].answers, 4);
    EXPECT_DOUBLE_EQ(sources[0].medianChars, 5.0);
    EXPECT_EQ(sources[0].shortestChars, 2);
    EXPECT_EQ(sources[0].longestChars, 12);
    EXPECT_EQ(sources[1].name, "v");
    EXPECT_DOUBLE_EQ(sources[1].medianChars, 3.0);
    EXPECT_EQ(sources[1].shortestChars, 2);
    EXPECT_EQ(sources[1].longestChars, 12);
}

}  // namespace
}  // namespace ladder::data
