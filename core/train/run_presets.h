// Ready-made run configurations (resources/presets/*.json): the demo runs and the paper's
// experiments, found beside the program (bin/../share/ladder/presets), in the source tree when
// running from a build folder, and in the user's data folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ladder::train {

struct RunPreset {
    std::string name;              // the file's stem: "demo-dpo-easy"
    std::filesystem::path path;
    std::string title;             // the config's "name", or the stem when it has none
};

// Where presets are looked for, in order (existing folders only): $LADDER_PRESET_PATH (colon
// separated), bin/../share/ladder/presets, the source tree's resources/presets (a build folder),
// then ~/.local/share/ladder/presets.
[[nodiscard]] std::vector<std::filesystem::path> presetFolders();

// Every *.json of the folders, by name; where two folders hold the same name the first wins.
// A file that is not valid JSON is listed with its stem as the title (loading it reports why).
[[nodiscard]] std::vector<RunPreset> listRunPresets(
    const std::vector<std::filesystem::path>& folders = presetFolders());

}  // namespace ladder::train
