// Where Ladder keeps per-user files, following the XDG base directory specification.
#pragma once

#include <filesystem>

namespace ladder::paths {

// $HOME, else the user's entry in the password database; empty when neither names a folder.
std::filesystem::path homeDir();
// <tmp>/ladder-<uid>, made private (0700) and checked to be this user's: per-user files of a
// process without a home. Never a place plugins are loaded from.
std::filesystem::path privateTempDir();
std::filesystem::path stateDir();   // $XDG_STATE_HOME/ladder  (logs)
std::filesystem::path dataDir();    // $XDG_DATA_HOME/ladder   (plugins, demo workspace)
std::filesystem::path configDir();  // $XDG_CONFIG_HOME/ladder
// $XDG_DATA_HOME/ladder/plugins or ~/.local/share/ladder/plugins; empty without a home (then no
// user plugins are loaded).
std::filesystem::path userPluginDir();
// The folder of the running program (/proc/self/exe); empty when it cannot be read. Plugins and
// presets are found relative to it (bin/../lib, bin/../share), in an install and a build tree.
std::filesystem::path executableDir();

}  // namespace ladder::paths
