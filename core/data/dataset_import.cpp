#include "core/data/dataset_import.h"

#include <chrono>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/common/log.h"
#include "core/common/random.h"
#include "core/data/bulk_write.h"
#include "core/data/prompt_key.h"
#include "core/store/owner_lock.h"
#include "core/store/workspace_files.h"

namespace ladder::data {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Caches only speed up lookups (the database is the truth), so they are emptied when they grow
// past this many entries: a huge file costs bounded memory.
constexpr std::size_t kCacheLimit = 200'000;

std::string location(const fs::path& file, const RowLocation& at) {
    return file.filename().string() + ":" + std::to_string(at.line) + " (row " +
           std::to_string(at.row) + ")";
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// An import commits every this many rows or this many seconds, whichever comes first: a long
// import must not hold the write lock for long (a training run's metrics wait for it).
constexpr std::int64_t kChunkRows = 20'000;
constexpr double kChunkSeconds = 0.25;

// Writes what an importer reads into the workspace: prompts matched by key, sources by name,
// answers, pairs and verdicts, all under one dataset row, committing the caller's transaction in
// chunks (the dataset stays 'importing' until the caller's last commit).
class DatasetWriter final : public ImportSink {
public:
    DatasetWriter(store::Database& db, store::Transaction& tx, ImportResult& result,
                  std::string file, const ImportOptions& options)
        : m_db(db),
          m_tx(tx),
          m_result(result),
          m_file(std::move(file)),
          m_options(options),
          m_findPrompt(db.prepare("SELECT id FROM prompts WHERE match_key = ?")),
          m_insertPrompt(db.prepare(
              "INSERT INTO prompts(match_key, instruction, input, category, messages_json) "
              "VALUES (?, ?, ?, ?, ?)")),
          m_findSource(db.prepare("SELECT id FROM sources WHERE name = ?")),
          m_insertSource(db.prepare("INSERT INTO sources(name) VALUES (?)")),
          m_insertResponse(db.prepare("INSERT INTO responses(prompt_id, source_id, dataset_id, "
                                      "row_index, text) VALUES (?, ?, ?, ?, ?)")),
          m_responseText(db.prepare("SELECT text FROM responses WHERE id = ?")),
          m_insertPair(db.prepare(
              "INSERT INTO pairs(ladder_id, dataset_id, prompt_id, chosen_id, rejected_id, tier, "
              "rank_gap, difficulty, split, truncated, created_at) "
              "VALUES (NULL, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?)")),
          m_insertVerdict(db.prepare(
              "INSERT INTO verdicts(judge, prompt_id, response_1_id, response_2_id, preference, "
              "dataset_id, row_index) VALUES (?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT(judge, response_1_id, response_2_id) DO UPDATE SET "
              "preference = excluded.preference, row_index = excluded.row_index")),
          m_now(clock::nowIso()) {
        // A workspace of modest size lends all its prompts to the cache: no lookup per row.
        if (db.queryInt64("SELECT count(*) FROM prompts") <
            static_cast<std::int64_t>(kCacheLimit)) {
            auto all = db.prepare("SELECT match_key, id FROM prompts");
            while (all.step()) m_prompts.emplace(all.text(0), all.int64(1));
            m_allPromptsCached = true;
        }
        m_lastPromptId = db.queryInt64("SELECT coalesce(max(id), 0) FROM prompts");
        m_chunkStart = std::chrono::steady_clock::now();
    }

    void addResponse(ResponseRecord&& r) override {
        const Prompt p = prompt(r.instruction, r.input, r.category);
        response(p.id, source(r.source), r.output, r.at);
        ++m_result.rows;
        rowDone();
    }

    void addPair(PairRecord&& r) override {
        const Prompt p = prompt(r.instruction, r.input, r.category, &r.messages);
        const std::string& name = m_result.datasetName;
        const std::int64_t chosen = response(p.id, source(name + "/chosen"), r.chosen, r.at);
        const std::int64_t rejected = response(p.id, source(name + "/rejected"), r.rejected, r.at);
        m_insertPair.bind(1, m_result.datasetId)
            .bind(2, p.id)
            .bind(3, chosen)
            .bind(4, rejected)
            .bind(5, name)
            .bind(6, splitFor(p.key, m_options.heldoutFraction))
            .bind(7, m_now)
            .run();
        ++m_result.pairs;
        ++m_result.rows;
        rowDone();
    }

    void addVerdict(VerdictRecord&& r) override {
        const Prompt p = prompt(r.instruction, r.input, r.category);
        const std::int64_t first = response(p.id, source(r.source1), r.output1, r.at);
        const std::int64_t second = response(p.id, source(r.source2), r.output2, r.at);
        m_insertVerdict.bind(1, r.judge)
            .bind(2, p.id)
            .bind(3, first)
            .bind(4, second)
            .bind(5, r.preference)
            .bind(6, m_result.datasetId)
            .bind(7, r.at.row)
            .run();
        ++m_result.verdicts;
        ++m_result.rows;
        rowDone();
    }

    // Copies the per-source counts into the result, by source name.
    void finish() {
        for (const auto& [id, n] : m_answersBySource)
            m_result.answersBySource[m_sourceNames.at(id)] = n;
    }

    void badRow(const BadRow& bad) override {
        std::string where = location(m_file, bad.at);
        if (!bad.field.empty()) where += ", field `" + bad.field + "`";
        if (m_options.onBadRow == BadRowPolicy::Abort) {
            throw Error(where + ": " + bad.message +
                        ". Nothing of this file was imported: fix the row, or import with "
                        "--on-bad-row skip to leave bad rows out and list them");
        }
        ++m_result.skippedRows;
        if (m_result.badRows.size() < kListedBadRows) m_result.badRows.push_back(bad);
        log::get("data")->debug("skipped {}: {}", where, bad.message);
    }

private:
    struct Prompt {
        std::int64_t id;
        std::string key;
    };

    // Commits a chunk when it is full or old. Between chunks another process may add prompts:
    // then a miss in the cache no longer proves that a prompt is new.
    void rowDone() {
        if (++m_rowsInChunk < kChunkRows && (m_rowsInChunk % 256 != 0 ||
                                             secondsSince(m_chunkStart) < kChunkSeconds)) {
            return;
        }
        m_db.prepare("UPDATE datasets SET row_count = ?, skipped_rows = ? WHERE id = ?")
            .bind(1, m_result.rows)
            .bind(2, m_result.skippedRows)
            .bind(3, m_result.datasetId)
            .run();
        m_tx.commitAndContinue();
        if (m_allPromptsCached &&
            m_db.queryInt64("SELECT coalesce(max(id), 0) FROM prompts") != m_lastPromptId) {
            m_allPromptsCached = false;
        }
        m_rowsInChunk = 0;
        m_chunkStart = std::chrono::steady_clock::now();
    }

    // messages: the prompt as a conversation (kept beside its transcript), if it is one.
    Prompt prompt(const std::string& instruction, const std::string& input,
                  const std::string& category, const std::vector<Message>* messages = nullptr) {
        std::string key = matchKey(instruction, input);
        if (const auto it = m_prompts.find(key); it != m_prompts.end()) return {it->second, key};
        std::int64_t id = 0;
        if (!m_allPromptsCached) {
            m_findPrompt.bind(1, key);
            if (m_findPrompt.step()) id = m_findPrompt.int64(0);
            m_findPrompt.reset();
        }
        if (id == 0) {
            m_insertPrompt.bind(1, key).bind(2, instruction).bind(3, input);
            if (category.empty()) {
                m_insertPrompt.bind(4, nullptr);
            } else {
                m_insertPrompt.bind(4, category);
            }
            if (messages && !messages->empty()) {
                m_insertPrompt.bind(5, messagesToJson(*messages));
            } else {
                m_insertPrompt.bind(5, nullptr);
            }
            m_insertPrompt.run();
            id = m_db.lastInsertId();
            m_lastPromptId = id;
        }
        if (m_prompts.size() >= kCacheLimit) {
            m_prompts.clear();
            m_allPromptsCached = false;
        }
        m_prompts.emplace(key, id);
        return {id, std::move(key)};
    }

    std::int64_t source(const std::string& name) {
        if (const auto it = m_sources.find(name); it != m_sources.end()) return it->second;
        std::int64_t id = 0;
        m_findSource.bind(1, name);
        if (m_findSource.step()) id = m_findSource.int64(0);
        m_findSource.reset();
        if (id == 0) {
            m_insertSource.bind(1, name).run();
            id = m_db.lastInsertId();
        }
        m_sources.emplace(name, id);
        m_sourceNames.emplace(id, name);
        return id;
    }

    // One response per (prompt, source, text) within this dataset; a repeated row reuses it. Only
    // a (prompt, source) seen before needs its texts compared, so most rows cost one map insert.
    std::int64_t response(std::int64_t promptId, std::int64_t sourceId, const std::string& text,
                          const RowLocation& at) {
        auto [it, fresh] = m_responses.try_emplace(PromptSource{promptId, sourceId});
        if (!fresh) {
            for (const std::int64_t candidate : it->second) {
                m_responseText.bind(1, candidate);
                const bool same = m_responseText.step() && m_responseText.textView(0) == text;
                m_responseText.reset();
                if (same) {
                    ++m_result.duplicateAnswers;
                    return candidate;
                }
            }
        }
        m_insertResponse.bind(1, promptId)
            .bind(2, sourceId)
            .bind(3, m_result.datasetId)
            .bind(4, at.row)
            .bind(5, text)
            .run();
        const std::int64_t id = m_db.lastInsertId();
        it->second.push_back(id);
        if (m_responses.size() >= kCacheLimit) m_responses.clear();
        ++m_answersBySource[sourceId];
        ++m_result.responses;
        return id;
    }

    struct PromptSource {
        std::int64_t prompt;
        std::int64_t source;
        bool operator==(const PromptSource&) const = default;
    };
    struct PromptSourceHash {
        std::size_t operator()(const PromptSource& k) const {
            return static_cast<std::size_t>(random::keyed(static_cast<std::uint64_t>(k.prompt),
                                                          static_cast<std::uint64_t>(k.source)));
        }
    };

    store::Database& m_db;
    store::Transaction& m_tx;
    ImportResult& m_result;
    std::string m_file;
    const ImportOptions& m_options;
    store::Statement m_findPrompt, m_insertPrompt, m_findSource, m_insertSource, m_insertResponse,
        m_responseText, m_insertPair, m_insertVerdict;
    std::string m_now;
    std::unordered_map<std::string, std::int64_t> m_prompts;
    bool m_allPromptsCached = false;  // m_prompts holds every prompt: a miss is a new prompt
    std::int64_t m_lastPromptId = 0;  // the highest prompt id when this chunk began (or ours)
    std::int64_t m_rowsInChunk = 0;
    std::chrono::steady_clock::time_point m_chunkStart;
    std::unordered_map<std::string, std::int64_t> m_sources;
    std::unordered_map<std::int64_t, std::string> m_sourceNames;
    std::unordered_map<std::int64_t, std::int64_t> m_answersBySource;
    std::unordered_map<PromptSource, std::vector<std::int64_t>, PromptSourceHash> m_responses;
};

// A name no other dataset has: "gpt4.model_outputs", else "gpt4.model_outputs-2", ...
std::string uniqueDatasetName(store::Database& db, const std::string& wanted) {
    auto taken = db.prepare("SELECT 1 FROM datasets WHERE name = ?");
    std::string name = wanted.empty() ? "dataset" : wanted;
    for (int n = 2;; ++n) {
        taken.bind(1, name);
        const bool exists = taken.step();
        taken.reset();
        if (!exists) return name;
        name = wanted + "-" + std::to_string(n);
    }
}

enum class Existing { None, Complete, ImportingNow, Abandoned };

// The dataset with this content, if any: complete, being imported by a live process now, or left
// 'importing' by a process that is gone (killed half way; result.datasetId names it).
Existing findExisting(store::Database& db, const std::string& contentHash, ImportResult& result) {
    auto s = db.prepare(
        "SELECT id, name, format, kind, row_count, skipped_rows, state FROM datasets "
        "WHERE content_hash = ?");
    s.bind(1, contentHash);
    if (!s.step()) return Existing::None;
    const std::int64_t id = s.int64(0);
    if (s.text(6) == "importing") {
        const std::int64_t rowsSoFar = s.int64(4);
        const std::string name = s.text(1);
        s.reset();
        result.datasetId = id;
        result.datasetName = name;
        result.rows = rowsSoFar;
        return store::lockHeld(store::importLockFile(db.path(), id)).value_or(false)
                   ? Existing::ImportingNow
                   : Existing::Abandoned;
    }
    result.alreadyImported = true;
    result.datasetId = id;
    result.datasetName = s.text(1);
    result.format = s.text(2);
    result.kind = datasetKindFromString(s.text(3));
    result.rows = s.int64(4);
    result.skippedRows = s.int64(5);
    return Existing::Complete;
}

json reportJson(const ImportResult& r) {
    json bad = json::array();
    for (const BadRow& b : r.badRows) {
        bad.push_back(
            {{"row", b.at.row}, {"line", b.at.line}, {"field", b.field}, {"message", b.message}});
    }
    return {{"rows", r.rows},
            {"skipped_rows", r.skippedRows},
            {"bad_rows", bad},
            {"responses", r.responses},
            {"duplicate_answers", r.duplicateAnswers},
            {"pairs", r.pairs},
            {"verdicts", r.verdicts},
            {"new_prompts", r.newPrompts},
            {"matched_prompts", r.matchedPrompts},
            {"answers_by_source", r.answersBySource},
            {"importer", r.importerOrigin},
            {"seconds", r.seconds}};
}

// Writes the dataset row ('importing', in a short transaction of its own that also checks no
// other process imports or has imported the same content), runs the producer through a
// DatasetWriter that commits in chunks, then finishes the counts and marks the dataset complete.
// The dataset is one logical import: on an exception (or, for a killed process, at the next
// import of the file) everything it wrote is rolled back. False when nothing was to be done
// (result.alreadyImported).
bool writeDataset(store::Database& db, ImportResult& result, const std::string& path,
                  const std::string& contentHash, const ImportOptions& options,
                  const std::function<void(ImportSink&)>& produce) {
    const auto start = std::chrono::steady_clock::now();
    store::OwnerLock lock;
    std::int64_t lastPromptBefore = 0;
    const std::string wantedName = result.datasetName;
    for (;;) {
        store::Transaction tx(db);
        const Existing existing = findExisting(db, contentHash, result);
        if (existing == Existing::Complete) return false;
        if (existing == Existing::ImportingNow) {
            throw Error(result.file + " is being imported into " + db.path().string() +
                        " by another process right now (dataset #" +
                        std::to_string(result.datasetId) + " \"" + result.datasetName +
                        "\"): wait for it to finish; it is then imported once");
        }
        if (existing == Existing::Abandoned) {
            // Killed half way: roll it back (in chunks, outside this transaction), then again.
            tx.commit();
            const std::int64_t abandoned = result.datasetId;
            rollbackImport(db, abandoned);
            log::get("data")->warn("an interrupted import of {} (dataset {}, {} rows committed) was "
                                   "rolled back; importing it again",
                                   result.file, abandoned, result.rows);
            result.rows = 0;
            result.datasetName = wantedName;
            continue;
        }
        lastPromptBefore = db.queryInt64("SELECT coalesce(max(id), 0) FROM prompts");
        const std::int64_t lastSourceBefore =
            db.queryInt64("SELECT coalesce(max(id), 0) FROM sources");
        result.datasetName = uniqueDatasetName(db, result.datasetName);
        db.prepare(
              "INSERT INTO datasets(name, path, format, kind, content_hash, source_override, "
              "imported_at, state, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, 'importing', ?)")
            .bind(1, result.datasetName)
            .bind(2, path)
            .bind(3, result.format)
            .bind(4, toString(result.kind))
            .bind(5, contentHash)
            .bind(6, options.sourceOverride.empty() ? std::optional<std::string>()
                                                    : std::optional(options.sourceOverride))
            .bind(7, clock::nowIso())
            .bind(8, json{{"rollback", {{"prompts_after", lastPromptBefore},
                                        {"sources_after", lastSourceBefore}}}}
                         .dump())
            .run();
        result.datasetId = db.lastInsertId();
        lock = store::OwnerLock::tryAcquire(store::importLockFile(db.path(), result.datasetId));
        if (!lock.held()) {
            throw Error("the import lock " +
                        store::importLockFile(db.path(), result.datasetId).string() +
                        " is held by another process (a leftover of another workspace?)");
        }
        tx.commit();
        break;
    }

    try {
        // Every id it writes was just read or inserted, and it deletes nothing.
        BulkWrite bulk(db, BulkWrite::ForeignKeys::SkipChecks);
        store::Transaction tx(db);
        DatasetWriter writer(db, tx, result, path, options);
        produce(writer);
        writer.finish();

        auto prompts = db.prepare(
            "SELECT count(DISTINCT prompt_id), "
            "count(DISTINCT CASE WHEN prompt_id <= ? THEN prompt_id END) "
            "FROM responses WHERE dataset_id = ?");
        prompts.bind(1, lastPromptBefore).bind(2, result.datasetId);
        prompts.step();
        result.matchedPrompts = prompts.int64(1);
        result.newPrompts = prompts.int64(0) - result.matchedPrompts;
        prompts.reset();
        result.seconds = secondsSince(start);

        db.prepare("UPDATE datasets SET row_count = ?, skipped_rows = ?, report_json = ?, "
                   "state = 'complete' WHERE id = ?")
            .bind(1, result.rows)
            .bind(2, result.skippedRows)
            .bind(3, reportJson(result).dump(-1, ' ', false, json::error_handler_t::replace))
            .bind(4, result.datasetId)
            .run();
        tx.commit();
    } catch (...) {
        try {
            rollbackImport(db, result.datasetId);
        } catch (const std::exception& e) {
            log::get("data")->error("{}: rolling back the failed import of {} failed: {} (the next "
                                    "import of the file rolls it back)",
                                    db.path().string(), path, e.what());
        }
        throw;
    }
    return true;
}

}  // namespace

ImportResult importFile(store::Database& db, const fs::path& file, const ImportOptions& options,
                        const ImporterRegistry& registry) {
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        throw Error(file.string() +
                    (fs::exists(file, ec) ? " is not a regular file" : " does not exist") +
                    ": check the path");
    }
    // Before anything reads it: reading the workspace (or its journal) with anything but SQLite
    // would drop this process's locks on it (workspace_files.h).
    store::refuseDatabaseAsInput(file, db.path(), "an import file");
    auto importer =
        options.format.empty() ? registry.detect(file) : registry.create(options.format);

