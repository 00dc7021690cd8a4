// How runs read in the run panes: "#12 demo DPO easy", statuses with liveness, durations.
#pragma once

#include <QString>

#include "core/store/run_liveness.h"
#include "core/store/runs.h"

namespace ladder::ui {

[[nodiscard]] QString runLabel(const store::RunRecord& run);        // "#12 demo DPO easy"
[[nodiscard]] QString statusText(const store::RunRecord& run, store::Liveness liveness);
[[nodiscard]] QString durationText(double seconds);                 // "3m 05s", "" when unknown
// A run's label as a table's column header: at most two lines of about `width` characters,
// wrapped at spaces and the rest elided, so that narrow columns still say whose they are (the
// header's tooltip gives the whole label).
[[nodiscard]] QString headerLabel(const QString& label, int width = 24);

}  // namespace ladder::ui
