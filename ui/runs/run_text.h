// How runs read in the run panes: "#12 demo DPO easy", statuses with liveness, durations, win
// rates, resources.
#pragma once

#include <optional>

#include <QString>

#include "core/train/training_event.h"
#include "ui/bridge/run_types.h"

namespace ladder::ui {

[[nodiscard]] QString runLabel(const store::RunRecord& run);        // "#12 demo DPO easy"
[[nodiscard]] QString statusText(const store::RunRecord& run, store::Liveness liveness);
[[nodiscard]] QString durationText(double seconds);                 // "3m 05s", "" when unknown
// A win rate and its standard error (fractions) in percentage points, the unit once at the end:
// "24.2 \u00b1 4.2%" ("24.2% \u00b1 4.2" read as a cut-off "%"); "24.2%" without an error (NaN).
[[nodiscard]] QString winRateText(double winRate, double stdError);
// What a run uses: "52 tok/s \u00b7 2.1 GiB \u00b7 GPU 30.2 GiB" (the parts known), "" when none is;
// a data-parallel run's processes first ("2 processes \u00b7 104 tok/s \u00b7 ..."; the memory is
// rank 0's, the tokens all processes').
[[nodiscard]] QString resourcesText(std::optional<double> tokensPerSecond,
                                    std::optional<double> residentBytes,
                                    std::optional<double> gpuUsedBytes,
                                    std::optional<double> processes = std::nullopt);
// A step of a run (of this window, or one another process trains), for the status bar:
// "Training #3: step 120 / 300 \u00b7 52 tok/s \u00b7 2.1 GiB \u00b7 3m 05s left".
[[nodiscard]] QString trainingStatusText(const train::TrainingEvent& step);
// A run's label as a table's column header: at most two lines of about `width` characters,
// wrapped at spaces and the rest elided, so that narrow columns still say whose they are (the
// header's tooltip gives the whole label).
[[nodiscard]] QString headerLabel(const QString& label, int width = 24);

}  // namespace ladder::ui
