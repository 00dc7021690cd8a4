// model_outputs.json out of the workspace and back, annotations.json in; the reading side is the
// importers' (a collecting ImportSink), so that export, import and judging agree on every field.
#include "core/eval/alpaca_eval_files.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/data/builtin_importers.h"
#include "core/eval/eval_prompts.h"
#include "core/model/atomic_file.h"

namespace ladder::eval {
namespace {

// Keeps what an importer reads in memory; bad rows are collected and reported together.
class CollectingSink final : public data::ImportSink {
public:
    void addResponse(data::ResponseRecord&& record) override {
        responses.push_back(std::move(record));
    }
    void addPair(data::PairRecord&&) override {}
    void addVerdict(data::VerdictRecord&& record) override {
        verdicts.push_back(std::move(record));
    }
    void badRow(const data::BadRow& bad) override { badRows.push_back(bad); }

    // Throws ladder::Error naming the file and the first bad row.
    void check(const std::filesystem::path& file) const {
        if (badRows.empty()) return;
        const data::BadRow& b = badRows.front();
        std::string message = file.string() + ": row " + std::to_string(b.at.row) + " (line " +
                              std::to_string(b.at.line) + ")" +
                              (b.field.empty() ? "" : ", field `" + b.field + "`") + ": " +
                              b.message;
        if (badRows.size() > 1) {
            message += " (and " + std::to_string(badRows.size() - 1) + " more bad rows)";
        }
        throw Error(message);
    }

    std::vector<data::ResponseRecord> responses;
    std::vector<data::VerdictRecord> verdicts;
    std::vector<data::BadRow> badRows;
};

std::string runGenerator(store::Database& db, std::int64_t evalId) {
    auto s = db.prepare("SELECT r.name FROM evals e JOIN runs r ON r.id = e.run_id WHERE e.id = ?");
    s.bind(1, evalId);
    if (s.step()) return s.text(0);
    return "ladder-eval-" + std::to_string(evalId);
}

}  // namespace

std::string alpacaInstruction(const std::string& instruction, const std::string& input) {
    return input.empty() ? instruction : instruction + "\n\n" + input;
}

std::vector<ModelOutput> sourceOutputs(store::Database& db, const std::string& source,
                                       const std::string& generator) {
    std::vector<ModelOutput> out;
    for (auto& p : sourceAnswers(db, source)) {
        out.push_back({alpacaInstruction(p.instruction, p.input), std::move(p.reference),
                       generator.empty() ? source : generator, std::move(p.category)});
    }
    return out;
}

std::vector<ModelOutput> evalOutputs(store::Database& db, std::int64_t evalId,
                                     const std::string& generator) {
    if (!db.prepare("SELECT 1 FROM evals WHERE id = ?").bind(1, evalId).step()) {
        throw Error("there is no evaluation " + std::to_string(evalId) + " in " +
                    db.path().string() + ": `ladder-cli evals` lists them");
    }
    const std::string name = generator.empty() ? runGenerator(db, evalId) : generator;
    auto s = db.prepare(
        "SELECT s.prompt_text, s.output, COALESCE(p.category, '') FROM samples s "
        "LEFT JOIN prompts p ON p.id = s.prompt_id WHERE s.eval_id = ? ORDER BY s.prompt_id, s.id");
    s.bind(1, evalId);
    std::vector<ModelOutput> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), name, s.text(2)});
    return out;
}

void writeModelOutputs(const std::filesystem::path& file, const std::vector<ModelOutput>& outputs) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& o : outputs) {
        rows.push_back({{"instruction", o.instruction},
                        {"output", o.output},
                        {"generator", o.generator},
                        {"dataset", o.dataset}});
    }
    model::AtomicFile out(file);
    out.stream() << rows.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out.commit();
}

std::vector<ModelOutput> readModelOutputs(const std::filesystem::path& file) {
    CollectingSink sink;
    data::makeAlpacaEvalImporter()->import(file, {}, sink);
    sink.check(file);
    std::vector<ModelOutput> out;
    out.reserve(sink.responses.size());
    for (auto& r : sink.responses) {
        out.push_back({alpacaInstruction(r.instruction, r.input), std::move(r.output),
                       std::move(r.source), std::move(r.category)});
    }
    return out;
}

std::vector<data::VerdictRecord> readAnnotations(const std::filesystem::path& file) {
    CollectingSink sink;
    data::makeAlpacaAnnotationsImporter()->import(file, {}, sink);
    sink.check(file);
    return std::move(sink.verdicts);
}

}  // namespace ladder::eval
