// ShareGPT / LLaMA-Factory ranking data: {conversations: [{from, value}], chosen: {from, value},
// rejected: {from, value}, system?}. The conversation (with the system prompt) is the prompt.
#include "core/data/builtin_importers.h"
#include "core/data/importers/pair_rows.h"

namespace ladder::data {
namespace {

using nlohmann::json;

class ShareGptImporter final : public Importer {
public:
    std::string name() const override { return "sharegpt"; }
    std::string description() const override {
        return "ShareGPT / LLaMA-Factory ranking: {conversations, chosen, rejected, system?}";
    }
    DatasetKind kind() const override { return DatasetKind::Pairs; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        return record && hasAllKeys(*record, {"conversations", "chosen", "rejected"}) ? 95 : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions&,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            const json* conversation = f.value({"conversations"}, true);
            const json* chosen = f.value({"chosen"}, true);
            const json* rejected = f.value({"rejected"}, true);
            auto system = f.text({"system"}, false);
            if (!f.ok()) return;
            auto messages = messagesField(f, "conversations", *conversation);
            if (!messages) return;
            if (system && !system->empty())
                messages->insert(messages->begin(), {"system", *system});
            auto c = answer(f, "chosen", *chosen);
            auto r = c ? answer(f, "rejected", *rejected) : std::nullopt;
            if (!c || !r) return;
            addConversationPairRow(f, sink, "conversations", std::move(*messages), std::move(*c),
                                   std::move(*r));
        });
    }

private:
    // One {from, value} message (LLaMA-Factory), a list of them, or plain text.
    static std::optional<std::string> answer(RecordFields& f, const char* field, const json& v) {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_array()) {
            auto messages = messagesField(f, field, v);
            return messages ? completionField(f, field, *messages) : std::nullopt;
        }
        std::string error;
        auto message = readMessage(v, &error);
        if (!message) {
            f.bad(field, error);
            return std::nullopt;
        }
        return completionField(f, field, {*message});
    }
};

}  // namespace

std::unique_ptr<Importer> makeShareGptImporter() {
    return std::make_unique<ShareGptImporter>();
}

}  // namespace ladder::data
