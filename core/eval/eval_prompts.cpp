// loadEvalPrompts(): the reference's answers, filtered to the held-out prompts, evenly thinned.
#include "core/eval/eval_prompts.h"

#include <set>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/data/catalog.h"

namespace ladder::eval {
namespace {

bool selectsPairs(const pairs::PairSelection& s) {
    return s.ladderId || !s.ladder.empty() || !s.datasetIds.empty();
}

}  // namespace

std::string describePromptSet(const PromptSetOptions& options) {
    const auto& s = options.heldoutOf;
    std::string out;
    if (!selectsPairs(s)) {
        out = "prompts answered by " + options.reference;
    } else if (!s.ladder.empty()) {
        out = "held-out prompts of ladder " + s.ladder;
    } else if (s.ladderId) {
        out = "held-out prompts of ladder " + std::to_string(*s.ladderId);
    } else {
        out = "held-out prompts of the pair datasets";
    }
    if (options.limit > 0) out += " (up to " + std::to_string(options.limit) + ")";
    return out;
}

std::vector<EvalPrompt> sourceAnswers(store::Database& db, const std::string& source) {
    const auto sourceId = data::findSource(db, source);
    if (!sourceId) {
        const std::string known =
            text::join(data::listSources(db), ", ",
                       [](const data::SourceInfo& s) -> std::string_view { return s.name; });
        throw Error("the source '" + source + "' is not in " + db.path().string() +
                    " (sources: " + (known.empty() ? "none" : known) +
                    "): import its answers first, or choose another");
    }
    auto s = db.prepare(
        "SELECT p.id, p.instruction, p.input, COALESCE(p.category, ''), r.text, p.messages_json "
        "FROM responses r "
        "JOIN prompts p ON p.id = r.prompt_id LEFT JOIN datasets d ON d.id = r.dataset_id "
        "WHERE r.source_id = ? AND (d.id IS NULL OR (d.kind = 'responses' AND d.state = 'complete')) "
        "ORDER BY p.id, r.id");
    s.bind(1, *sourceId);
    std::vector<EvalPrompt> out;
    while (s.step()) {
        const std::int64_t id = s.int64(0);
        if (!out.empty() && out.back().promptId == id) continue;  // its first answer
        EvalPrompt prompt{id, s.text(1), s.text(2), s.text(3), s.text(4), {}};
        if (const auto stored = s.optText(5)) {
            std::string error;
            auto messages = data::messagesFromJson(*stored, &error);
            if (!messages) {
                throw Error(db.path().string() + ": prompt " + std::to_string(id) + ": " + error);
            }
            prompt.messages = std::move(*messages);
        }
        out.push_back(std::move(prompt));
    }
    return out;
}

std::vector<EvalPrompt> loadEvalPrompts(store::Database& db, const PromptSetOptions& options) {
    std::vector<EvalPrompt> all = sourceAnswers(db, options.reference);
    if (selectsPairs(options.heldoutOf)) {
        pairs::PairSelection selection = options.heldoutOf;
        selection.split = "heldout";
        std::set<std::int64_t> heldout;
        for (const auto& p : pairs::loadTrainingPairs(db, selection)) heldout.insert(p.promptId);
        std::erase_if(all, [&](const EvalPrompt& p) { return !heldout.count(p.promptId); });
    }
    if (all.empty()) {
        throw Error("no prompts to evaluate on in " + db.path().string() + ": there are no " +
                    describePromptSet(options) +
                    (selectsPairs(options.heldoutOf)
                         ? " that " + options.reference +
                               " answered (build pairs with a held-out share, or evaluate on "
                               "every prompt)"
                         : ""));
    }
    const auto limit = static_cast<std::size_t>(std::max(0, options.limit));
    if (limit == 0 || limit >= all.size()) return all;
    std::vector<EvalPrompt> subset;
    subset.reserve(limit);
    for (std::size_t i = 0; i < limit; ++i) {
        subset.push_back(std::move(all[i * all.size() / limit]));
    }
    return subset;
}

}  // namespace ladder::eval