    ImportResult result;
    result.file = file.string();
    result.format = importer->name();
    result.importerOrigin = registry.origin(result.format);
    result.kind = importer->kind();
    // The same bytes read by the same importer with the same source give the same rows.
    std::string key = hash::ofFile(file);
    key = hash::ofBytes(key + '\x1f' + result.format + '\x1f' + options.sourceOverride);
    result.datasetName = options.datasetName.empty() ? file.stem().string() : options.datasetName;
    try {
        if (!writeDataset(db, result, file.string(), key, options,
                          [&](ImportSink& sink) { importer->import(file, options, sink); })) {
            result.file = file.string();
            log::get("data")->info("{} was imported before as dataset {} ({}): nothing to do",
                                   file.string(), result.datasetId, result.datasetName);
            return result;
        }
    } catch (const nlohmann::json::exception& e) {
        // nlohmann throws outside parse() only for a type mix-up an importer missed.
        throw Error(file.string() + ": " + e.what() + " (please report this as a Ladder bug)");
    }
    result.seconds = secondsSince(start);
    log::get("data")->info("imported {} as dataset {} ({}, {}): {} rows, {} skipped, {:.2f} s",
                           file.string(), result.datasetId, result.datasetName, result.format,
                           result.rows, result.skippedRows, result.seconds);
    return result;
}

