// Includes qcustomplot.h under QT_NO_KEYWORDS: its header still says `signals:` and `foreach`, so
// both are defined around the include only (LibTorch's `slots` never sees them). Include this
// instead of <qcustomplot.h>.
#pragma once

#include <QtGlobal>

#if defined(QT_NO_KEYWORDS) && !defined(signals)
#define signals Q_SIGNALS
#define LADDER_QCP_UNDEF_SIGNALS
#endif
#if defined(QT_NO_KEYWORDS) && !defined(foreach)
#define foreach Q_FOREACH
#define LADDER_QCP_UNDEF_FOREACH
#endif

#include <qcustomplot.h>

#ifdef LADDER_QCP_UNDEF_SIGNALS
#undef signals
#undef LADDER_QCP_UNDEF_SIGNALS
#endif
#ifdef LADDER_QCP_UNDEF_FOREACH
#undef foreach
#undef LADDER_QCP_UNDEF_FOREACH
#endif
