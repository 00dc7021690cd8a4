// storeEval / listEvals / loadSamples over the evals, samples and metrics tables.
#include "core/eval/eval_store.h"

#include <cmath>
#include <limits>

#include "core/common/clock.h"
#include "core/common/json_read.h"
#include "core/eval/alpaca_eval_files.h"
#include "core/store/metrics.h"

namespace ladder::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<double> finite(double v) {
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<std::int64_t> checkpointAt(store::Database& db, std::int64_t runId,
                                         std::int64_t step) {
    auto s = db.prepare("SELECT id FROM checkpoints WHERE run_id = ? AND step = ?");
    s.bind(1, runId).bind(2, step);
    if (s.step()) return s.int64(0);
    return std::nullopt;
}

void writeMetrics(store::Database& db, std::int64_t runId, std::int64_t step, const WinRate& w) {
    std::vector<std::pair<const char*, double>> metrics = {
        {kWinRateMetric, w.winRate},
        {kWinRateStdErrorMetric, w.stdError},
        {kAnswerLengthMetric, w.meanOutputLength},
        {kAnswerRepetitionMetric, w.meanOutputRepetition},
        {kLengthDifferenceMetric, w.meanLengthDifference},
    };
    if (w.bothOrders > 0) metrics.emplace_back(kPositionAgreementMetric, w.positionAgreement);
    if (std::isfinite(w.lengthControlled.winRate))
        metrics.emplace_back(kLengthControlledWinRateMetric, w.lengthControlled.winRate);
    {
        store::Transaction tx(db);
        auto remove = db.prepare(
            "DELETE FROM metrics WHERE run_id = ? AND step = ? AND name_id = "
            "(SELECT id FROM metric_names WHERE name = ?)");
        for (const auto& [name, value] : metrics)
            remove.bind(1, runId).bind(2, step).bind(3, name).run();
        tx.commit();
    }
    store::MetricsWriter writer(db);
    const double now = clock::nowSeconds();
    for (const auto& [name, value] : metrics) writer.add(runId, step, name, value, now);
    writer.flush();
}

}  // namespace

std::int64_t storeEval(store::Database& db, const EvalTarget& target, const EvalResult& result) {
    std::optional<std::int64_t> checkpointId = target.checkpointId;
    if (!checkpointId && target.runId && target.step) {
        checkpointId = checkpointAt(db, *target.runId, *target.step);
    }
    const WinRate& w = result.winRate;
    const std::string now = clock::nowIso();
    store::Transaction tx(db);
    auto insert = db.prepare(
        "INSERT INTO evals(run_id, checkpoint_id, step, judge, reference_source, n, wins, ties, "
        "losses, win_rate, std_error, details_json, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, target.runId)
        .bind(2, checkpointId)
        .bind(3, target.step)
        .bind(4, result.judge)
        .bind(5, result.reference)
        .bind(6, w.n)
        .bind(7, w.wins)
        .bind(8, w.ties)
        .bind(9, w.losses)
        .bind(10, finite(w.winRate))
        .bind(11, finite(w.stdError))
        .bind(12, result.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .bind(13, now)
        .run();
    const std::int64_t evalId = db.lastInsertId();
    auto sample = db.prepare(
        "INSERT INTO samples(run_id, eval_id, step, prompt_id, prompt_text, output, "
        "reference_output, preference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& s : result.samples) {
        std::optional<double> preference;
        if (const auto score = s.outcome.score()) preference = 1.0 + *score;
        sample.bind(1, target.runId)
            .bind(2, evalId)
            .bind(3, target.step)
            .bind(4, s.prompt.promptId > 0 ? std::optional<std::int64_t>(s.prompt.promptId)
                                           : std::nullopt)
            .bind(5, alpacaInstruction(s.prompt.instruction, s.prompt.input))
            .bind(6, s.output)
            .bind(7, s.prompt.reference)
            .bind(8, preference)
            .bind(9, now)
            .run();
    }
    tx.commit();
    if (target.runId && target.step) writeMetrics(db, *target.runId, *target.step, w);
    return evalId;
}

std::vector<EvalRecord> listEvals(store::Database& db, std::optional<std::int64_t> runId) {
    auto s = db.prepare(
        "SELECT e.id, e.run_id, COALESCE(r.name, ''), e.checkpoint_id, e.step, e.judge, "
        "e.reference_source, e.n, e.wins, e.ties, e.losses, e.win_rate, e.std_error, "
        "e.details_json, e.created_at FROM evals e LEFT JOIN runs r ON r.id = e.run_id "
        "WHERE ?1 IS NULL OR e.run_id = ?1 ORDER BY e.id");
    s.bind(1, runId);
    std::vector<EvalRecord> out;
    while (s.step()) {
        EvalRecord e;
        e.id = s.int64(0);
        e.runId = s.optInt64(1);
        e.runName = s.text(2);
        e.checkpointId = s.optInt64(3);
        e.step = s.optInt64(4);
        e.judge = s.text(5);
        e.reference = s.text(6);
        e.n = s.int64(7);
        e.wins = s.int64(8);
        e.ties = s.int64(9);
        e.losses = s.int64(10);
        e.winRate = s.optReal(11).value_or(kNaN);
        e.stdError = s.optReal(12).value_or(kNaN);
        e.details = json::parseOrDiscarded(s.optText(13).value_or("{}"));
        if (e.details.is_discarded()) e.details = nlohmann::json::object();
        e.createdAt = s.text(14);
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<EvalRecord> latestEval(store::Database& db, std::int64_t runId) {
    std::optional<EvalRecord> best;
    for (auto& e : listEvals(db, runId)) {  // by id: a later row at the same step wins
        if (!best || e.step.value_or(-1) >= best->step.value_or(-1)) best = std::move(e);
    }
    return best;
}

std::vector<SampleRecord> loadSamples(store::Database& db, std::int64_t evalId) {
    auto s = db.prepare(
        "SELECT id, prompt_id, prompt_text, output, COALESCE(reference_output, ''), preference "
        "FROM samples WHERE eval_id = ? ORDER BY prompt_id, id");
    s.bind(1, evalId);
    std::vector<SampleRecord> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.optInt64(1), s.text(2), s.text(3), s.text(4), s.optReal(5)});
    }
    return out;
}

}  // namespace ladder::eval
