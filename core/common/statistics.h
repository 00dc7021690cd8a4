// Mean and standard error of a sample: the win rate's error over prompts and a study's over seeds.
#pragma once

#include <vector>

namespace ladder::stats {

struct MeanAndError {
    double mean = 0;
    double standardError = 0;  // sample standard deviation / sqrt(n); 0 when n < 2
    int n = 0;
};

// Of the finite values; n 0 when there are none.
[[nodiscard]] MeanAndError meanAndStandardError(const std::vector<double>& values);

}  // namespace ladder::stats
