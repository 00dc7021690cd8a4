#include "core/data/importer_registry.h"

#include <algorithm>
#include <array>
#include <fstream>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/log.h"
#include "core/data/builtin_importers.h"
#include "core/plugin/plugin_api.h"

namespace ladder::data {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kDetectBytes = 64 * 1024;

std::string knownFormats(const std::vector<ImporterEntry>& entries) {
    return text::join(entries, ", ",
                      [](const ImporterEntry& e) -> std::string_view { return e.name; });
}

}  // namespace

ImporterRegistry::ImporterRegistry() {
    plugin::Registrar builtins;
    addBuiltinImporters(builtins);
    for (const auto& f : builtins.importers()) add(f.name, f.create, "built-in");
}

ImporterRegistry::ImporterRegistry(Empty) {}

ImporterRegistry& ImporterRegistry::instance() {
    static ImporterRegistry registry;
    return registry;
}

void ImporterRegistry::add(const std::string& name,
                           std::function<std::unique_ptr<Importer>()> create,
                           const std::string& origin) {
    const auto probe = create();
    if (!probe) throw Error("importer factory '" + name + "' (" + origin + ") made no importer");
    ImporterEntry entry{name, probe->description(), probe->kind(), origin, std::move(create)};
    std::lock_guard lock(m_mutex);
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [&](const ImporterEntry& e) { return e.name == name; });
    if (it != m_entries.end()) {
        log::get("data")->debug("importer {}: {} replaces {}", name, origin, it->origin);
        *it = std::move(entry);
    } else {
        m_entries.push_back(std::move(entry));
    }
}

std::vector<ImporterEntry> ImporterRegistry::entries() const {
    std::lock_guard lock(m_mutex);
    auto out = m_entries;
    std::sort(out.begin(), out.end(),
              [](const ImporterEntry& a, const ImporterEntry& b) { return a.name < b.name; });
    return out;
}

bool ImporterRegistry::contains(const std::string& name) const {
    std::lock_guard lock(m_mutex);
    return std::any_of(m_entries.begin(), m_entries.end(),
                       [&](const ImporterEntry& e) { return e.name == name; });
}

std::string ImporterRegistry::origin(const std::string& name) const {
    std::lock_guard lock(m_mutex);
    for (const auto& e : m_entries) {
        if (e.name == name) return e.origin;
    }
    return {};
}

std::unique_ptr<Importer> ImporterRegistry::create(const std::string& name) const {
    std::function<std::unique_ptr<Importer>()> make;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& e : m_entries) {
            if (e.name == name) make = e.create;
        }
    }
    if (!make) {
        throw Error("unknown import format '" + name + "': known formats are " +
                    knownFormats(entries()));
    }
    return make();
}

std::vector<ImporterRegistry::Recognition> ImporterRegistry::recognise(const fs::path& file) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot read " + file.string() + ": check that it exists and is readable");
    std::string head(kDetectBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));

    std::vector<Recognition> found;
    for (const auto& e : entries()) {
        const int score = e.create()->detect(file, head);
        if (score > 0) found.push_back({e.name, score});
    }
    // Ties keep the registry's (name) order: the first of equal scores wins, as it always did.
    std::stable_sort(found.begin(), found.end(),
                     [](const Recognition& a, const Recognition& b) { return a.score > b.score; });
    return found;
}

std::unique_ptr<Importer> ImporterRegistry::detect(const fs::path& file) const {
    const auto found = recognise(file);
    if (found.empty()) {
        throw Error("cannot tell the format of " + file.string() +
                    " from its first record: pass --format NAME (one of " +
                    knownFormats(entries()) + ")");
    }
    return create(found.front().name);
}

int registerPluginImporters(const plugin::Registrar& registrar, ImporterRegistry& registry) {
    int count = 0;
    for (const auto& f : registrar.importers()) {
        registry.add(f.name, f.create, "plugin");
        ++count;
    }
    return count;
}

}  // namespace ladder::data
