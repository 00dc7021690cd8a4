// Grouping a study's finished runs and averaging their final metrics over seeds.
#include "core/study/study_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/store/metric_summary.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/study/study_store.h"

namespace ladder::study {
namespace {

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

}  // namespace

bool isWinRateMetric(const std::string& metric) {
    return metric.find("win_rate") != std::string::npos;
}

StudySpec storedSpec(const std::string& name, const std::string& specJson) {
    return parseStudy(ladder::json::parseText(specJson, "the stored study '" + name + "'"), {},
                      "the stored study '" + name + "'");
}

StudyTable summarizeStudy(store::Database& db, const StudySpec& spec, std::int64_t studyId) {
    StudyTable table;
    table.study = spec.name;
    table.metrics = spec.metrics;
    table.baseline = spec.baseline;
    const auto linked = StudyStore(db).runs(studyId);
    store::RunStore runs(db);
    store::MetricsReader metrics(db);

    std::map<std::string, std::size_t> rowOf;
    std::vector<std::vector<std::vector<double>>> values;  // row, metric, run
    for (const auto& point : spec.points) {
        const std::string group = point.isParent ? "parent" : pointLabel(point, false);
        auto [it, added] = rowOf.emplace(group, table.rows.size());
        if (added) {
            table.rows.push_back({group, point.isParent});
            values.emplace_back(spec.metrics.size());
        }
        StudyRow& row = table.rows[it->second];
        ++row.points;
        const auto link = linked.find(point.key);
        if (link == linked.end()) continue;
        const auto run = runs.find(link->second);
        if (!run || run->status != store::RunStatus::Finished) continue;
        ++row.finished;
        row.runIds.push_back(run->id);
        std::string seed;
        for (const auto& [key, value] : point.settings) {
            if (key == "seed") seed = value.dump();
        }
        row.seeds.push_back(seed);
        row.values.resize(spec.metrics.size());
        for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
            const auto summary = store::summarizeSeries(metrics.series(run->id, spec.metrics[m]),
                                                        store::Better::Neither);
            if (summary) values[it->second][m].push_back(summary->last);
            row.values[m].push_back(summary ? summary->last : std::nan(""));
        }
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        for (const auto& series : values[r]) {
            const auto stat = meanAndStandardError(series);
            table.rows[r].metrics.push_back(stat.n > 0 ? std::optional(stat) : std::nullopt);
        }
    }
    return table;
}

namespace {

std::string formatNumber(const std::string& metric, const std::optional<MeanAndError>& v,
                         bool sign) {
    if (!v) return "-";
    const double scale = isWinRateMetric(metric) ? 100.0 : 1.0;
    const bool rate = isWinRateMetric(metric);
    std::string format = sign ? (rate ? "%+.1f" : "%+.3f") : (rate ? "%.1f" : "%.3f");
    if (v->n >= 2) format += isWinRateMetric(metric) ? " ± %.1f" : " ± %.3f";
    char buffer[64];
    // A mean that rounds to zero is shown as 0, not "-0.0".
    const double mean = std::fabs(v->mean * scale) < (isWinRateMetric(metric) ? 0.05 : 0.0005)
                            ? 0.0
                            : v->mean * scale;
    std::snprintf(buffer, sizeof buffer, format.c_str(), mean, v->standardError * scale);
    return buffer;
}

std::string render(const StudyTable& table, bool differences) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> header = {"group", "runs"};
    for (const auto& m : table.metrics) header.push_back(m + (isWinRateMetric(m) ? " (%)" : ""));
    cells.push_back(header);
    for (const auto& row : table.rows) {
        std::vector<std::string> line = {
            row.group, std::to_string(row.finished) + "/" + std::to_string(row.points)};
        for (std::size_t m = 0; m < table.metrics.size(); ++m) {
            line.push_back(formatNumber(table.metrics[m], row.metrics[m], differences));
        }
        cells.push_back(line);
    }
    // Column widths in characters shown ("±" is one), not bytes.
    auto shown = [](const std::string& s) {
        std::size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;
        return n;
    };
    std::vector<std::size_t> width(header.size(), 0);
    for (const auto& line : cells) {
        for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], shown(line[c]));
    }
    std::string out;
    for (const auto& line : cells) {
        for (std::size_t c = 0; c < line.size(); ++c) {
            out += line[c];
            if (c + 1 < line.size()) out += std::string(width[c] - shown(line[c]) + 2, ' ');
        }
        out += '\n';
    }
    out += differences ? "difference from '" + table.baseline +
                             "' of the same seed: mean ± standard "
                             "error over seeds; runs: seeds both have\n"
                       : "mean ± standard error over seeds of each run's final value; runs: "
                         "finished/planned\n";
    return out;
}

}  // namespace

std::string formatValue(const std::string& metric, const std::optional<MeanAndError>& v,
                        bool withSign) {
    return formatNumber(metric, v, withSign);
}

std::string renderStudyTable(const StudyTable& table) {
    return render(table, false);
}

std::string renderDifferences(const StudyTable& differences) {
    return render(differences, true);
}

StudyTable differencesFrom(const StudyTable& table, const std::string& baseline) {
    const StudyRow* base = nullptr;
    for (const auto& row : table.rows) {
        if (row.group == baseline) base = &row;
    }
    if (!base) {
        std::string groups;
        for (const auto& row : table.rows) groups += (groups.empty() ? "" : ", ") + row.group;
        throw Error("study '" + table.study + "' has no group '" + baseline +
                    "' (it has: " + groups + ")");
    }
    StudyTable out;
    out.study = table.study;
    out.metrics = table.metrics;
    out.baseline = baseline;
    for (const auto& row : table.rows) {
        if (&row == base) continue;
        StudyRow diff{row.group, row.isParent};
        std::vector<std::vector<double>> deltas(table.metrics.size());
        for (std::size_t r = 0; r < row.seeds.size(); ++r) {
            for (std::size_t b = 0; b < base->seeds.size(); ++b) {
                if (base->seeds[b] != row.seeds[r]) continue;
                ++diff.finished;
                for (std::size_t m = 0; m < table.metrics.size(); ++m) {
                    deltas[m].push_back(row.values[m][r] - base->values[m][b]);
                }
            }
        }
        diff.points = row.points;
        for (const auto& d : deltas) {
            const auto stat = meanAndStandardError(d);
            diff.metrics.push_back(stat.n > 0 ? std::optional(stat) : std::nullopt);
        }
        out.rows.push_back(std::move(diff));
    }
    return out;
}

std::string studyTableCsv(const StudyTable& table) {
    // Fields appended one by one: GCC 12 warns (falsely, -Wrestrict) on "," + std::string.
    std::string out = "group,runs,finished";
    auto field = [&out](const std::string& text) {
        out += ',';
        out += text;
    };
    for (const auto& m : table.metrics) {
        field(csvField(m + " mean"));
        field(csvField(m + " stderr"));
        field(csvField(m + " n"));
    }
    out += '\n';
    for (const auto& row : table.rows) {
        out += csvField(row.group);
        field(std::to_string(row.points));
        field(std::to_string(row.finished));
        for (const auto& v : row.metrics) {
            field(v ? number(v->mean) : std::string());
            field(v ? number(v->standardError) : std::string());
            field(std::to_string(v ? v->n : 0));
        }
        out += '\n';
    }
    return out;
}

}  // namespace ladder::study