ImportResult importGenerated(store::Database& db, const GeneratedDataset& dataset,
                             const ImportOptions& options,
                             const std::function<void(ImportSink&)>& produce) {
    ImportResult result;
    result.file = dataset.description;
    result.format = dataset.format;
    result.importerOrigin = "generated";
    result.kind = dataset.kind;
    const std::string key = hash::ofBytes(dataset.format + '\x1f' + dataset.contentKey);
    result.datasetName = dataset.name;
    writeDataset(db, result, dataset.description, key, options, produce);
    return result;
}

void rollbackImport(store::Database& db, std::int64_t datasetId) {
    auto row = db.prepare("SELECT report_json FROM datasets WHERE id = ? AND state = 'importing'");
    row.bind(1, datasetId);
    if (!row.step()) return;  // complete (or gone): nothing to roll back
    const json marks = json::parse(row.optText(0).value_or("{}"), nullptr, false);
    row.reset();
    const auto mark = [&marks](const char* key) -> std::int64_t {
        if (!marks.is_object() || !marks.contains("rollback")) return INT64_MAX;
        const auto& r = marks["rollback"];
        return r.contains(key) && r[key].is_number_integer() ? r[key].get<std::int64_t>() : INT64_MAX;
    };
    const std::int64_t promptsAfter = mark("prompts_after");
    const std::int64_t sourcesAfter = mark("sources_after");
    // In chunks too: rolling back a large import must not hold the write lock for long either.
    store::Transaction tx(db);
    for (const char* table : {"pairs", "verdicts", "responses"}) {
        auto chunk = db.prepare(std::string("DELETE FROM ") + table + " WHERE rowid IN (SELECT "
                                "rowid FROM " + table + " WHERE dataset_id = ? LIMIT 20000)");
        for (;;) {
            chunk.bind(1, datasetId).run();
            if (db.changes() == 0) break;
            tx.commitAndContinue();
        }
    }
    db.prepare("DELETE FROM datasets WHERE id = ?").bind(1, datasetId).run();
    // Prompts and sources this import made and nothing else uses (another import may have
    // matched them meanwhile: those stay).
    db.prepare(
          "DELETE FROM prompts WHERE id > ? AND NOT EXISTS (SELECT 1 FROM responses r WHERE "
          "r.prompt_id = prompts.id) AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.prompt_id = "
          "prompts.id) AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.prompt_id = prompts.id)")
        .bind(1, promptsAfter)
        .run();
    db.prepare(
          "DELETE FROM sources WHERE id > ? AND NOT EXISTS (SELECT 1 FROM responses r WHERE "
          "r.source_id = sources.id) AND NOT EXISTS (SELECT 1 FROM ladder_rungs l WHERE "
          "l.source_id = sources.id)")
        .bind(1, sourcesAfter)
        .run();
    tx.commit();
    std::error_code ec;
    std::filesystem::remove(store::importLockFile(db.path(), datasetId), ec);
}

