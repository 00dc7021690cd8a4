// The importer interface: a file format reader that streams rows into an ImportSink. Importers know
// nothing of the workspace; the sink (DatasetWriter) matches prompts and writes the rows.
// Plugins implement this class (see core/plugin/plugin_api.h); changing it changes
// kPluginApiVersion.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/data/records.h"

namespace ladder::data {

// Receives what an importer reads. badRow() throws ladder::Error under BadRowPolicy::Abort and
// returns under Skip: an importer calls it and moves on to the next row.
class ImportSink {
public:
    virtual ~ImportSink() = default;
    virtual void addResponse(ResponseRecord&& record) = 0;
    virtual void addPair(PairRecord&& record) = 0;
    virtual void addVerdict(VerdictRecord&& record) = 0;
    virtual void badRow(const BadRow& bad) = 0;
};

class Importer {
public:
    virtual ~Importer();

    [[nodiscard]] virtual std::string name() const = 0;         // "alpaca-eval", used by --format
    [[nodiscard]] virtual std::string description() const = 0;  // one line for `import --help`
    [[nodiscard]] virtual DatasetKind kind() const = 0;

    // How sure the importer is that it reads this file: 0 = not at all, 100 = certain. firstBytes
    // is the start of the file (up to 64 KiB), enough for the first record of a JSON/JSONL file.
    [[nodiscard]] virtual int detect(const std::filesystem::path& path,
                                     std::string_view firstBytes) const = 0;

    // Streams the file's rows into the sink. Throws ladder::Error (naming the file) when the file
    // as a whole cannot be read; row problems go to sink.badRow().
    virtual void import(const std::filesystem::path& path, const ImportOptions& options,
                        ImportSink& sink) const = 0;
};

}  // namespace ladder::data
