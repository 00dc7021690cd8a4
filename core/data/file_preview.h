// What importing a file would give, read without writing anything: the format (and the others that
// recognise the file), the row counts, the first rows and the bad rows. The window's import dialog
// shows it before the user imports; `ladder-cli import --dry-run` prints it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/data/dataset_import.h"
#include "core/data/importer_registry.h"

namespace ladder::data {

// One row as a person reads it: the prompt, who wrote what, and the answer (or the two answers).
struct PreviewRow {
    RowLocation at;
    std::string prompt;  // instruction, with the input after a blank line when there is one
    std::string source;  // responses: the model; pairs: "chosen / rejected"; verdicts: both sources
    std::string first;   // the answer; pairs: chosen; verdicts: output 1
    std::string second;  // pairs: rejected; verdicts: output 2 (empty for answers)
    std::string verdict; // verdicts: "1", "2", "tie" or "undecided"
};

struct FilePreview {
    std::string file;
    std::string format;
    std::string importerOrigin;
    DatasetKind kind = DatasetKind::Responses;
    std::vector<ImporterRegistry::Recognition> formats;  // all that recognise the file, surest first

    std::int64_t rows = 0;  // good rows
    std::int64_t badRowCount = 0;
    std::vector<BadRow> badRows;  // the first kListedBadRows
    std::vector<PreviewRow> firstRows;
    std::map<std::string, std::int64_t> answersBySource;  // responses only
    std::int64_t prompts = 0;                             // distinct prompts (instruction + input)
};

// Reads the whole file (bad rows are counted, never fatal) and keeps the first `keepRows` rows.
// options.format empty: detected. `workspace` (may be empty) is refused as input, as importFile
// does. Throws ladder::Error naming the file when it cannot be read or no format recognises it.
[[nodiscard]] FilePreview previewFile(const std::filesystem::path& file, const ImportOptions& options,
                                      std::size_t keepRows = 20,
                                      const std::filesystem::path& workspace = {},
                                      const ImporterRegistry& registry = ImporterRegistry::instance());

// A few lines for the CLI: format, counts, sources, the first rows and the bad rows.
[[nodiscard]] std::string renderFilePreview(const FilePreview& preview, std::size_t shownRows = 3);

}  // namespace ladder::data
