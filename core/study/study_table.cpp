// Grouping a study's finished runs and averaging their final metrics over seeds.
#include "core/study/study_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/common/json_read.h"
#include "core/store/metric_summary.h"
#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/study/study_store.h"

namespace ladder::study {
namespace {

bool isRate(const std::string& metric) {
    return metric.find("win_rate") != std::string::npos;
}

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

MeanAndError meanAndStandardError(const std::vector<double>& values) {
    MeanAndError r;
    double sum = 0;
    for (double v : values) {
        if (!std::isfinite(v)) continue;
        sum += v;
        ++r.n;
    }
    if (r.n == 0) return r;
    r.mean = sum / r.n;
    if (r.n < 2) return r;
    double squares = 0;
    for (double v : values) {
        if (std::isfinite(v)) squares += (v - r.mean) * (v - r.mean);
    }
    r.standardError = std::sqrt(squares / (r.n - 1)) / std::sqrt(static_cast<double>(r.n));
    return r;
}

StudySpec storedSpec(const std::string& name, const std::string& specJson) {
    return parseStudy(ladder::json::parseText(specJson, "the stored study '" + name + "'"), {},
                      "the stored study '" + name + "'");
}

StudyTable summarizeStudy(store::Database& db, const StudySpec& spec, std::int64_t studyId) {
    StudyTable table;
    table.study = spec.name;
    table.metrics = spec.metrics;
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
        for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
            const auto summary = store::summarizeSeries(metrics.series(run->id, spec.metrics[m]),
                                                        store::Better::Neither);
            if (summary) values[it->second][m].push_back(summary->last);
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

std::string formatValue(const std::string& metric, const std::optional<MeanAndError>& v) {
    if (!v) return "-";
    const double scale = isRate(metric) ? 100.0 : 1.0;
    char buffer[64];
    if (v->n < 2) {
        std::snprintf(buffer, sizeof buffer, isRate(metric) ? "%.1f" : "%.3f", v->mean * scale);
    } else {
        std::snprintf(buffer, sizeof buffer, isRate(metric) ? "%.1f ± %.1f" : "%.3f ± %.3f",
                      v->mean * scale, v->standardError * scale);
    }
    return buffer;
}

std::string renderStudyTable(const StudyTable& table) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> header = {"group", "runs"};
    for (const auto& m : table.metrics) header.push_back(m + (isRate(m) ? " (%)" : ""));
    cells.push_back(header);
    for (const auto& row : table.rows) {
        std::vector<std::string> line = {
            row.group, std::to_string(row.finished) + "/" + std::to_string(row.points)};
        for (std::size_t m = 0; m < table.metrics.size(); ++m) {
            line.push_back(formatValue(table.metrics[m], row.metrics[m]));
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
    out += "mean ± standard error over seeds of each run's final value; runs: finished/planned\n";
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
