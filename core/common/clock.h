// Wall-clock helpers: ISO-8601 UTC timestamps for the workspace, seconds since the epoch for metrics.
#pragma once

#include <string>

namespace ladder::clock {

[[nodiscard]] std::string nowIso();         // "2026-11-27T14:37:54.123Z"
[[nodiscard]] double nowSeconds();          // Unix time with sub-second precision
// Unix time of a timestamp as nowIso() writes it ("2026-11-27T14:37:54.123Z"; the fraction and the
// Z are optional); -1 when the text is not one.
[[nodiscard]] double parseIso(const std::string& text);
[[nodiscard]] std::string formatDuration(double seconds);  // "1h 02m", "3m 05s", "12s"

}  // namespace ladder::clock
