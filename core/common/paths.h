// Where Ladder keeps per-user files, following the XDG base directory specification.
#pragma once

#include <filesystem>

namespace ladder::paths {

std::filesystem::path homeDir();
std::filesystem::path stateDir();   // $XDG_STATE_HOME/ladder  (logs)
std::filesystem::path dataDir();    // $XDG_DATA_HOME/ladder   (plugins, demo workspace)
std::filesystem::path configDir();  // $XDG_CONFIG_HOME/ladder
std::filesystem::path userPluginDir();  // dataDir()/plugins
// The folder of the running program (/proc/self/exe); empty when it cannot be read. Plugins and
// presets are found relative to it (bin/../lib, bin/../share), in an install and a build tree.
std::filesystem::path executableDir();

}  // namespace ladder::paths
