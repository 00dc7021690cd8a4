// A study: one base run configuration, named variants of it, a grid over configuration keys (the
// seed among them) and, optionally, a parent run that every run starts from (SFT before DPO),
// expanded into the runs it stands for. What `ladder-cli study run FILE` reads. No LibTorch.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/run_config.h"

namespace ladder::study {

// One run of a study.
struct StudyPoint {
    // "variant=dpo uniform;seed=1": names the run in the workspace (study_runs.point), stable
    // across `study run`s of the same file.
    std::string key;
    std::string variant;  // the variant's name, or "parent"
    std::vector<std::pair<std::string, nlohmann::json>> settings;  // grid key and its value here
    bool isParent = false;
    std::string parentKey;    // the parent point this run starts from; empty: none
    train::RunConfig config;  // complete; a run with a parent gets model.run when that has one
};

struct StudySpec {
    std::string name;
    int parallel = 1;                   // runs at a time (one process, its cores shared)
    std::vector<std::string> metrics;   // what the table shows, in order
    std::string baseline;               // a group the others are compared with, by seed; "" none
    std::vector<std::string> gridKeys;  // the varied keys, "seed" first when it is one of them
    nlohmann::json resolved;            // the file with every config it names read in: stored
    std::vector<StudyPoint> points;     // parents first, then seed by seed
};

// The metrics a study table shows when its file names none.
[[nodiscard]] const std::vector<std::string>& defaultStudyMetrics();

// Reads a study. Keys:
//   name      the study's name in the workspace (required)
//   base      a run config: an object, or a file relative to `folder` (required)
//   variants  [{"name": ..., "config": object or file (default: base), "set": {"a.b": value}}];
//             default: one variant, "base"
//   grid      {"seed": [0, 1, 2], "loss.beta": [0.1, 0.5]}: every combination, for each variant
//   set       {"a.b": value}: changes to every run's config, the parent's too (before a variant's)
//   parent    a run config (object or file) trained once per seed; every run starts from it
//   parallel  runs at a time (default 1)
//   metrics   the table's columns (default defaultStudyMetrics())
//   baseline  a group ("sft continued", "parent") whose values the table also subtracts, seed by
//   seed
// Keys of "set" and "grid" are dotted paths in the run config ("optimizer.lr"); a wrong key or
// value is an error naming the study, the variant and the key, as parseRunConfig words it.
[[nodiscard]] StudySpec parseStudy(const nlohmann::json& json, const std::filesystem::path& folder,
                                   const std::string& origin = "study");
[[nodiscard]] StudySpec loadStudy(const std::filesystem::path& file);

// "dpo uniform, seed 1, loss.beta 0.5": a point's part of its run name, and (without the seed)
// the label of its group in the table.
[[nodiscard]] std::string pointLabel(const StudyPoint& point, bool withSeed = true);
// "<study> · <pointLabel>": the run's name.
[[nodiscard]] std::string runName(const StudySpec& spec, const StudyPoint& point);

}  // namespace ladder::study
