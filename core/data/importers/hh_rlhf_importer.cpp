// Anthropic HH-RLHF: {chosen, rejected}, each a full dialogue "\n\nHuman: ...\n\nAssistant: ...";
// the dialogue the two share up to their last common "Assistant:" turn is the prompt.
#include "core/data/builtin_importers.h"
#include "core/data/importers/pair_rows.h"

namespace ladder::data {
namespace {

class HhRlhfImporter final : public Importer {
public:
    std::string name() const override { return "hh-rlhf"; }
    std::string description() const override {
        return "Anthropic HH-RLHF: {chosen, rejected} full \"Human:/Assistant:\" dialogues";
    }
    DatasetKind kind() const override { return DatasetKind::Pairs; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        if (!record || !hasAllKeys(*record, {"chosen", "rejected"}) ||
            hasAnyKey(*record, {"prompt", "instruction", "conversations"})) {
            return 0;
        }
        const auto& chosen = (*record)["chosen"];
        return chosen.is_string() &&
                       chosen.get<std::string>().find("Assistant:") != std::string::npos
                   ? 90
                   : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions&,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const nlohmann::json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            auto chosen = f.text({"chosen"}, true);
            auto rejected = f.text({"rejected"}, true);
            if (!f.ok()) return;
            std::string error;
            auto split = splitDialogues(*chosen, *rejected, &error);
            if (!split) {
                f.bad("chosen", error);
                return;
            }
            addPairRow(f, sink, "chosen", std::move(split->prompt), {}, std::move(split->chosen),
                       std::move(split->rejected), {}, std::move(split->messages));
        });
    }
};

}  // namespace

std::unique_ptr<Importer> makeHhRlhfImporter() {
    return std::make_unique<HhRlhfImporter>();
}

}  // namespace ladder::data
