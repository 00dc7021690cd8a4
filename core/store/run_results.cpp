#include "core/store/run_results.h"

namespace ladder::store {

std::vector<EvalRecord> RunResultsReader::evals(std::int64_t runId) {
    auto s = m_db.prepare(
        "SELECT id, run_id, step, judge, reference_source, n, wins, ties, losses, win_rate, "
        "std_error, created_at FROM evals WHERE run_id = ? ORDER BY coalesce(step, -1), id");
    s.bind(1, runId);
    std::vector<EvalRecord> out;
    while (s.step()) {
        EvalRecord e;
        e.id = s.int64(0);
        e.runId = s.int64(1);
        e.step = s.optInt64(2);
        e.judge = s.text(3);
        e.referenceSource = s.text(4);
        e.n = s.int64(5);
        e.wins = s.int64(6);
        e.ties = s.int64(7);
        e.losses = s.int64(8);
        e.winRate = s.optReal(9);
        e.stdError = s.optReal(10);
        e.createdAt = s.text(11);
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<EvalRecord> RunResultsReader::latestEval(std::int64_t runId) {
    auto all = evals(runId);
    if (all.empty()) return std::nullopt;
    return all.back();
}

std::vector<SampleRecord> RunResultsReader::samples(std::int64_t runId,
                                                    std::optional<std::int64_t> evalId,
                                                    std::size_t limit) {
    Statement s;
    if (evalId) {
        s = m_db.prepare(
            "SELECT id, run_id, eval_id, step, prompt_id, prompt_text, output, reference_output, "
            "preference FROM samples WHERE run_id = ? AND eval_id = ? "
            "ORDER BY coalesce(prompt_id, 0), id LIMIT ?");
        s.bind(1, runId).bind(2, *evalId).bind(3, static_cast<std::int64_t>(limit));
    } else {
        s = m_db.prepare(
            "SELECT id, run_id, eval_id, step, prompt_id, prompt_text, output, reference_output, "
            "preference FROM samples WHERE run_id = ?1 AND coalesce(step, -1) = "
            "(SELECT max(coalesce(step, -1)) FROM samples WHERE run_id = ?1) "
            "ORDER BY coalesce(prompt_id, 0), id LIMIT ?2");
        s.bind(1, runId).bind(2, static_cast<std::int64_t>(limit));
    }
    std::vector<SampleRecord> out;
    while (s.step()) {
        SampleRecord r;
        r.id = s.int64(0);
        r.runId = s.int64(1);
        r.evalId = s.optInt64(2);
        r.step = s.optInt64(3);
        r.promptId = s.optInt64(4);
        r.promptText = s.text(5);
        r.output = s.text(6);
        r.referenceOutput = s.optText(7);
        r.preference = s.optReal(8);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace ladder::store
