#include "core/data/file_preview.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/text.h"
#include "core/store/workspace_files.h"

namespace ladder::data {
namespace fs = std::filesystem;

namespace {

std::string promptOf(const std::string& instruction, const std::string& input) {
    return input.empty() ? instruction : instruction + "\n\n" + input;
}

// Counts every row and keeps the first ones; writes nothing.
class PreviewSink final : public ImportSink {
public:
    PreviewSink(FilePreview& preview, std::size_t keep) : m_preview(preview), m_keep(keep) {}

    void addResponse(ResponseRecord&& r) override {
        const std::string prompt = promptOf(r.instruction, r.input);
        ++m_preview.answersBySource[r.source];
        keep({r.at, prompt, r.source, r.output, {}, {}}, prompt);
    }
    void addPair(PairRecord&& r) override {
        const std::string prompt = promptOf(r.instruction, r.input);
        keep({r.at, prompt, "chosen / rejected", r.chosen, r.rejected, {}}, prompt);
    }
    void addVerdict(VerdictRecord&& r) override {
        const std::string prompt = promptOf(r.instruction, r.input);
        std::string verdict = "undecided";
        if (r.preference) {
            verdict = *r.preference == 1.0 ? "1" : *r.preference == 2.0 ? "2" : "tie";
        }
        keep({r.at, prompt, r.source1 + " / " + r.source2, r.output1, r.output2, verdict}, prompt);
    }
    void badRow(const BadRow& bad) override {
        ++m_preview.badRowCount;
        if (m_preview.badRows.size() < kListedBadRows) m_preview.badRows.push_back(bad);
    }

private:
    void keep(PreviewRow&& row, const std::string& prompt) {
        ++m_preview.rows;
        if (m_prompts.insert(prompt).second) ++m_preview.prompts;
        if (m_preview.firstRows.size() < m_keep) m_preview.firstRows.push_back(std::move(row));
    }

    FilePreview& m_preview;
    std::size_t m_keep;
    std::set<std::string> m_prompts;
};

std::string excerpt(const std::string& text, std::size_t chars) {
    std::string flat = text;
    for (char& c : flat) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    const auto cut = text::truncateCodePoints(flat, chars);
    return cut.size() < flat.size() ? std::string(cut) + "..." : flat;
}

}  // namespace

FilePreview previewFile(const fs::path& file, const ImportOptions& options, std::size_t keepRows,
                        const fs::path& workspace, const ImporterRegistry& registry) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        throw Error(file.string() +
                    (fs::exists(file, ec) ? " is not a regular file" : " does not exist") +
                    ": check the path");
    }
    store::refuseDatabaseAsInput(file, workspace, "an import file");
    FilePreview preview;
    preview.file = file.string();
    preview.formats = registry.recognise(file);
    auto importer = options.format.empty() ? registry.detect(file) : registry.create(options.format);
    preview.format = importer->name();
    preview.importerOrigin = registry.origin(preview.format);
    preview.kind = importer->kind();
    ImportOptions scan = options;
    scan.onBadRow = BadRowPolicy::Skip;  // every bad row is listed, none stops the preview
    PreviewSink sink(preview, keepRows);
    try {
        importer->import(file, scan, sink);
    } catch (const nlohmann::json::exception& e) {
        throw Error(file.string() + ": " + e.what() + " (please report this as a Ladder bug)");
    }
    return preview;
}

std::string renderFilePreview(const FilePreview& p, std::size_t shownRows) {
    std::string out;
    const auto line = [&out](const std::string& s) { out += s + "\n"; };
    line(p.file + ": " + p.format + " (" + p.importerOrigin + ", " + toString(p.kind) + "), " +
         std::to_string(p.rows) + " rows, " + std::to_string(p.prompts) + " prompts, " +
         std::to_string(p.badRowCount) + " bad rows; nothing was written");
    if (p.formats.size() > 1) {
        std::string others;
        for (const auto& f : p.formats) {
            if (f.name == p.format) continue;
            others += (others.empty() ? "" : ", ") + f.name + " (" + std::to_string(f.score) + ")";
        }
        line("  also recognised as: " + others + " (choose with --format)");
    }
    for (const auto& [source, n] : p.answersBySource) {
        line("  source " + source + ": " + std::to_string(n) + " answers");
    }
    for (std::size_t i = 0; i < p.firstRows.size() && i < shownRows; ++i) {
        const auto& r = p.firstRows[i];
        line("  line " + std::to_string(r.at.line) + " [" + r.source + "] " + excerpt(r.prompt, 60) +
             " -> " + excerpt(r.first, 60));
    }
    for (const BadRow& b : p.badRows) line("  bad " + describeBadRow(b));
    if (p.badRowCount > static_cast<std::int64_t>(p.badRows.size())) {
        line("  ... and " + std::to_string(p.badRowCount - std::int64_t(p.badRows.size())) +
             " more bad rows");
    }
    if (p.badRowCount > 0) {
        line("  import with --on-bad-row skip to leave them out, or fix the file");
    }
    return out;
}

}  // namespace ladder::data
