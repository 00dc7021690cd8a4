// TRL preference data: {prompt, chosen, rejected} as strings or as conversational message lists,
// or {chosen, rejected} conversations with an implicit prompt (their shared leading messages).
// LLaMA-Factory's alpaca-style ranking rows {instruction, input, chosen, rejected} read the same
// way.
#include "core/data/builtin_importers.h"
#include "core/data/importers/pair_rows.h"

namespace ladder::data {
namespace {

using nlohmann::json;

class TrlImporter final : public Importer {
public:
    std::string name() const override { return "trl"; }
    std::string description() const override {
        return "TRL preference pairs: {prompt, chosen, rejected}, strings or message lists";
    }
    DatasetKind kind() const override { return DatasetKind::Pairs; }

    int detect(const std::filesystem::path&, std::string_view firstBytes) const override {
        const auto record = firstJsonRecord(firstBytes);
        if (!record || !hasAllKeys(*record, {"chosen", "rejected"})) return 0;
        if (hasAnyKey(*record, {"conversations", "prompt", "instruction"})) {
            return record->contains("conversations") ? 0 : 90;
        }
        // Implicit prompt: both sides are message lists.
        return (*record)["chosen"].is_array() ? 80 : 0;
    }

    void import(const std::filesystem::path& path, const ImportOptions&,
                ImportSink& sink) const override {
        forEachJsonRecord(path, sink, [&](const json& record, const RowLocation& at) {
            RecordFields f(record, at, sink);
            if (!f.isObject()) return;
            const json* chosen = f.value({"chosen"}, true);
            const json* rejected = f.value({"rejected"}, true);
            if (!f.ok()) return;
            if (f.presentName({"prompt"})) {
                explicitPrompt(f, sink, *f.value({"prompt"}, true), *chosen, *rejected);
            } else if (f.presentName({"instruction"})) {
                auto instruction = f.text({"instruction"}, true);
                auto input = f.text({"input"}, false);
                auto c = answer(f, "chosen", *chosen);
                auto r = answer(f, "rejected", *rejected);
                if (!f.ok()) return;
                addPairRow(f, sink, "instruction", *instruction, input.value_or(""), *c, *r);
            } else {
                implicitPrompt(f, sink, *chosen, *rejected);
            }
        });
    }

private:
    // An answer: a string, or a list of assistant messages.
    static std::optional<std::string> answer(RecordFields& f, const char* field, const json& v) {
        if (v.is_string()) return v.get<std::string>();
        auto messages = messagesField(f, field, v);
        if (!messages) return std::nullopt;
        return completionField(f, field, *messages);
    }

    static void explicitPrompt(RecordFields& f, ImportSink& sink, const json& prompt,
                               const json& chosen, const json& rejected) {
        std::optional<std::vector<Message>> messages;
        if (!prompt.is_string()) {
            messages = messagesField(f, "prompt", prompt);
            if (!messages) return;
        }
        auto c = answer(f, "chosen", chosen);
        auto r = answer(f, "rejected", rejected);
        if (!f.ok()) return;
        if (messages) {
            addConversationPairRow(f, sink, "prompt", std::move(*messages), std::move(*c),
                                   std::move(*r));
        } else {
            addPairRow(f, sink, "prompt", prompt.get<std::string>(), {}, std::move(*c),
                       std::move(*r));
        }
    }

    static void implicitPrompt(RecordFields& f, ImportSink& sink, const json& chosen,
                               const json& rejected) {
        if (chosen.is_string()) {
            f.bad("prompt",
                  "missing: string pairs need a `prompt` (for full HH-RLHF dialogues "
                  "use --format hh-rlhf)");
            return;
        }
        auto c = messagesField(f, "chosen", chosen);
        auto r = c ? messagesField(f, "rejected", rejected) : std::nullopt;
        if (!c || !r) return;
        std::size_t shared = 0;
        while (shared < c->size() && shared < r->size() && (*c)[shared].role == (*r)[shared].role &&
               (*c)[shared].content == (*r)[shared].content) {
            ++shared;
        }
        // The answers start at the first assistant message after the shared prefix.
        while (shared > 0 && (*c)[shared - 1].role == "assistant") --shared;
        if (shared == 0) {
            f.bad("chosen",
                  "the two conversations share no leading user message, so there is "
                  "no common prompt; give it in a `prompt` field");
            return;
        }
        std::vector<Message> prompt(c->begin(), c->begin() + std::ptrdiff_t(shared));
        const std::vector<Message> chosenTail(c->begin() + std::ptrdiff_t(shared), c->end());
        const std::vector<Message> rejectedTail(r->begin() + std::ptrdiff_t(shared), r->end());
        auto chosenText = completionField(f, "chosen", chosenTail);
        auto rejectedText =
            chosenText ? completionField(f, "rejected", rejectedTail) : std::nullopt;
        if (!chosenText || !rejectedText) return;
        addConversationPairRow(f, sink, "chosen", std::move(prompt), std::move(*chosenText),
                               std::move(*rejectedText));
    }
};

}  // namespace

std::unique_ptr<Importer> makeTrlImporter() {
    return std::make_unique<TrlImporter>();
}

}  // namespace ladder::data
