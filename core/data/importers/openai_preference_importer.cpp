// OpenAI preference fine-tuning data: {input: {messages}, preferred_output: [assistant message],
// non_preferred_output: [assistant message]}.
#include "core/data/builtin_importers.h"
#include "core/data/importers/pair_rows.h"

namespace ladder::data {
namespace {

using nlohmann::json;

class OpenAiPreferenceImporter final : public Importer {
public:
    std::string name() const override { return "openai-preference"; }
    std::string description() const override {
        return "OpenAI preference fine-tuning: {input.messages, preferred_output, "
               "non_preferred_output}";
    }
    DatasetKind kind() const override { return DatasetKind::Pairs; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        return record && hasAllKeys(*record, {"input", "preferred_output", "non_preferred_output"})
                   ? 95
                   : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions&,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            const json* input = f.value({"input"}, true);
            const json* preferred = f.value({"preferred_output"}, true);
            const json* other = f.value({"non_preferred_output"}, true);
            if (!f.ok()) return;
            if (!input->is_object() || !input->contains("messages")) {
                f.bad("input", "expected an object with `messages`");
                return;
            }
            auto messages = messagesField(f, "input.messages", (*input)["messages"]);
            if (!messages) return;
            auto chosen = messagesField(f, "preferred_output", *preferred);
            auto rejected =
                chosen ? messagesField(f, "non_preferred_output", *other) : std::nullopt;
            if (!chosen || !rejected) return;
            auto c = completionField(f, "preferred_output", *chosen);
            auto r = c ? completionField(f, "non_preferred_output", *rejected) : std::nullopt;
            if (!c || !r) return;
            addConversationPairRow(f, sink, "input.messages", std::move(*messages), std::move(*c),
                                   std::move(*r));
        });
    }
};

}  // namespace

std::unique_ptr<Importer> makeOpenAiPreferenceImporter() {
    return std::make_unique<OpenAiPreferenceImporter>();
}

}  // namespace ladder::data
