// Mean, standard deviation and standard error of a sample: the win rate's error over prompts, a
// study's over seeds, the length-controlled win rate's length scale.
#pragma once

#include <vector>

namespace ladder::stats {

struct MeanAndError {
    double mean = 0;
    double standardDeviation = 0;  // the sample's (n - 1); 0 when n < 2
    double standardError = 0;      // standardDeviation / sqrt(n)
    int n = 0;
};

// Of the finite values; n 0 when there are none.
[[nodiscard]] MeanAndError meanAndStandardError(const std::vector<double>& values);

}  // namespace ladder::stats
