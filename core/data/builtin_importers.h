// The importers that ship with Ladder. The same sources build the `ladder-importers` plugin and the
// built-in fallback in ladder::data (see ImporterRegistry for which one a name resolves to).
#pragma once

#include <memory>

#include "core/data/importer.h"
#include "core/plugin/plugin_api.h"

namespace ladder::data {

// Answers of sources to instructions.
[[nodiscard]] std::unique_ptr<Importer> makeAlpacaEvalImporter();   // "alpaca-eval"
[[nodiscard]] std::unique_ptr<Importer> makeInstructionImporter();  // "instruction" (JSON/JSONL)
// Judge verdicts.
[[nodiscard]] std::unique_ptr<Importer>
makeAlpacaAnnotationsImporter();  // "alpaca-eval-annotations"
// Ready-made pairs.
[[nodiscard]] std::unique_ptr<Importer> makeTrlImporter();               // "trl"
[[nodiscard]] std::unique_ptr<Importer> makeHhRlhfImporter();            // "hh-rlhf"
[[nodiscard]] std::unique_ptr<Importer> makeShareGptImporter();          // "sharegpt"
[[nodiscard]] std::unique_ptr<Importer> makeOpenAiPreferenceImporter();  // "openai-preference"

// Registers every importer above under its name.
void addBuiltinImporters(plugin::Registrar& registrar);

}  // namespace ladder::data
