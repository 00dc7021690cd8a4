// Finds and loads plugins (dlopen), checks their API version, and collects what they register.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/plugin/plugin_api.h"

namespace ladder::plugin {

struct LoadedPlugin {
    PluginInfo info;
    std::filesystem::path file;
};

struct PluginLoadError {
    std::filesystem::path file;
    std::string message;  // says what to do ("rebuild it against Ladder's plugin API 1")
};

class PluginHost {
public:
    PluginHost() = default;
    ~PluginHost();  // plugins stay loaded for the life of the process (their code may be in use)
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Loads one plugin file. Returns false and records an error for a file that is not a Ladder
    // plugin, was built against another API version, or fails to register.
    bool load(const std::filesystem::path& file);
    // Loads every *.so in a folder (a missing folder is not an error). Returns how many loaded.
    int loadDirectory(const std::filesystem::path& folder);
    // The install folder (bin/../lib/ladder/plugins, the same in the build tree) and the user's
    // ~/.local/share/ladder/plugins; LADDER_PLUGIN_PATH (colon separated, absolute folders only)
    // is searched first. Never the current folder or a workspace's folder; no user plugins
    // without a home folder. A file or folder that others may write is refused (an error says so).
    int loadDefaultLocations();

    [[nodiscard]] const Registrar& registrar() const { return m_registrar; }
    [[nodiscard]] const std::vector<LoadedPlugin>& loaded() const { return m_loaded; }
    [[nodiscard]] const std::vector<PluginLoadError>& errors() const { return m_errors; }

    // Folders loadDefaultLocations() searches, in order.
    [[nodiscard]] static std::vector<std::filesystem::path> defaultLocations();
    // Why a place is not searched (a relative LADDER_PLUGIN_PATH entry, no home folder), one
    // message each; empty when every place is.
    [[nodiscard]] static std::vector<std::string> skippedLocations();

private:
    Registrar m_registrar;
    std::vector<LoadedPlugin> m_loaded;
    std::vector<PluginLoadError> m_errors;
    std::vector<void*> m_handles;
};

}  // namespace ladder::plugin
