// Where Ladder keeps per-user files, following the XDG base directory specification.
#pragma once

#include <cstdint>
#include <filesystem>
#include <system_error>

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

// std::filesystem::remove_all's contract (a symlink is removed, never followed; returns how many
// entries went; a missing path is 0), written here because PyPI's LibTorch libraries export their
// own copies of libstdc++'s std::filesystem and a program linked against them binds to those: the
// remove_all of torch 2.11 jumps to a null address (every checkpoint pruning and temporary folder
// crashed on the GPU machine). It uses only directory_iterator and remove.
std::uintmax_t removeTree(const std::filesystem::path& path, std::error_code& ec);
// The same, throwing std::filesystem::filesystem_error.
std::uintmax_t removeTree(const std::filesystem::path& path);

}  // namespace ladder::paths
