// AlpacaEval's files, both ways: a model's answers as model_outputs.json ({instruction, output,
// generator, dataset}: what the official tool judges) and its annotations.json read back as
// verdicts. Reading goes through ladder::data's importers, so the two never parse differently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/records.h"
#include "core/store/database.h"

namespace ladder::eval {

struct ModelOutput {
    std::string instruction;  // AlpacaEval has no input field: an input joins the instruction
    std::string output;
    std::string generator;
    std::string dataset;  // AlpacaEval's subset (helpful_base, koala, ...); the demo's task kind
};

// The answers of one source of the workspace (its 'responses' datasets; the first answer per
// prompt), in prompt order. Throws ladder::Error listing the sources when there is none of that
// name. generator: the name to write (empty: the source's own).
[[nodiscard]] std::vector<ModelOutput> sourceOutputs(store::Database& db, const std::string& source,
                                                     const std::string& generator = {});
// The generated answers of a stored evaluation (its samples), in prompt order. generator empty:
// the run's name (or "ladder-eval-<id>").
[[nodiscard]] std::vector<ModelOutput> evalOutputs(store::Database& db, std::int64_t evalId,
                                                   const std::string& generator = {});

// Writes a JSON array of {instruction, output, generator, dataset} (atomically). Invalid UTF-8
// is written as U+FFFD.
void writeModelOutputs(const std::filesystem::path& file, const std::vector<ModelOutput>& outputs);

// Reads model_outputs.json with the alpaca-eval importer. Throws ladder::Error naming the file,
// row and field of the first bad row.
[[nodiscard]] std::vector<ModelOutput> readModelOutputs(const std::filesystem::path& file);
// Reads annotations.json with the alpaca-eval-annotations importer, the same way.
[[nodiscard]] std::vector<data::VerdictRecord> readAnnotations(const std::filesystem::path& file);

// The instruction text AlpacaEval shows a judge: the instruction, then the input after a blank
// line when there is one.
[[nodiscard]] std::string alpacaInstruction(const std::string& instruction,
                                            const std::string& input);

}  // namespace ladder::eval