std::string renderImportResult(const ImportResult& r) {
    std::string out;
    auto line = [&out](const std::string& s) { out += s + "\n"; };
    if (r.alreadyImported) {
        line(r.file + ": already imported as dataset #" + std::to_string(r.datasetId) + " (" +
             r.datasetName + ", " + std::to_string(r.rows) + " rows): nothing to do");
        return out;
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s", r.seconds);
    line(r.file + " -> dataset #" + std::to_string(r.datasetId) + " \"" + r.datasetName + "\" (" +
         r.format + ", " + r.importerOrigin + " importer, " + seconds + ")");
    line("  rows " + std::to_string(r.rows) + ", bad rows skipped " +
         std::to_string(r.skippedRows));
    std::string what = "  answers " + std::to_string(r.responses);
    if (r.pairs > 0) what += ", pairs " + std::to_string(r.pairs);
    if (r.verdicts > 0) what += ", verdicts " + std::to_string(r.verdicts);
    if (r.duplicateAnswers > 0) {
        what += ", repeated answers merged " + std::to_string(r.duplicateAnswers);
    }
    line(what);
    line("  prompts: " + std::to_string(r.matchedPrompts) + " matched to earlier imports, " +
         std::to_string(r.newPrompts) + " new");
    for (const auto& [source, n] : r.answersBySource) {
        line("  source " + source + ": " + std::to_string(n) + " answers");
    }
    for (const BadRow& b : r.badRows) {
        line("  skipped " + describeBadRow(b));
    }
    if (r.skippedRows > static_cast<std::int64_t>(r.badRows.size())) {
        line("  ... and " + std::to_string(r.skippedRows - std::int64_t(r.badRows.size())) +
             " more bad rows (see the dataset report)");
    }
    return out;
}

}  // namespace ladder::data
