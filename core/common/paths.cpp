#include "core/common/paths.h"

#include <cstdlib>

namespace ladder::paths {
namespace {

// An XDG variable counts only when it is set to an absolute path (the specification says so).
std::filesystem::path xdg(const char* variable, const char* fallbackUnderHome) {
    if (const char* value = std::getenv(variable); value && value[0] == '/') {
        return std::filesystem::path(value) / "ladder";
    }
    return homeDir() / fallbackUnderHome / "ladder";
}

}  // namespace

std::filesystem::path homeDir() {
    if (const char* home = std::getenv("HOME"); home && home[0] != '\0') return home;
    return std::filesystem::temp_directory_path();
}

std::filesystem::path stateDir() { return xdg("XDG_STATE_HOME", ".local/state"); }
std::filesystem::path dataDir() { return xdg("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path configDir() { return xdg("XDG_CONFIG_HOME", ".config"); }
std::filesystem::path userPluginDir() { return dataDir() / "plugins"; }

std::filesystem::path executableDir() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace ladder::paths
