// The workspace schema as a list of forward-only migrations. A released migration is never edited:
// a change is a new entry at the end, applied in its own transaction.
#include "core/store/schema.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/store/workspace.h"

namespace ladder::store {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE workspace_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Imported files. content_hash makes import idempotent.
CREATE TABLE datasets (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    format          TEXT NOT NULL,
    -- what the file held: answers of sources, ready-made pairs, or a judge's verdicts. Only
    -- 'responses' datasets feed ladder pairs (a verdict file's answers are the judged texts).
    kind            TEXT NOT NULL DEFAULT 'responses'
                    CHECK (kind IN ('responses', 'pairs', 'verdicts')),
    content_hash    TEXT NOT NULL UNIQUE,
    source_override TEXT,
    row_count       INTEGER NOT NULL DEFAULT 0,
    skipped_rows    INTEGER NOT NULL DEFAULT 0,
    report_json     TEXT,
    imported_at     TEXT NOT NULL
);

-- Models (or people) whose answers were imported.
CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    note TEXT
);

-- One row per distinct prompt; match_key is the normalised instruction + input that answers of
-- different sources are matched by.
CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY,
    match_key   TEXT NOT NULL UNIQUE,
    instruction TEXT NOT NULL,
    input       TEXT NOT NULL DEFAULT '',
    category    TEXT
);

CREATE TABLE responses (
    id         INTEGER PRIMARY KEY,
    prompt_id  INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
    row_index  INTEGER,
    text       TEXT NOT NULL
);
CREATE INDEX responses_by_prompt ON responses(prompt_id, source_id);
CREATE INDEX responses_by_source ON responses(source_id);
CREATE INDEX responses_by_dataset ON responses(dataset_id);

-- A ladder ranks sources: rank 1 is the strongest; equal ranks are ties (no pair between them).
CREATE TABLE ladders (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE ladder_rungs (
    ladder_id INTEGER NOT NULL REFERENCES ladders(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    rank      INTEGER NOT NULL,
    PRIMARY KEY (ladder_id, source_id)
);

-- Preference pairs, built from a ladder (ladder_id) or imported as pairs (dataset_id).
CREATE TABLE pairs (
    id              INTEGER PRIMARY KEY,
    ladder_id       INTEGER REFERENCES ladders(id) ON DELETE CASCADE,
    dataset_id      INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
    prompt_id       INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
    chosen_id       INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    rejected_id     INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    tier            TEXT NOT NULL,
    rank_gap        INTEGER NOT NULL DEFAULT 0,
    difficulty      REAL NOT NULL DEFAULT 0,
    split           TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'heldout')),
    truncated       INTEGER NOT NULL DEFAULT 0,
    provenance_json TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (ladder_id, chosen_id, rejected_id)
);
CREATE INDEX pairs_by_tier ON pairs(ladder_id, tier);
CREATE INDEX pairs_by_prompt ON pairs(prompt_id);
CREATE INDEX pairs_by_dataset ON pairs(dataset_id);

-- An annotator's decision on a pair; no row (or NULL status) means not reviewed.
CREATE TABLE pair_annotations (
    pair_id    INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
    status     TEXT CHECK (status IN ('keep', 'flip', 'tie', 'discard')),
    note       TEXT NOT NULL DEFAULT '',
    annotator  TEXT,
    updated_at TEXT NOT NULL
);

-- A judge's decision between two responses to one prompt (AlpacaEval convention):
-- preference 1 = response_1 better, 2 = response_2 better, 1.5 = tie, NULL = no decision.
CREATE TABLE verdicts (
    id            INTEGER PRIMARY KEY,
    judge         TEXT NOT NULL,
    prompt_id     INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
    response_1_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    response_2_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    preference    REAL,
    dataset_id    INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
    row_index     INTEGER,
    UNIQUE (judge, response_1_id, response_2_id)
);
CREATE INDEX verdicts_by_prompt ON verdicts(prompt_id);

CREATE TABLE curricula (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    spec_json  TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A training run with its full configuration, so that two runs' settings can be compared.
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    method          TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'paused', 'finished', 'failed', 'stopped')),
    config_json     TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    program_version TEXT NOT NULL,
    device          TEXT NOT NULL,
    total_steps     INTEGER NOT NULL DEFAULT 0,
    last_step       INTEGER NOT NULL DEFAULT 0,
    message         TEXT,
    parent_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    pid             INTEGER,
    host            TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    ended_at        TEXT,
    heartbeat_at    TEXT
);

CREATE TABLE metric_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
-- Per-step metrics. value is NULL where the metric was NaN (SQLite has no NaN).
-- id (the rowid) grows with every insert and, AUTOINCREMENT, is never reused: a follower reads
-- "rows after the last one it saw", the steps a resumed run deletes and writes again included.
CREATE TABLE metrics (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step      INTEGER NOT NULL,
    name_id   INTEGER NOT NULL REFERENCES metric_names(id),
    value     REAL,
    wall_time REAL NOT NULL
);
CREATE INDEX metrics_by_run ON metrics(run_id, name_id, step);

