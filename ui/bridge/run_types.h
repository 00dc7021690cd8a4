// The run values the panes show, as core keeps them: a run's record and status
// (store::RunRecord, store::RunStatus), whether its process lives (store::Liveness) and a
// metric's summary (store::MetricSummary). Values only: the panes read them through RunsBridge,
// which is the only code in ui/ that asks core's store.
#pragma once

#include "core/store/metric_summary.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"
