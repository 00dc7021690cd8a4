// generateSource(): answers in fixed batches of row numbers (prompt index x samples + sample), each
// batch generated with its own seed and committed whole, so a resumed call redoes exactly the
// batches that are missing and gets the answers an uninterrupted call would have stored.
#include "core/eval/source_generation.h"

#include <chrono>
#include <cstdio>
#include <set>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/common/log.h"
#include "core/model/checkpoint.h"
#include "core/tokenizer/tokenizer.h"
#include "core/data/catalog.h"
#include "core/data/conversation.h"
#include "core/store/owner_lock.h"

namespace ladder::eval {
namespace {
using nlohmann::json;

constexpr const char* kFormat = "generated";

std::uint64_t batchSeed(std::uint64_t seed, std::size_t batch) {
    // splitmix64 of (seed, batch): neighbouring batches draw unrelated numbers.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (batch + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::int64_t ensureSource(store::Database& db, const std::string& name) {
    if (const auto id = data::findSource(db, name)) return *id;
    db.prepare("INSERT INTO sources(name) VALUES (?)").bind(1, name).run();
    return db.lastInsertId();
}

// What decides the answers besides the prompts: the key's content and the stored provenance.
json settingsJson(const SourceGenerationSettings& s) {
    const AnswerOptions& a = s.answers;
    return {{"model_key", s.modelKey},
            {"template", a.templateSetting},
            {"max_new_tokens", a.maxNewTokens},
            {"temperature", a.temperature},
            {"top_p", a.topP},
            {"top_k", a.topK},
            {"seed", a.seed},
            {"batch", a.batchSize},
            {"max_prompt_tokens", a.maxPromptTokens},
            {"samples_per_prompt", s.samplesPerPrompt}};
}

}  // namespace

std::vector<EvalPrompt> workspacePrompts(store::Database& db, int limit) {
    auto s = db.prepare(
        "SELECT id, instruction, input, COALESCE(category, ''), messages_json FROM prompts "
        "ORDER BY id");
    std::vector<EvalPrompt> all;
    while (s.step()) {
        EvalPrompt prompt{s.int64(0), s.text(1), s.text(2), s.text(3), "", {}};
        if (const auto stored = s.optText(4)) {
            std::string error;
            auto messages = data::messagesFromJson(*stored, &error);
            if (!messages) {
                throw Error(db.path().string() + ": prompt " + std::to_string(prompt.promptId) +
                            ": " + error);
            }
            prompt.messages = std::move(*messages);
        }
        all.push_back(std::move(prompt));
    }
    if (all.empty()) {
        throw Error(db.path().string() + " has no prompts yet: import answers or prompts first");
    }
    const auto n = static_cast<std::size_t>(std::max(0, limit));
    if (n == 0 || n >= all.size()) return all;
    std::vector<EvalPrompt> subset;
    for (std::size_t i = 0; i < n; ++i) subset.push_back(std::move(all[i * all.size() / n]));
    return subset;
}

std::string answerModelKey(const model::CausalLMImpl& model, const tokenizer::Tokenizer& tokenizer) {
    hash::Hasher key;
    key.update(model::weightsHash(model));
    key.update(tokenizer.kind() + ":" + std::to_string(tokenizer.vocabSize()));
    return key.hex();
}

std::string progressLine(const SourceGenerationProgress& p) {
    const std::size_t fresh = p.done - p.resumed;
    const std::size_t left = p.total - p.done;
    const double perAnswer = fresh > 0 ? p.seconds / static_cast<double>(fresh) : 0;
    std::string line = "answers " + std::to_string(p.done) + "/" + std::to_string(p.total);
    if (p.resumed) line += " (" + std::to_string(p.resumed) + " from before)";
    char rate[64];
    std::snprintf(rate, sizeof rate, "  %.0f tok/s  ETA ",
                  p.seconds > 0 ? static_cast<double>(p.newTokens) / p.seconds : 0.0);
    line += rate;
    line += fresh ? clock::formatDuration(perAnswer * static_cast<double>(left)) : std::string("--");
    return line;
}

std::string generationKey(const SourceGenerationSettings& s, const std::vector<EvalPrompt>& prompts) {
    json settings = settingsJson(s);
    settings["source"] = s.source;
    hash::Hasher h;
    h.update(std::string(kFormat) + "\n" + settings.dump() + "\n");
    for (const auto& p : prompts) h.update(std::to_string(p.promptId) + ",");
    return h.hex();
}

SourceGenerationResult generateSource(
    store::Database& db, model::CausalLMImpl& model, const tokenizer::Tokenizer& tokenizer,
    const std::vector<EvalPrompt>& prompts, const SourceGenerationSettings& settings,
    const std::function<void(const SourceGenerationProgress&)>& progress,
    const std::atomic<bool>* stop) {
    if (settings.source.empty()) throw Error("give the new source a name (--name SOURCE)");
    if (settings.samplesPerPrompt < 1) throw Error("samples per prompt must be 1 or more");
    if (settings.samplesPerPrompt > 1 && settings.answers.temperature <= 0) {
        throw Error(std::to_string(settings.samplesPerPrompt) +
                    " samples per prompt under greedy decoding would be the same answer " +
                    std::to_string(settings.samplesPerPrompt) +
                    " times: sample (--temperature above 0) or take 1 sample");
    }
    if (prompts.empty()) throw Error("no prompts to answer");
    const std::string key = generationKey(settings, prompts);
    const auto samples = static_cast<std::size_t>(settings.samplesPerPrompt);
    const std::size_t total = prompts.size() * samples;
    const auto batchSize = static_cast<std::size_t>(std::max(1, settings.answers.batchSize));

    SourceGenerationResult result;
    result.progress.total = total;
    store::OwnerLock lock;
    std::set<std::int64_t> stored;  // row numbers already there
    {
        store::Transaction tx(db);
        auto existing = db.prepare("SELECT id, name, state FROM datasets WHERE content_hash = ?");
        existing.bind(1, key);
        if (existing.step()) {
            result.datasetId = existing.int64(0);
            result.datasetName = existing.text(1);
            if (existing.text(2) == "complete") {
                result.alreadyComplete = true;
                result.progress.done = result.progress.resumed = total;
                return result;
            }
        } else {
            // A new source, or one whose answers are all of generations stopped half way: any
            // other answers under the name would mix two models in one rung of a ladder.
            if (const auto id = data::findSource(db, settings.source)) {
                auto other = db.prepare(
                    "SELECT count(*) FROM responses r LEFT JOIN datasets d ON d.id = r.dataset_id "
                    "WHERE r.source_id = ?");
                other.bind(1, *id);
                other.step();
                if (other.int64(0) > 0) {
                    throw Error("the source '" + settings.source + "' already has " +
                                std::to_string(other.int64(0)) + " answers in " +
                                db.path().string() +
                                " (imported, or generated with other settings): give the new "
                                "answers another --name");
                }
            }
            ensureSource(db, settings.source);
            json report = settings.provenance;
            report["generation"] = settingsJson(settings);
            report["generation"]["prompts"] = prompts.size();
            report["generation"]["started_at"] = clock::nowIso();
            db.prepare(
                  "INSERT INTO datasets(name, path, format, kind, content_hash, source_override, "
                  "imported_at, state, report_json) VALUES (?, ?, ?, 'responses', ?, ?, ?, "
                  "'importing', ?)")
                .bind(1, settings.source)
                .bind(2, settings.provenance.value("model", std::string()))
                .bind(3, kFormat)
                .bind(4, key)
                .bind(5, settings.source)
                .bind(6, clock::nowIso())
                .bind(7, report.dump())
                .run();
            result.datasetId = db.lastInsertId();
            result.datasetName = settings.source;
        }
        lock = store::OwnerLock::tryAcquire(store::importLockFile(db.path(), result.datasetId));
        if (!lock.held()) {
            throw Error("the answers of '" + settings.source + "' are being generated into " +
                        db.path().string() +
                        " by another process right now: wait for it (or stop it), then run "
                        "the same command to continue");
        }
        auto rows = db.prepare("SELECT row_index FROM responses WHERE dataset_id = ?");
        rows.bind(1, result.datasetId);
        while (rows.step()) stored.insert(rows.int64(0));
        tx.commit();
    }
    result.progress.done = result.progress.resumed = stored.size();
    if (result.progress.resumed > 0) {
        log::get("eval")->info("{}: {} of {} answers of '{}' were stored by an earlier try: "
                               "continuing",
                               db.path().string(), stored.size(), total, settings.source);
    }

    const std::int64_t sourceId = *data::findSource(db, settings.source);
    const auto start = std::chrono::steady_clock::now();
    auto insert = db.prepare(
        "INSERT INTO responses(prompt_id, source_id, dataset_id, row_index, text) "
        "VALUES (?, ?, ?, ?, ?)");
    for (std::size_t first = 0; first < total; first += batchSize) {
        const std::size_t end = std::min(total, first + batchSize);
        bool whole = true;
        for (std::size_t row = first; row < end && whole; ++row) {
            whole = stored.count(static_cast<std::int64_t>(row)) > 0;
        }
        if (whole) continue;
        if (stop && stop->load()) {
            result.stopped = true;
            break;
        }
        std::vector<Instruction> batch;
        for (std::size_t row = first; row < end; ++row) {
            const EvalPrompt& p = prompts[row / samples];
            batch.push_back({p.instruction, p.input, p.messages});
        }
        AnswerOptions options = settings.answers;
        options.batchSize = static_cast<int>(batch.size());
        options.seed = batchSeed(settings.answers.seed, first / batchSize);
        const auto answers = generateAnswers(model, tokenizer, batch, options);
        store::Transaction tx(db);
        for (std::size_t row = first; row < end; ++row) {
            if (stored.count(static_cast<std::int64_t>(row))) continue;  // never twice
            const auto& answer = answers[row - first];
            insert.bind(1, prompts[row / samples].promptId)
                .bind(2, sourceId)
                .bind(3, result.datasetId)
                .bind(4, static_cast<std::int64_t>(row))
                .bind(5, answer.text)
                .run();
            result.progress.newTokens += static_cast<std::int64_t>(answer.tokens.size());
            ++result.progress.done;
        }
        db.prepare("UPDATE datasets SET row_count = ? WHERE id = ?")
            .bind(1, static_cast<std::int64_t>(result.progress.done))
            .bind(2, result.datasetId)
            .run();
        tx.commit();
        result.progress.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (progress) progress(result.progress);
    }
    result.progress.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result.stopped) {
        store::Transaction tx(db);
        auto count = db.prepare("SELECT count(*) FROM responses WHERE dataset_id = ?");
        count.bind(1, result.datasetId);
        count.step();
        if (count.int64(0) != static_cast<std::int64_t>(total)) {
            throw Error("generating '" + settings.source + "': " + std::to_string(count.int64(0)) +
                        " answers stored, " + std::to_string(total) +
                        " expected (this is a bug in Ladder)");
        }
        db.prepare("UPDATE datasets SET state = 'complete', row_count = ? WHERE id = ?")
            .bind(1, static_cast<std::int64_t>(total))
            .bind(2, result.datasetId)
            .run();
        tx.commit();
    }
    return result;
}

}  // namespace ladder::eval
