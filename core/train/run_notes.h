// What a run will do that its config does not say outright: a warmup longer than the run (capped
// to it), a run that ends before its curriculum does (its later stages never trained). None of
// them stops a run; the launcher lists them beside its problems and the trainer says them before
// step 1 (in the log, and in ladder-cli's output), in the same words.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/curriculum/curriculum.h"
#include "core/train/run_config.h"

namespace ladder::store {
class Database;
}

namespace ladder::train {

// The warmup's note, when it is longer than the run.
[[nodiscard]] std::optional<std::string> warmupNote(const RunConfig& config);

// The curriculum's note, when the run ends before it does. `resolved` has every stage's length in
// steps (Curriculum::resolved).
[[nodiscard]] std::optional<std::string> curriculumNote(const curriculum::Curriculum& resolved,
                                                        std::int64_t runSteps);

// Every note of a config on this workspace: the curriculum (a stored or inline one; the presets
// are made to fit the run) resolved with the ladder's training pairs as the trainer resolves it.
// A curriculum that cannot be read or resolved gives no note: the trainer reports that itself.
[[nodiscard]] std::vector<std::string> runNotes(store::Database& db, const RunConfig& config);

}  // namespace ladder::train
