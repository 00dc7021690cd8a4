// The demo on real models (`ladder-cli demo init --local`): the whole method inside Ladder on a
// CPU. Three tiny models are trained to different strengths (SFT for different numbers of steps,
// the weakest on the medium simulated model's answers only), each answers every demo prompt
// (greedy, batched: eval::generateSource), and the ladder "local" (large > medium > small) is built
// from those answers, with its curricula. The simulated models' workspace (demo::initWorkspace)
// supplies the prompts and the data the three learn from; its ladder "demo" stays as it is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/demo/demo_workspace.h"
#include "core/pairs/preflight_report.h"

namespace ladder::train {

inline constexpr const char* kLocalLadder = "local";

struct LocalModelPlan {
    std::string name;                // the source its answers are stored under
    int steps = 0;                   // SFT steps
    std::vector<std::string> tiers;  // of the simulated ladder it learns the chosen answers of
};

struct LocalDemoOptions {
    demo::DemoOptions world;  // the simulated workspace: prompts, seed, held-out share
    // Strongest first. Default: 1200 steps on the strong model's answers (tier strong>weak); 300
    // steps on every tier's chosen answers; 60 steps on the medium model's (medium>weak: right two
    // times in three, often wrapped in extra words).
    std::vector<LocalModelPlan> models = {{"local-large", 1200, {"strong>weak"}},
                                          {"local-medium", 300, {}},
                                          {"local-small", 60, {"medium>weak"}}};
    int maxNewTokens = 32;
    int batch = 32;  // prompts answered together
};

struct LocalModelResult {
    std::string name;
    std::int64_t runId = 0;
    int steps = 0;
    std::int64_t answers = 0;
    double correct = 0;  // share the demo judge grades right (exact or off-format)
    double exact = 0;    // right and well formatted
    double trainSeconds = 0;
    double generateSeconds = 0;
};

struct LocalDemoSummary {
    demo::DemoSummary world;
    std::vector<LocalModelResult> models;
    pairs::PreflightReport pairs;  // of the ladder "local"
    std::vector<std::string> curricula;
    double seconds = 0;
};

// Creates the workspace at `path` (as demo::initWorkspace, which refuses an existing file unless
// world.overwrite), then trains, generates and builds. `progress` gets a line per stage and per
// step batch. Throws ladder::Error naming the stage that failed; what was built before stays.
LocalDemoSummary buildLocalDemo(const std::filesystem::path& path, const LocalDemoOptions& options,
                                const std::function<void(const std::string&)>& progress = {});

[[nodiscard]] std::string renderLocalDemoSummary(const LocalDemoSummary& summary);

}  // namespace ladder::train
