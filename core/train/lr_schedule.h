// The learning rate at each optimiser step: linear warmup, then cosine, linear or constant decay.
#pragma once

#include "core/train/run_config.h"

namespace ladder::train {

// step counts from 0 (the first optimiser step); totalSteps is the run's max_steps.
[[nodiscard]] double learningRateAt(const OptimizerSpec& optimizer, const ScheduleSpec& schedule,
                                    int step, int totalSteps);

}  // namespace ladder::train
