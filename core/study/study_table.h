// A study's results: its runs grouped by what was varied (variant and grid keys other than the
// seed), each metric's final value averaged over the seeds with its standard error. The table
// `ladder-cli study show` prints and writes as CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/database.h"
#include "core/study/study_spec.h"

namespace ladder::study {

struct MeanAndError {
    double mean = 0;
    double standardError = 0;  // sample standard deviation / sqrt(n); 0 when n < 2
    int n = 0;
};

// Of the finite values; n 0 when there are none.
[[nodiscard]] MeanAndError meanAndStandardError(const std::vector<double>& values);

struct StudyRow {
    std::string group;  // "dpo uniform, loss.beta 0.5"; "parent" for the runs the others start from
    bool isParent = false;
    int points = 0;  // runs the group stands for (one per seed)
    int finished = 0;
    std::vector<std::int64_t> runIds;                  // of its finished runs
    std::vector<std::optional<MeanAndError>> metrics;  // per StudyTable::metrics; none: no value
};

struct StudyTable {
    std::string study;
    std::vector<std::string> metrics;
    std::vector<StudyRow> rows;  // parents first, then in the file's order
};

// The spec a study was stored with (its resolved file), read back.
[[nodiscard]] StudySpec storedSpec(const std::string& name, const std::string& specJson);

// Final values of the finished runs of study `studyId` (the last finite value of each metric).
[[nodiscard]] StudyTable summarizeStudy(store::Database& db, const StudySpec& spec,
                                        std::int64_t studyId);

// "25.3 ± 1.2" (win rates in percent), "0.754 ± 0.010", "0.812" for one run, "-" for none.
[[nodiscard]] std::string formatValue(const std::string& metric,
                                      const std::optional<MeanAndError>& v);
[[nodiscard]] std::string renderStudyTable(const StudyTable& table);
// group, points, finished, then mean, stderr and n per metric; values as stored (fractions).
[[nodiscard]] std::string studyTableCsv(const StudyTable& table);

}  // namespace ladder::study
