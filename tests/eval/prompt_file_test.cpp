// Prompts from a file (generate-source --prompts FILE): JSON Lines, JSON arrays and text files give
// their prompts in file order, each once; a prompt the workspace holds keeps its id, a new one is
// added; a conversation keeps its turns; a bad row names its row, line and field and adds nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "core/common/error.h"
#include "core/data/prompt_key.h"
#include "core/eval/prompt_file.h"
#include "core/store/workspace.h"
#include "tests/support/test_support.h"

namespace ladder::eval {
namespace {
namespace fs = std::filesystem;

class PromptFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_ws = std::make_unique<store::Workspace>(store::Workspace::create(m_dir / "p.ladder"));
        m_ws->db()
            .prepare("INSERT INTO prompts(id, match_key, instruction) VALUES (7, ?, 'Old prompt')")
            .bind(1, data::matchKey("Old prompt", ""))
            .run();
    }

    fs::path write(const std::string& name, const std::string& content) {
        const fs::path path = m_dir / name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    std::int64_t promptCount() {
        auto q = m_ws->db().prepare("SELECT count(*) FROM prompts");
        q.step();
        return q.int64(0);
    }

    test::TempDir m_dir;
    std::unique_ptr<store::Workspace> m_ws;
};

TEST_F(PromptFileTest, JsonLinesGiveTheirPromptsInOrderOnceAndAddTheNewOnes) {
    const auto file = write("p.jsonl",
                            "{\"instruction\": \"Name a colour\", \"dataset\": \"mine\"}\n"
                            "{\"instruction\": \"Old   prompt \"}\n"  // the stored one, spaced out
                            "{\"prompt\": \"Add 2 and 3\", \"input\": \"quickly\"}\n"
                            "{\"instruction\": \"Name a colour\"}\n");
    const auto prompts = promptsFromFile(m_ws->db(), file);
    ASSERT_EQ(prompts.size(), 3u);
    EXPECT_EQ(prompts[0].instruction, "Name a colour");
    EXPECT_EQ(prompts[0].category, "mine");
    EXPECT_EQ(prompts[1].promptId, 7);
    EXPECT_EQ(prompts[2].input, "quickly");
    EXPECT_EQ(promptCount(), 3);
    // The same file again adds nothing and gives the same ids.
    const auto again = promptsFromFile(m_ws->db(), file);
    ASSERT_EQ(again.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(again[i].promptId, prompts[i].promptId);
    EXPECT_EQ(promptCount(), 3);
}

TEST_F(PromptFileTest, ArraysTextFilesAndConversations) {
    const auto array = promptsFromFile(
        m_ws->db(), write("p.json",
                          R"([{"messages": [{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": "Hi"}]},
                              {"instruction": "Old prompt"}])"));
    ASSERT_EQ(array.size(), 2u);
    ASSERT_EQ(array[0].messages.size(), 2u);
    EXPECT_EQ(array[0].messages[1].content, "Hi");
    EXPECT_EQ(array[1].promptId, 7);
    const auto lines = promptsFromFile(m_ws->db(), write("p.txt", "First one\r\n\n  \nSecond one\n"));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].instruction, "First one");
    EXPECT_EQ(lines[1].instruction, "Second one");
    EXPECT_EQ(promptCount(), 4);
}

TEST_F(PromptFileTest, BadRowsAreNamedAndNothingIsAdded) {
    const auto file = write("bad.jsonl",
                            "{\"instruction\": \"Fine\"}\n"
                            "{\"instruction\": 5}\n"
                            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, "
                            "{\"role\": \"assistant\", \"content\": \"b\"}]}\n"
                            "not json\n");
    try {
        (void)promptsFromFile(m_ws->db(), file);
        FAIL() << "a file with bad rows was read";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("bad.jsonl: 3 bad rows, no prompt added"), std::string::npos) << m;
        EXPECT_NE(m.find("line 2 (row 1), field `instruction`: expected text"), std::string::npos) << m;
        EXPECT_NE(m.find("line 3 (row 2), field `messages`: the last message must be the user's"),
                  std::string::npos) << m;
        EXPECT_NE(m.find("line 4 (row 3): not valid JSON"), std::string::npos) << m;
    }
    EXPECT_EQ(promptCount(), 1);
    EXPECT_THROW((void)promptsFromFile(m_ws->db(), m_dir / "missing.jsonl"), Error);
    EXPECT_THROW((void)promptsFromFile(m_ws->db(), write("empty.txt", "\n\n")), Error);
}

}  // namespace
}  // namespace ladder::eval