-- Checkpoint folders live beside the workspace file; path is relative to that folder.
CREATE TABLE checkpoints (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step       INTEGER NOT NULL,
    path       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'periodic',
    created_at TEXT NOT NULL,
    UNIQUE (run_id, step)
);

-- Win rates of a run (or checkpoint) against a reference source, decided by a judge.
CREATE TABLE evals (
    id               INTEGER PRIMARY KEY,
    run_id           INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    checkpoint_id    INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
    step             INTEGER,
    judge            TEXT NOT NULL,
    reference_source TEXT NOT NULL,
    n                INTEGER NOT NULL DEFAULT 0,
    wins             INTEGER NOT NULL DEFAULT 0,
    ties             INTEGER NOT NULL DEFAULT 0,
    losses           INTEGER NOT NULL DEFAULT 0,
    win_rate         REAL,
    std_error        REAL,
    details_json     TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX evals_by_run ON evals(run_id, step);

-- Generated answers (evaluation, or samples during training), with the judge's verdict against the
-- reference answer where there is one (preference as in verdicts: 2 = the generated answer won).
CREATE TABLE samples (
    id               INTEGER PRIMARY KEY,
    run_id           INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    eval_id          INTEGER REFERENCES evals(id) ON DELETE CASCADE,
    step             INTEGER,
    prompt_id        INTEGER REFERENCES prompts(id) ON DELETE CASCADE,
    prompt_text      TEXT NOT NULL DEFAULT '',
    output           TEXT NOT NULL,
    reference_output TEXT,
    preference       REAL,
    created_at       TEXT NOT NULL
);
CREATE INDEX samples_by_run ON samples(run_id, eval_id);

-- Reference-model log-probs, computed once per (model, pair, template, length cap) and reused.
CREATE TABLE ref_logps (
    model_hash    TEXT NOT NULL,
    pair_id       INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    template      TEXT NOT NULL,
    max_length    INTEGER NOT NULL,
    chosen_logp   REAL NOT NULL,
    rejected_logp REAL NOT NULL,
    PRIMARY KEY (model_hash, pair_id, template, max_length)
) WITHOUT ROWID;

-- A run's implicit reward margin per pair, for the pair browser's "most wrong first".
CREATE TABLE pair_margins (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    step    INTEGER NOT NULL,
    margin  REAL NOT NULL,
    PRIMARY KEY (run_id, pair_id)
) WITHOUT ROWID;
CREATE INDEX pair_margins_by_pair ON pair_margins(pair_id);
)sql";

}  // namespace

// Version 2: run ids are never reused (AUTOINCREMENT). With reused ids a new run 1 inherited the
// rows and checkpoint folders of a deleted run 1 (or rows a crafted file left for it), and pruning
// its checkpoints deleted whatever those rows named. SQLite cannot add AUTOINCREMENT to a table, so
// the table is rebuilt; rows that name no run (left by a damaged or crafted file) are dropped, and
// the sequence starts above every run id any row still mentions.
constexpr const char* kRunsAutoincrement = R"sql(
DELETE FROM metrics WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM checkpoints WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM evals WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM runs);
DELETE FROM samples WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM runs);
DELETE FROM pair_margins WHERE run_id NOT IN (SELECT id FROM runs);
CREATE TABLE runs_v2 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    method          TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'paused', 'finished', 'failed', 'stopped')),
    config_json     TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    program_version TEXT NOT NULL,
    device          TEXT NOT NULL,
    total_steps     INTEGER NOT NULL DEFAULT 0,
    last_step       INTEGER NOT NULL DEFAULT 0,
    message         TEXT,
    parent_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    pid             INTEGER,
    host            TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    ended_at        TEXT,
    heartbeat_at    TEXT
);
INSERT INTO runs_v2 SELECT id, name, method, status, config_json, seed, program_version, device,
    total_steps, last_step, message, parent_run_id, pid, host, created_at, started_at, ended_at,
    heartbeat_at FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v2 RENAME TO runs;
UPDATE runs SET parent_run_id = NULL WHERE parent_run_id NOT IN (SELECT id FROM runs);
DELETE FROM sqlite_sequence WHERE name IN ('runs', 'runs_v2');
INSERT INTO sqlite_sequence(name, seq)
    SELECT 'runs', coalesce(max(id), 0) FROM (SELECT max(id) AS id FROM runs
        UNION ALL SELECT max(run_id) FROM metrics UNION ALL SELECT max(run_id) FROM checkpoints
        UNION ALL SELECT max(run_id) FROM evals UNION ALL SELECT max(run_id) FROM samples);
)sql";

// A study's spec_json is its file with every config it names inlined: a second `study run` of
// the same name must mean the same runs. A point is "variant=...;seed=..." (core/study).
constexpr const char* kStudies = R"sql(
CREATE TABLE studies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    spec_json  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE study_runs (
    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    point    TEXT NOT NULL,
    run_id   INTEGER NOT NULL UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
    PRIMARY KEY (study_id, point)
);
)sql";

