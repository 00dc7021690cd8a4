#include "core/train/run_presets.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/common/json_read.h"
#include "core/common/lists.h"
#include "core/common/paths.h"

namespace ladder::train {
namespace fs = std::filesystem;

namespace {

std::string titleOf(const fs::path& file) {
    std::ifstream in(file);
    const auto j = json::parseOrDiscarded(std::string(std::istreambuf_iterator<char>(in), {}));
    if (j.is_object() && j.contains("name") && j["name"].is_string() &&
        !j["name"].get<std::string>().empty()) {
        return j["name"].get<std::string>();
    }
    return file.stem().string();
}

}  // namespace

std::vector<fs::path> presetFolders() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("LADDER_PRESET_PATH"); env && *env) {
        for (const auto& part : text::split(env, ':')) {
            if (!part.empty()) candidates.emplace_back(part);
        }
    }
    if (const fs::path exe = paths::executableDir(); !exe.empty()) {
        candidates.push_back((exe / ".." / "share" / "ladder" / "presets").lexically_normal());
    }
#ifdef LADDER_SOURCE_PRESET_DIR
    candidates.emplace_back(LADDER_SOURCE_PRESET_DIR);
#endif
    candidates.push_back(paths::dataDir() / "presets");
    std::vector<fs::path> out;
    for (const auto& c : candidates) {
        std::error_code ec;
        if (fs::is_directory(c, ec) && std::find(out.begin(), out.end(), c) == out.end()) {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<RunPreset> listRunPresets(const std::vector<fs::path>& folders) {
    std::map<std::string, RunPreset> byName;
    for (const auto& folder : folders) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
            const std::string name = entry.path().stem().string();
            if (byName.count(name)) continue;
            byName[name] = {name, entry.path(), titleOf(entry.path())};
        }
    }
    std::vector<RunPreset> out;
    for (auto& [name, preset] : byName) out.push_back(std::move(preset));
    return out;
}

}  // namespace ladder::train
