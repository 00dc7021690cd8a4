// promptsFromFile(): read every row (text or JSON records), stop on bad rows, then look each
// prompt up by its match key and add the missing ones.
#include "core/eval/prompt_file.h"

#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/data/conversation.h"
#include "core/data/json_records.h"
#include "core/data/prompt_key.h"

namespace ladder::eval {
namespace {

namespace fs = std::filesystem;

// Collects the bad rows the record reader and field helpers report; a prompt file has no answers.
class BadRows final : public data::ImportSink {
public:
    void addResponse(data::ResponseRecord&&) override {}
    void addPair(data::PairRecord&&) override {}
    void addVerdict(data::VerdictRecord&&) override {}
    void badRow(const data::BadRow& bad) override { rows.push_back(bad); }

    std::vector<data::BadRow> rows;
};

std::vector<EvalPrompt> readTextFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot be read");
    std::vector<EvalPrompt> prompts;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (text::trim(line).empty()) continue;
        EvalPrompt p;
        p.instruction = line;
        prompts.push_back(std::move(p));
    }
    return prompts;
}

std::vector<EvalPrompt> readJsonFile(const fs::path& file, BadRows& bad) {
    std::vector<EvalPrompt> prompts;
    data::forEachJsonRecord(file, bad, [&](const nlohmann::json& record, const data::RowLocation& at) {
        data::RecordFields f(record, at, bad);
        if (!f.isObject()) return;
        EvalPrompt p;
        if (const nlohmann::json* messages = f.value({"messages"}, false)) {
            std::string error;
            auto turns = data::readMessages(*messages, &error);
            if (!turns) {
                f.bad("messages", error);
                return;
            }
            if (turns->empty() || turns->back().role != "user") {
                f.bad("messages", "the last message must be the user's: the prompt to answer");
                return;
            }
            p.instruction = data::renderPrompt(*turns);
            if (data::isConversation(*turns)) p.messages = std::move(*turns);
        } else {
            auto instruction = f.text({"instruction", "prompt"}, true);
            auto input = f.text({"input"}, false);
            if (!f.ok() || !instruction) return;
            p.instruction = std::move(*instruction);
            p.input = input.value_or("");
        }
        auto category = f.text({"category", "dataset"}, false);
        if (!f.ok()) return;
        if (text::trim(p.instruction).empty()) {
            f.bad("instruction", "empty: a prompt needs its text");
            return;
        }
        p.category = category.value_or("");
        prompts.push_back(std::move(p));
    });
    return prompts;
}

std::string describe(const fs::path& file, const std::vector<data::BadRow>& rows) {
    std::string message = file.string() + ": " + std::to_string(rows.size()) +
                          (rows.size() == 1 ? " bad row" : " bad rows") +
                          ", no prompt added (mend the file and run the command again):";
    const std::size_t shown = std::min<std::size_t>(rows.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& r = rows[i];
        // As import names rows: the line, then the record's index in the file (from 0).
        message += "\n  line " + std::to_string(r.at.line) + " (row " + std::to_string(r.at.row) + ")";
        if (!r.field.empty()) message += ", field `" + r.field + "`";
        message += ": " + r.message;
    }
    if (rows.size() > shown) message += "\n  ... and " + std::to_string(rows.size() - shown) + " more";
    return message;
}

}  // namespace

std::vector<EvalPrompt> promptsFromFile(store::Database& db, const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        throw Error(file.string() + ": no such file (--prompts takes all, heldout, a number or a file)");
    }
    std::vector<EvalPrompt> read;
    BadRows bad;
    if (file.extension() == ".txt") {
        read = readTextFile(file);
    } else {
        read = readJsonFile(file, bad);
    }
    if (!bad.rows.empty()) throw Error(describe(file, bad.rows));
    if (read.empty()) throw Error(file.string() + ": no prompts in it");

    std::vector<EvalPrompt> prompts;
    std::map<std::string, std::size_t> seen;  // match key -> index in prompts
    store::Transaction tx(db);
    auto find = db.prepare("SELECT id FROM prompts WHERE match_key = ?");
    auto insert = db.prepare(
        "INSERT INTO prompts(match_key, instruction, input, category, messages_json) "
        "VALUES (?, ?, ?, ?, ?)");
    std::size_t row = 0;
    for (auto& p : read) {
        ++row;
        std::string key;
        try {
            key = data::matchKey(p.instruction, p.input);
        } catch (const Error& e) {
            throw Error(file.string() + ": prompt " + std::to_string(row) + ": " + e.what() +
                        " (no prompt added)");
        }
        if (seen.count(key)) continue;
        find.bind(1, key);
        if (find.step()) {
            p.promptId = find.int64(0);
        } else {
            insert.bind(1, key).bind(2, p.instruction).bind(3, p.input);
            insert.bind(4, p.category.empty() ? std::nullopt : std::optional<std::string>(p.category));
            insert.bind(5, p.messages.empty() ? std::nullopt
                                              : std::optional<std::string>(data::messagesToJson(p.messages)));
            insert.run();
            p.promptId = db.lastInsertId();
        }
        find.reset();
        seen.emplace(key, prompts.size());
        prompts.push_back(std::move(p));
    }
    tx.commit();
    return prompts;
}

}  // namespace ladder::eval