// A judge's verdicts by what decides them (the local-model judge: core/eval/local_judge.h): the
// judge's key (its model's weights and its prompt) and a hash of the comparison's texts.
constexpr const char* kJudgeCache = R"sql(
CREATE TABLE judge_cache (
    judge      TEXT NOT NULL,
    comparison TEXT NOT NULL,
    preference REAL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (judge, comparison)
) WITHOUT ROWID;
)sql";

// A run's reward margin per pair at each evaluation (issue 16): the held-out pairs it evaluates
// and a fixed sample of training pairs, so that a pair's learning can be followed over steps
// (core/pairs/pair_dynamics.h). pair_margins keeps only the latest of each.
constexpr const char* kPairMarginSteps = R"sql(
CREATE TABLE pair_margin_steps (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    step    INTEGER NOT NULL,
    margin  REAL NOT NULL,
    PRIMARY KEY (run_id, pair_id, step)
) WITHOUT ROWID;
CREATE INDEX pair_margin_steps_by_pair ON pair_margin_steps(pair_id);
)sql";

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
        {1, "initial schema", [](Database& db) { db.exec(kSchemaV1); }},
        {2, "run ids never reused",
         [](Database& db) {
             db.exec(kRunsAutoincrement);
             // A deleted run left no row, but perhaps its checkpoint folder: start above that too.
             std::int64_t highest = 0;
             std::error_code ec;
             const auto root = checkpointDirFor(db.path());
             for (auto it = std::filesystem::directory_iterator(root, ec);
                  !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
                 const std::string name = it->path().filename().string();
                 if (name.rfind("run-", 0) != 0) continue;
                 try {
                     highest = std::max<std::int64_t>(highest, std::stoll(name.substr(4)));
                 } catch (const std::exception&) {
                 }
             }
             db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'runs'")
                 .bind(1, highest)
                 .run();
         }},
        // Version 3: an import commits in chunks (a long one held the write lock for 18 s and a
        // training run's metrics flush gave up); its dataset is 'importing' until its last chunk,
        // and readers that build pairs or pick prompts leave such a dataset out.
        {3, "imports in chunks",
         [](Database& db) {
             db.exec("ALTER TABLE datasets ADD COLUMN state TEXT NOT NULL DEFAULT 'complete' "
                     "CHECK (state IN ('importing', 'complete'))");
         }},
        // Version 4: a prompt that is a conversation (a system message, earlier turns) keeps its
        // messages, so that a model's chat template renders them as turns; `instruction` holds
        // its transcript for display and matching. NULL: the instruction (+ input) is the prompt.
        {4, "conversation prompts keep their messages",
         [](Database& db) { db.exec("ALTER TABLE prompts ADD COLUMN messages_json TEXT"); }},
        // Version 5: studies (core/study): a grid of runs with seeds, and which run stands for
        // which point of the grid, so that `ladder-cli study run` continues where it stopped.
        {5, "studies", [](Database& db) { db.exec(kStudies); }},
        // Version 6: a local model's verdicts, so that judging the same answers again is free.
        {6, "judge verdicts cached", [](Database& db) { db.exec(kJudgeCache); }},
        // Version 7: pair margins at every evaluation, not only the last (per-pair dynamics).
        {7, "pair margins over steps", [](Database& db) { db.exec(kPairMarginSteps); }},
    };
    return all;
}

int latestSchemaVersion() { return migrations().back().version; }

int schemaVersion(Database& db) { return static_cast<int>(db.queryInt64("PRAGMA user_version")); }

int migrate(Database& db, const std::vector<Migration>& list) {
    int current = schemaVersion(db);
    for (const Migration& m : list) {
        if (m.version <= current) continue;
        if (m.version != current + 1) {
            throw Error(db.path().string() + ": schema migration " + std::to_string(m.version) +
                        " follows version " + std::to_string(current) +
                        " (a gap in the migration list; this is a bug in Ladder)");
        }
        // Foreign keys off while a migration rebuilds tables (SQLite's documented way: a table
        // cannot be dropped and recreated under its children otherwise), checked before commit.
        const bool foreignKeys = db.queryInt64("PRAGMA foreign_keys") != 0;
        db.exec("PRAGMA foreign_keys = OFF");
        try {
            Transaction tx(db);
            m.apply(db);
            if (auto problem = db.queryText("PRAGMA foreign_key_check")) {
                throw Error(db.path().string() + ": schema migration " +
                            std::to_string(m.version) + " left rows of table " + *problem +
                            " that point nowhere; the file is unchanged (this is a bug in Ladder)");
            }
            db.exec("PRAGMA user_version = " + std::to_string(m.version));
            tx.commit();
        } catch (...) {
            if (foreignKeys) db.exec("PRAGMA foreign_keys = ON");
            throw;
        }
        if (foreignKeys) db.exec("PRAGMA foreign_keys = ON");
        log::get("store")->info("{}: schema migrated to version {} ({})", db.path().string(),
                                m.version, m.description);
        current = m.version;
    }
    return current;
}

}  // namespace ladder::store
