#include "core/pairs/ladder.h"

#include <algorithm>
#include <set>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/text.h"

namespace ladder::pairs {
namespace {

// The trimmed pieces of s between separators.
std::vector<std::string> splitOn(const std::string& s, char separator) {
    std::vector<std::string> out;
    for (const std::string_view piece : text::split(s, separator)) out.push_back(text::trim(piece));
    return out;
}

std::string storedLadderNames(store::Database& db) {
    std::string names;
    auto s = db.prepare("SELECT name FROM ladders ORDER BY name");
    while (s.step()) text::appendItem(names, s.text(0));
    return names.empty() ? "none yet (`ladder-cli ladder set NAME A B C` makes one)" : names;
}

Ladder readLadder(store::Database& db, store::Statement& head) {
    Ladder ladder;
    ladder.id = head.int64(0);
    ladder.name = head.text(1);
    auto rungs = db.prepare(
        "SELECT s.name, r.rank FROM ladder_rungs r JOIN sources s ON "
        "s.id = r.source_id WHERE r.ladder_id = ? ORDER BY r.rank, s.name");
    rungs.bind(1, ladder.id);
    while (rungs.step()) ladder.rungs.push_back({rungs.text(0), rungs.int32(1)});
    return ladder;
}

}  // namespace

std::string Ladder::describe() const {
    std::string out;
    for (std::size_t i = 0; i < rungs.size(); ++i) {
        if (i > 0) out += rungs[i].rank == rungs[i - 1].rank ? " = " : " > ";
        out += rungs[i].source;
    }
    return out;
}

std::optional<int> Ladder::rankOf(const std::string& source) const {
    for (const Rung& r : rungs) {
        if (r.source == source) return r.rank;
    }
    return std::nullopt;
}

int Ladder::maxGap() const {
    if (rungs.empty()) return 0;
    const auto [lo, hi] = std::minmax_element(
        rungs.begin(), rungs.end(), [](const Rung& a, const Rung& b) { return a.rank < b.rank; });
    return hi->rank - lo->rank;
}

Ladder parseLadder(const std::string& name, const std::vector<std::string>& tokens) {
    Ladder ladder;
    ladder.name = text::trim(name);
    if (ladder.name.empty()) throw Error("a ladder needs a name");
    std::set<std::string> seen;
    int rank = 0;
    for (const std::string& token : tokens) {
        if (text::trim(token).empty()) continue;
        ++rank;
        for (const std::string& source : splitOn(token, '=')) {
            if (source.empty()) {
                throw Error("ladder " + ladder.name + ": an empty source name in '" + token +
                            "' (write tied sources as A=B)");
            }
            if (!seen.insert(source).second) {
                throw Error("ladder " + ladder.name + ": source " + source +
                            " appears twice; each source has one rank");
            }
            ladder.rungs.push_back({source, rank});
        }
    }
    if (rank < 2) {
        throw Error("ladder " + ladder.name + " has " + std::to_string(rank) +
                    " rank(s): it needs at least two sources of different rank to make pairs "
                    "(e.g. `strong medium weak`, or `A=B C` for a tie)");
    }
    return ladder;
}

Ladder parseLadder(const std::string& name, const std::string& spec) {
    return parseLadder(name, splitOn(spec, '>'));
}

double difficultyOf(int gap, int maxGap) {
    if (maxGap <= 1) return 0.0;
    const double d = static_cast<double>(maxGap - gap) / static_cast<double>(maxGap - 1);
    return std::clamp(d, 0.0, 1.0);
}

std::string tierName(const std::string& chosenSource, const std::string& rejectedSource) {
    return chosenSource + ">" + rejectedSource;
}

std::vector<TierSpec> tiersOf(const Ladder& ladder) {
    struct Indexed {
        TierSpec spec;
        int chosenRank;
        int rejectedRank;
    };
    std::vector<Indexed> all;
    const int maxGap = ladder.maxGap();
    for (const Rung& a : ladder.rungs) {
        for (const Rung& b : ladder.rungs) {
            if (a.rank >= b.rank) continue;
            const int gap = b.rank - a.rank;
            all.push_back(
                {{tierName(a.source, b.source), a.source, b.source, gap, difficultyOf(gap, maxGap)},
                 a.rank,
                 b.rank});
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const Indexed& x, const Indexed& y) {
        if (x.spec.rankGap != y.spec.rankGap) return x.spec.rankGap > y.spec.rankGap;
        if (x.chosenRank != y.chosenRank) return x.chosenRank < y.chosenRank;
        return x.rejectedRank < y.rejectedRank;
    });
    std::vector<TierSpec> out;
    out.reserve(all.size());
    for (auto& i : all) out.push_back(std::move(i.spec));
    return out;
}

std::int64_t saveLadder(store::Database& db, const Ladder& ladder) {
    if (ladder.rungs.empty()) throw Error("ladder " + ladder.name + " has no sources");
    store::Transaction tx(db);
    std::vector<std::pair<std::int64_t, int>> rungs;
    auto findSource = db.prepare("SELECT id FROM sources WHERE name = ?");
    std::vector<std::string> missing;
    for (const Rung& r : ladder.rungs) {
        findSource.bind(1, r.source);
        if (findSource.step()) {
            rungs.emplace_back(findSource.int64(0), r.rank);
        } else {
            missing.push_back(r.source);
        }
        findSource.reset();
    }
    if (!missing.empty()) {
        std::string known;
        auto all = db.prepare("SELECT name FROM sources ORDER BY name");
        while (all.step()) text::appendItem(known, all.text(0));
        const std::string names = text::join(missing);
        throw Error("ladder " + ladder.name + ": no answers from " + names +
                    " in this workspace (sources: " + (known.empty() ? "none" : known) +
                    "); import their answers first, or check the spelling");
    }
    const std::string now = clock::nowIso();
    db.prepare(
          "INSERT INTO ladders(name, created_at, updated_at) VALUES (?, ?, ?) "
          "ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at")
        .bind(1, ladder.name)
        .bind(2, now)
        .bind(3, now)
        .run();
    auto id = db.prepare("SELECT id FROM ladders WHERE name = ?");
    id.bind(1, ladder.name);
    id.step();
    const std::int64_t ladderId = id.int64(0);
    db.prepare("DELETE FROM ladder_rungs WHERE ladder_id = ?").bind(1, ladderId).run();
    auto insert =
        db.prepare("INSERT INTO ladder_rungs(ladder_id, source_id, rank) VALUES (?, ?, ?)");
    for (const auto& [sourceId, rank] : rungs)
        insert.bind(1, ladderId).bind(2, sourceId).bind(3, rank).run();
    tx.commit();
    return ladderId;
}

Ladder loadLadder(store::Database& db, const std::string& name) {
    auto head = db.prepare("SELECT id, name FROM ladders WHERE name = ?");
    head.bind(1, name);
    if (!head.step()) {
        throw Error("no ladder named '" + name +
                    "' in this workspace; ladders: " + storedLadderNames(db));
    }
    return readLadder(db, head);
}

Ladder loadLadder(store::Database& db, std::int64_t id) {
    auto head = db.prepare("SELECT id, name FROM ladders WHERE id = ?");
    head.bind(1, id);
    if (!head.step()) {
        throw Error("no ladder #" + std::to_string(id) +
                    " in this workspace; ladders: " + storedLadderNames(db));
    }
    return readLadder(db, head);
}

std::vector<Ladder> listLadders(store::Database& db) {
    std::vector<Ladder> out;
    auto head = db.prepare("SELECT id, name FROM ladders ORDER BY name");
    while (head.step()) out.push_back(readLadder(db, head));
    return out;
}

void deleteLadder(store::Database& db, const std::string& name) {
    const Ladder ladder = loadLadder(db, name);
    store::Transaction tx(db);
    db.prepare("DELETE FROM ladders WHERE id = ?").bind(1, ladder.id).run();
    tx.commit();
}

}  // namespace ladder::pairs
