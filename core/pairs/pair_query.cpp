#include "core/pairs/pair_query.h"

#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/text.h"
#include "core/pairs/pair_dynamics.h"

namespace ladder::pairs {

namespace {

constexpr std::size_t kPromptPreviewChars = 160;

// The judges' verdict on pair p (answers c and r) as 0 none, 1 tie, 2 agree, 3 disagree: the
// largest over the verdicts on the same prompt between answers of the pair's two sources (a
// deciding verdict outranks a tie).
constexpr const char* kJudgeExpr =
    "(SELECT coalesce(max(CASE WHEN v.preference = 1.5 THEN 1 "
    "WHEN (v.preference = 1) = (v1.source_id = c.source_id) THEN 2 ELSE 3 END), 0) "
    "FROM verdicts v "
    "JOIN responses v1 ON v1.id = v.response_1_id JOIN responses v2 ON v2.id = v.response_2_id "
    "WHERE v.prompt_id = p.prompt_id AND v.preference IN (1, 1.5, 2) AND "
    "((v1.source_id = c.source_id AND v2.source_id = r.source_id) OR "
    "(v1.source_id = r.source_id AND v2.source_id = c.source_id)))";

JudgeVerdict judgeFromInt(std::int64_t v) {
    switch (v) {
        case 1: return JudgeVerdict::Tie;
        case 2: return JudgeVerdict::Agree;
        case 3: return JudgeVerdict::Disagree;
        default: return JudgeVerdict::None;
    }
}

std::int64_t judgeToInt(JudgeVerdict v) {
    switch (v) {
        case JudgeVerdict::Tie: return 1;
        case JudgeVerdict::Agree: return 2;
        case JudgeVerdict::Disagree: return 3;
        case JudgeVerdict::None: break;
    }
    return 0;
}

// A WHERE clause with its numbered parameters.
class Conditions {
public:
    void add(const std::string& condition) { text::appendItem(m_where, condition, " AND "); }
    // Adds a condition whose "?" is the next parameter.
    template <typename T>
    void add(std::string_view condition, T value) {
        const std::string number = std::to_string(m_values.size() + 1);
        std::string numbered;
        for (const char ch : condition) {
            numbered += ch;
            if (ch == '?') numbered += number;
        }
        m_values.emplace_back(std::move(value));
        add(numbered);
    }
    [[nodiscard]] std::string sql() const { return m_where.empty() ? "1" : m_where; }
    void bind(store::Statement& s) const {
        for (std::size_t i = 0; i < m_values.size(); ++i) {
            std::visit([&](const auto& v) { s.bind(static_cast<int>(i + 1), v); }, m_values[i]);
        }
    }

private:
    std::string m_where;
    std::vector<std::variant<std::int64_t, std::string>> m_values;
};

// LIKE pattern for a substring, with the wildcards of the text escaped.
std::string likePattern(const std::string& needle) {
    std::string out = "%";
    for (const char ch : needle) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "%";
}

Conditions conditionsOf(const PairFilter& f) {
    if (!f.split.empty() && f.split != "train" && f.split != "heldout") {
        throw Error("unknown split '" + f.split + "': use train, heldout, or nothing for both");
    }
    Conditions where;
    if (f.ladderId) where.add("p.ladder_id = ?", *f.ladderId);
    if (f.datasetId) where.add("p.dataset_id = ?", *f.datasetId);
    if (!f.tier.empty()) where.add("p.tier = ?", f.tier);
    if (!f.split.empty()) where.add("p.split = ?", f.split);
    if (!f.source.empty()) {
        where.add(
            "(c.source_id IN (SELECT id FROM sources WHERE name = ?) OR r.source_id IN "
            "(SELECT id FROM sources WHERE name = ?))",
            f.source);
    }
    if (f.status) {
        if (*f.status == AnnotationStatus::None) {
            where.add("a.status IS NULL");
        } else {
            where.add("a.status = ?", std::string(toString(*f.status)));
        }
    }
    if (f.judge) {
        where.add(std::string(kJudgeExpr) + " = ?", judgeToInt(*f.judge));
    }
    if (!f.search.empty()) {
        where.add(
            "(pr.instruction LIKE ? ESCAPE '\\' OR pr.input LIKE ? ESCAPE '\\' OR "
            "c.text LIKE ? ESCAPE '\\' OR r.text LIKE ? ESCAPE '\\')",
            likePattern(f.search));
    }
    return where;
}

std::string orderOf(const PairSort& sort) {
    const char* dir = sort.descending ? " DESC" : "";
    switch (sort.key) {
        case PairSortKey::LengthDifference:
            return std::string("length(c.text) - length(r.text)") + dir + ", p.id";
        case PairSortKey::Tier:
            // Ascending is easiest first: the largest rank gap.
            return std::string("p.rank_gap") + (sort.descending ? "" : " DESC") + ", p.tier" + dir +
                   ", p.id";
        case PairSortKey::Margin:
            return std::string("m.margin IS NULL, m.margin") + dir + ", p.id";
        case PairSortKey::PairId:
            break;
    }
    return std::string("p.id") + dir;
}

// `purpose` finishes the error: "no run 7 in this workspace to ...".
void requireRun(store::Database& db, std::int64_t runId, const std::string& purpose) {
    auto s = db.prepare("SELECT 1 FROM runs WHERE id = ?");
    s.bind(1, runId);
    if (!s.step()) {
        throw Error("no run " + std::to_string(runId) + " in this workspace " + purpose);
    }
}

// Keeps the ids whose stored margins in `runId` classify as `learning`. Classified in C++ by
// pairDynamics (one read of the run's margins), so that the browser's filter, the detail and
// learnability all say the same of a pair.
void keepLearning(store::Database& db, std::int64_t runId, PairLearning learning,
                  std::vector<std::int64_t>& ids) {
    std::unordered_set<std::int64_t> matching;
    for (const auto& d : pairDynamics(db, runId)) {
        if (d.learning == learning) matching.insert(d.pairId);
    }
    std::erase_if(ids, [&](std::int64_t id) { return !matching.contains(id); });
}

std::string onePreviewLine(std::string_view instruction) {
    return text::foldWhitespace(text::truncateCodePoints(instruction, kPromptPreviewChars));
}

}  // namespace

const char* toString(JudgeVerdict verdict) {
    switch (verdict) {
        case JudgeVerdict::Agree:
            return "agree";
        case JudgeVerdict::Disagree:
            return "disagree";
        case JudgeVerdict::Tie:
            return "tie";
        case JudgeVerdict::None:
            break;
    }
    return "none";
}

std::vector<std::int64_t> findPairIds(store::Database& db, const PairFilter& filter,
                                      const PairSort& sort) {
    const Conditions where = conditionsOf(filter);
    const bool byMargin = sort.key == PairSortKey::Margin;
    if (byMargin) requireRun(db, sort.marginRunId, "to sort pairs by its margins");
    if (filter.learning) {
        requireRun(db, filter.learningRunId, "to filter pairs by what it learned");
    }
    // Only the joins the filter and the order need: the plain id list reads the pairs table alone.
    const bool needAnswers = !filter.source.empty() || filter.judge || !filter.search.empty() ||
                             sort.key == PairSortKey::LengthDifference;
    std::string sql = "SELECT p.id FROM pairs p";
    if (needAnswers) {
        sql += " JOIN responses c ON c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id";
    }
    if (!filter.search.empty()) sql += " JOIN prompts pr ON pr.id = p.prompt_id";
    if (filter.status) sql += " LEFT JOIN pair_annotations a ON a.pair_id = p.id";
    if (byMargin) {
        sql += " LEFT JOIN pair_margins m ON m.run_id = " + std::to_string(sort.marginRunId) +
               " AND m.pair_id = p.id";
    }
    sql += " WHERE " + where.sql() + " ORDER BY " + orderOf(sort);
    auto s = db.prepare(sql);
    where.bind(s);
    std::vector<std::int64_t> ids;
    while (s.step()) ids.push_back(s.int64(0));
    if (filter.learning) keepLearning(db, filter.learningRunId, *filter.learning, ids);
    return ids;
}

std::vector<PairRow> loadPairRows(store::Database& db, std::span<const std::int64_t> ids,
                                  std::int64_t marginRunId) {
    if (ids.empty()) return {};
    std::string list;
    for (const std::int64_t id : ids) text::appendItem(list, std::to_string(id), ",");
    auto s = db.prepare(
        "SELECT p.id, p.prompt_id, substr(pr.instruction, 1, " +
        std::to_string(kPromptPreviewChars + 1) +
        "), p.tier, p.rank_gap, cs.name, rs.name, length(c.text), length(r.text), a.status, "
        "coalesce(a.note, '') <> '', " +
        kJudgeExpr + ", m.margin, p.split FROM pairs p " +
        "JOIN prompts pr ON pr.id = p.prompt_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN sources cs ON cs.id = c.source_id "
        "JOIN responses r ON r.id = p.rejected_id JOIN sources rs ON rs.id = r.source_id "
        "LEFT JOIN pair_annotations a ON a.pair_id = p.id "
        "LEFT JOIN pair_margins m ON m.run_id = ?1 AND m.pair_id = p.id "
        "WHERE p.id IN (" +
        list + ")");
    s.bind(1, marginRunId);
    std::unordered_map<std::int64_t, PairRow> byId;
    while (s.step()) {
        PairRow row;
        row.pairId = s.int64(0);
        row.promptId = s.int64(1);
        row.prompt = onePreviewLine(s.textView(2));
        row.tier = s.text(3);
        row.rankGap = s.int32(4);
        row.chosenSource = s.text(5);
        row.rejectedSource = s.text(6);
        row.chosenChars = s.int64(7);
        row.rejectedChars = s.int64(8);
        row.status = annotationStatusFromString(s.optText(9).value_or(""));
        row.hasNote = s.int64(10) != 0;
        row.judge = judgeFromInt(s.int64(11));
        row.margin = s.optReal(12);
        row.split = s.text(13);
        byId.emplace(row.pairId, std::move(row));
    }
    std::vector<PairRow> out;
    out.reserve(byId.size());
    for (const std::int64_t id : ids) {
        auto it = byId.find(id);
        if (it != byId.end()) out.push_back(std::move(it->second));
    }
    return out;
}

std::vector<std::string> tierNames(store::Database& db, const PairFilter& scope) {
    Conditions where;
    if (scope.ladderId) where.add("ladder_id = ?", *scope.ladderId);
    if (scope.datasetId) where.add("dataset_id = ?", *scope.datasetId);
    auto s = db.prepare("SELECT tier FROM pairs WHERE " + where.sql() +
                        " GROUP BY tier ORDER BY max(rank_gap) DESC, min(id)");
    where.bind(s);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

PairDetail pairDetail(store::Database& db, std::int64_t pairId) {
    auto s = db.prepare(
        "SELECT p.prompt_id, pr.instruction, pr.input, p.tier, p.rank_gap, p.difficulty, "
        "p.split, p.truncated, cs.name, c.text, rs.name, r.text, "
        "(SELECT rank FROM ladder_rungs WHERE ladder_id = p.ladder_id AND source_id = cs.id), "
        "(SELECT rank FROM ladder_rungs WHERE ladder_id = p.ladder_id AND source_id = rs.id), "
        "c.source_id, r.source_id, pr.messages_json "
        "FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN sources cs ON cs.id = c.source_id "
        "JOIN responses r ON r.id = p.rejected_id JOIN sources rs ON rs.id = r.source_id "
        "WHERE p.id = ?");
    s.bind(1, pairId);
    if (!s.step()) {
        throw Error("there is no pair #" + std::to_string(pairId) +
                    " in this workspace (were the pairs rebuilt?): reload the pair list");
    }
    PairDetail d;
    d.pairId = pairId;
    d.promptId = s.int64(0);
    d.instruction = s.text(1);
    d.input = s.text(2);
    d.tier = s.text(3);
    d.rankGap = s.int32(4);
    d.difficulty = s.real(5);
    d.split = s.text(6);
    d.truncated = s.int64(7) != 0;
    auto answer = [&s](int first, int rankColumn) {
        PairAnswer a;
        a.source = s.text(first);
        a.text = s.text(first + 1);
        a.characters = static_cast<std::int64_t>(text::codePointCount(a.text));
        a.bytes = static_cast<std::int64_t>(a.text.size());
        if (const auto rank = s.optInt64(rankColumn)) a.rank = static_cast<int>(*rank);
        return a;
    };
    d.chosen = answer(8, 12);
    d.rejected = answer(10, 13);
    const std::int64_t chosenSource = s.int64(14);
    const std::int64_t rejectedSource = s.int64(15);
    if (const auto stored = s.optText(16)) {
        std::string error;
        if (auto messages = data::messagesFromJson(*stored, &error)) d.messages = std::move(*messages);
    }

    d.provenance = pairProvenance(db, pairId);
    d.annotation = annotationOf(db, pairId);

    auto verdicts = db.prepare(
        "SELECT v.judge, v.preference, v1.source_id FROM verdicts v "
        "JOIN responses v1 ON v1.id = v.response_1_id JOIN responses v2 ON v2.id = v.response_2_id "
        "WHERE v.prompt_id = ?1 AND ((v1.source_id = ?2 AND v2.source_id = ?3) OR "
        "(v1.source_id = ?3 AND v2.source_id = ?2)) ORDER BY v.judge, v.id");
    verdicts.bind(1, d.promptId).bind(2, chosenSource).bind(3, rejectedSource);
    bool agree = false;
    bool disagree = false;
    bool tie = false;
    while (verdicts.step()) {
        PairVerdict v;
        v.judge = verdicts.text(0);
        v.preference = verdicts.optReal(1);
        const bool chosenFirst = verdicts.int64(2) == chosenSource;
        if (v.preference && (*v.preference == 1.0 || *v.preference == 2.0)) {
            const bool firstPreferred = *v.preference == 1.0;
            v.prefersChosen = firstPreferred == chosenFirst;
            v.prefersRejected = !v.prefersChosen;
        }
        agree = agree || v.prefersChosen;
        disagree = disagree || v.prefersRejected;
        tie = tie || (v.preference && *v.preference == 1.5);
        d.verdicts.push_back(std::move(v));
    }
    d.judge = disagree ? JudgeVerdict::Disagree
              : agree  ? JudgeVerdict::Agree
              : tie    ? JudgeVerdict::Tie
                       : JudgeVerdict::None;

    auto margins = db.prepare(
        "SELECT m.run_id, r.name, m.step, m.margin FROM pair_margins m "
        "JOIN runs r ON r.id = m.run_id WHERE m.pair_id = ? ORDER BY m.run_id DESC");
    margins.bind(1, pairId);
    while (margins.step()) {
        d.margins.push_back({margins.int64(0), margins.text(1), margins.int64(2), margins.real(3)});
    }
    auto steps = db.prepare(
        "SELECT m.run_id, r.name, m.step, m.margin FROM pair_margin_steps m "
        "JOIN runs r ON r.id = m.run_id WHERE m.pair_id = ? ORDER BY m.run_id DESC, m.step");
    steps.bind(1, pairId);
    while (steps.step()) {
        if (d.learning.empty() || d.learning.back().runId != steps.int64(0)) {
            d.learning.push_back({steps.int64(0), steps.text(1), {}, {}, 0});
        }
        d.learning.back().margins.emplace_back(steps.int64(2), steps.real(3));
    }
    std::erase_if(d.learning, [](const PairLearningPath& p) { return p.margins.size() < 2; });
    for (auto& p : d.learning) p.learning = toString(classify(p.margins, &p.learnedAt));
    return d;
}

}  // namespace ladder::pairs
