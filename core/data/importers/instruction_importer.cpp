// Answers to instructions, one record per answer: AlpacaEval's model_outputs.json
// ({instruction, output, generator, dataset}) and generic instruction data in JSON or JSONL
// ({instruction|prompt, input?, output|response, model|generator}). One reader, two detectors.
#include "core/common/text.h"
#include "core/data/builtin_importers.h"
#include "core/data/json_records.h"

namespace ladder::data {
namespace {

class InstructionImporter final : public Importer {
public:
    explicit InstructionImporter(bool alpacaEval) : m_alpacaEval(alpacaEval) {}

    std::string name() const override { return m_alpacaEval ? "alpaca-eval" : "instruction"; }
    std::string description() const override {
        return m_alpacaEval
                   ? "AlpacaEval model_outputs.json: [{instruction, output, generator, dataset}]"
                   : "instruction data, JSON or JSONL: {instruction|prompt, input?, "
                     "output|response, model|generator} (or --source NAME)";
    }
    DatasetKind kind() const override { return DatasetKind::Responses; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        if (!record || hasAnyKey(*record, {"chosen", "rejected", "output_1", "preference"})) {
            return 0;
        }
        if (m_alpacaEval) {
            if (!hasAllKeys(*record, {"instruction", "output", "generator"})) return 0;
            return hasAllKeys(*record, {"dataset"}) ? 95 : 85;
        }
        const bool prompt = hasAnyKey(*record, {"instruction", "prompt"});
        const bool answer = hasAnyKey(*record, {"output", "response", "completion"});
        return prompt && answer ? 50 : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions& options,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const nlohmann::json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            ResponseRecord r;
            r.at = at;
            auto instruction = f.text({"instruction", "prompt"}, /*required=*/true);
            auto input = f.text({"input"}, false);
            auto output = f.text({"output", "response", "completion"}, true);
            auto category = f.text({"dataset", "category"}, false);
            std::optional<std::string> source;
            if (!options.sourceOverride.empty()) {
                source = options.sourceOverride;
            } else if (f.presentName({"generator", "model"})) {
                source = f.text({"generator", "model"}, true);
            } else {
                f.bad("generator",
                      "missing: the row names no model (`generator` or `model`); "
                      "give the source of the whole file with --source NAME");
            }
            if (!f.ok()) return;
            if (text::trim(*instruction).empty()) {
                f.bad(f.presentName({"instruction", "prompt"}).value_or("instruction"),
                      "empty: an answer needs the instruction it answers");
                return;
            }
            if (text::trim(*source).empty()) {
                f.bad("generator", "empty: the answer's model has no name");
                return;
            }
            r.instruction = std::move(*instruction);
            r.input = input.value_or("");
            r.output = std::move(*output);
            r.source = std::move(*source);
            r.category = category.value_or("");
            sink.addResponse(std::move(r));
        });
    }

private:
    bool m_alpacaEval;
};

}  // namespace

std::unique_ptr<Importer> makeAlpacaEvalImporter() {
    return std::make_unique<InstructionImporter>(true);
}
std::unique_ptr<Importer> makeInstructionImporter() {
    return std::make_unique<InstructionImporter>(false);
}

}  // namespace ladder::data
