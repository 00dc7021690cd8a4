// The demo workspace, what a new user sees first and what tests train on, made offline in seconds:
// the three simulated models' answers as datasets (format "demo"), the ladder "demo"
// (strong > medium > weak), its pairs with a held-out split, the demo judge's verdicts on them,
// and the curriculum presets. `ladder-cli demo init` and the window's `ladder --demo` call it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/pairs/preflight_report.h"

namespace ladder::demo {

inline constexpr const char* kDemoLadder = "demo";

struct DemoOptions {
    int prompts = 3000;      // a few thousand: enough to learn from, a CPU run of minutes
    std::uint64_t seed = 1;  // the same seed makes the same workspace
    double heldoutFraction = 0.05;
    bool overwrite = false;  // replace an existing workspace at the path
};

struct ModelRates {
    std::string model;
    std::int64_t answers = 0;
    double correct = 0;  // share judged correct (exact or off-format)
    double exact = 0;    // share right and well formatted
};

struct DemoSummary {
    std::filesystem::path path;
    std::int64_t prompts = 0;
    std::vector<ModelRates> models;  // measured with the demo judge, strongest first
    pairs::PreflightReport pairs;
    std::int64_t verdicts = 0;
    double judgeAgreement = 0;  // share of pairs where the judge prefers the chosen answer
    std::vector<std::string> curricula;
    double seconds = 0;
};

// ~/.local/share/ladder/demo.ladder (under $XDG_DATA_HOME when set).
[[nodiscard]] std::filesystem::path defaultWorkspacePath();

// Creates the demo workspace at path (and its folder). Throws ladder::Error when the file exists
// and overwrite is off, or it cannot be written.
DemoSummary initWorkspace(const std::filesystem::path& path, const DemoOptions& options = {});

// A few lines for the CLI and the log.
[[nodiscard]] std::string renderDemoSummary(const DemoSummary& summary);

}  // namespace ladder::demo
