#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ladder::train {

double learningRateAt(const OptimizerSpec& optimizer, const ScheduleSpec& schedule, int step,
                      int totalSteps) {
    const double peak = optimizer.lr;
    // A warmup longer than the run is capped to it: the rate still reaches its peak, on the last
    // step (runNotes tells the user).
    const int warmup = std::clamp(schedule.warmupSteps, 0, std::max(0, totalSteps));
    // Warmup reaches the peak on its last step (step warmup-1), never starts at exactly zero.
    if (step < warmup) return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
    if (schedule.decay == "constant") return peak;
    const double floor = peak * schedule.minLrRatio;
    const int decaySteps = std::max(1, totalSteps - warmup - 1);
    const double progress = std::clamp(static_cast<double>(step - warmup) / decaySteps, 0.0, 1.0);
    if (schedule.decay == "linear") return floor + (peak - floor) * (1.0 - progress);
    return floor + (peak - floor) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

}  // namespace ladder::train
