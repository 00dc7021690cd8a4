// Which importers exist, by name: the built-ins and those that plugins register. A name maps to one
// importer. The `ladder-importers` plugin is built from the same sources as the built-ins and
// registers the same names; registerPluginImporters() lets a plugin's importer take over a name,
// so the plugin serves those formats when it is installed and the built-ins when it is missing or
// fails to load. Nothing is registered twice, and `import` always reads AlpacaEval and JSONL.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/data/importer.h"

namespace ladder::plugin {
class Registrar;
}

namespace ladder::data {

struct ImporterEntry {
    std::string name;
    std::string description;
    DatasetKind kind = DatasetKind::Responses;
    std::string origin;  // "built-in" or "plugin"
    std::function<std::unique_ptr<Importer>()> create;
};

class ImporterRegistry {
public:
    // The built-in importers.
    ImporterRegistry();
    // No importers at all (tests that register their own).
    struct Empty {};
    explicit ImporterRegistry(Empty);
    ImporterRegistry(const ImporterRegistry&) = delete;
    ImporterRegistry& operator=(const ImporterRegistry&) = delete;

    // The process-wide registry of the CLI and the window (built-ins + registered plugins).
    static ImporterRegistry& instance();

    // Adds an importer, replacing one of the same name (see the file comment).
    void add(const std::string& name, std::function<std::unique_ptr<Importer>()> create,
             const std::string& origin);

    [[nodiscard]] std::vector<ImporterEntry> entries() const;  // sorted by name
    [[nodiscard]] bool contains(const std::string& name) const;
    // Throws ladder::Error listing the known formats when the name is unknown.
    [[nodiscard]] std::unique_ptr<Importer> create(const std::string& name) const;
    // The importer that scores highest on the file's first bytes; throws ladder::Error naming the
    // file and the formats when none recognises it (the user then passes --format).
    [[nodiscard]] std::unique_ptr<Importer> detect(const std::filesystem::path& file) const;
    // Every importer that recognises the file (score > 0), the surest first: the choice a window
    // offers. Throws ladder::Error when the file cannot be read.
    struct Recognition {
        std::string name;
        int score = 0;
    };
    [[nodiscard]] std::vector<Recognition> recognise(const std::filesystem::path& file) const;
    [[nodiscard]] std::string origin(const std::string& name) const;

private:
    mutable std::mutex m_mutex;
    std::vector<ImporterEntry> m_entries;
};

// Adds the importers a plugin host collected; returns how many. See the file comment for names
// that the built-ins already have.
int registerPluginImporters(const plugin::Registrar& registrar,
                            ImporterRegistry& registry = ImporterRegistry::instance());

}  // namespace ladder::data
