// A study's results: its runs grouped by what was varied (variant and grid keys other than the
// seed), each metric's final value averaged over the seeds with its standard error. The table
// `ladder-cli study show` prints and writes as CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/statistics.h"
#include "core/store/database.h"
#include "core/study/study_spec.h"

namespace ladder::study {

using stats::MeanAndError;
using stats::meanAndStandardError;

// Win rates (eval/win_rate, its _stderr) are fractions shown in percent.
[[nodiscard]] bool isWinRateMetric(const std::string& metric);

struct StudyRow {
    std::string group;  // "dpo uniform, loss.beta 0.5"; "parent" for the runs the others start from
    bool isParent = false;
    int points = 0;  // runs the group stands for (one per seed)
    int finished = 0;
    std::vector<std::int64_t> runIds;                  // of its finished runs
    std::vector<std::string> seeds;                    // of those runs ("" without a seed key)
    std::vector<std::vector<double>> values;           // per metric, per finished run (NaN: none)
    std::vector<std::optional<MeanAndError>> metrics;  // per StudyTable::metrics; none: no value
};

struct StudyTable {
    std::string study;
    std::vector<std::string> metrics;
    std::vector<StudyRow> rows;  // parents first, then in the file's order
    std::string baseline;        // the group differences are taken from (the file's "baseline")
};

// Each group's difference from `baseline`'s, paired by seed (runs of one seed share their parent
// and their data order): per metric, the mean of (value - baseline's value of the same seed) over
// the seeds both have, with the standard error of those differences. The baseline's own row is
// left out. Throws ladder::Error when there is no such group.
[[nodiscard]] StudyTable differencesFrom(const StudyTable& table, const std::string& baseline);

// The spec a study was stored with (its resolved file), read back.
[[nodiscard]] StudySpec storedSpec(const std::string& name, const std::string& specJson);

// Final values of the finished runs of study `studyId` (the last finite value of each metric).
[[nodiscard]] StudyTable summarizeStudy(store::Database& db, const StudySpec& spec,
                                        std::int64_t studyId);

// "25.3 ± 1.2" (win rates in percent), "0.754 ± 0.010", "0.812" for one run, "-" for none.
[[nodiscard]] std::string formatValue(const std::string& metric,
                                      const std::optional<MeanAndError>& v, bool withSign = false);
[[nodiscard]] std::string renderStudyTable(const StudyTable& table);
// The differences table (differencesFrom) in the same layout, values signed.
[[nodiscard]] std::string renderDifferences(const StudyTable& differences);
// group, points, finished, then mean, stderr and n per metric; values as stored (fractions).
[[nodiscard]] std::string studyTableCsv(const StudyTable& table);

}  // namespace ladder::study
