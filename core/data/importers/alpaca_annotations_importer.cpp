// AlpacaEval judge annotations (annotations.json): {instruction, output_1, generator_1, output_2,
// generator_2, preference, annotator}, stored as verdicts of the judge on pairs of answers.
#include <cmath>

#include "core/common/json_read.h"
#include "core/common/text.h"
#include "core/data/builtin_importers.h"
#include "core/data/json_records.h"

namespace ladder::data {
namespace {

constexpr const char* kDefaultJudge = "alpaca_eval";

class AlpacaAnnotationsImporter final : public Importer {
public:
    std::string name() const override { return "alpaca-eval-annotations"; }
    std::string description() const override {
        return "AlpacaEval judge annotations: [{instruction, output_1, generator_1, output_2, "
               "generator_2, preference 1|2|1.5|0|null}]";
    }
    DatasetKind kind() const override { return DatasetKind::Verdicts; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        if (!record) return 0;
        return hasAllKeys(*record, {"output_1", "output_2", "preference"}) ? 95 : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions& options,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const nlohmann::json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            VerdictRecord v;
            v.at = at;
            auto instruction = f.text({"instruction"}, true);
            auto input = f.text({"input"}, false);
            auto output1 = f.text({"output_1"}, true);
            auto output2 = f.text({"output_2"}, true);
            auto source1 = f.text({"generator_1"}, true);
            auto source2 = f.text({"generator_2"}, true);
            auto judge = f.text({"annotator"}, false);
            auto category = f.text({"dataset"}, false);
            if (!f.ok()) return;
            if (!record.contains("preference")) {
                f.bad("preference", "missing (expected 1, 2, 1.5 or 0 for a tie, or null)");
                return;
            }
            const nlohmann::json& p = record["preference"];
            if (!p.is_null()) {
                // 0 is an old annotators' draw, which AlpacaEval counts as 1.5 (its win rate and
                // its length-controlled GLM both); weighted annotators give values in [1, 2].
                const double value = p.is_number() ? p.get<double>() : -1.0;
                if (!p.is_number() || !std::isfinite(value) ||
                    (value != 0.0 && (value < 1.0 || value > 2.0))) {
                    f.bad("preference",
                          "expected 1 (output_1 better), 2 (output_2 better), 1.5 or 0 "
                          "(tie), or null (no decision), found " +
                              ladder::json::excerpt(p));
                    return;
                }
                v.preference = value == 0.0 ? 1.5 : value;
            }
            if (text::trim(*instruction).empty()) {
                f.bad("instruction", "empty: a verdict needs the instruction it judges");
                return;
            }
            v.instruction = std::move(*instruction);
            v.input = input.value_or("");
            v.output1 = std::move(*output1);
            v.output2 = std::move(*output2);
            v.source1 = std::move(*source1);
            v.source2 = std::move(*source2);
            v.judge = judge && !judge->empty()         ? *judge
                      : options.sourceOverride.empty() ? kDefaultJudge
                                                       : options.sourceOverride;
            v.category = category.value_or("");
            sink.addVerdict(std::move(v));
        });
    }
};

}  // namespace

std::unique_ptr<Importer> makeAlpacaAnnotationsImporter() {
    return std::make_unique<AlpacaAnnotationsImporter>();
}

}  // namespace ladder::data
