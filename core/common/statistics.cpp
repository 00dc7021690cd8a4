#include "core/common/statistics.h"

#include <cmath>

namespace ladder::stats {

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
    r.standardDeviation = std::sqrt(squares / (r.n - 1));
    r.standardError = r.standardDeviation / std::sqrt(static_cast<double>(r.n));
    return r;
}

}  // namespace ladder::stats
