#include "core/train/model_source.h"

#include <mutex>

#include "core/train/memory_estimate.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/checkpoint.h"
#include "core/model/model_config.h"
#include "core/store/checkpoint_paths.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/pair_preview.h"
#include "core/train/training_checkpoint.h"

namespace ladder::train {
namespace fs = std::filesystem;

fs::path runCheckpointFolder(store::Workspace& workspace, std::int64_t runId, std::int64_t step) {
    store::RunStore runs(workspace.db());
    const auto run = runs.get(runId);
    const auto all = runs.checkpoints(runId);
    if (all.empty()) {
        throw Error("run " + std::to_string(runId) + " (" + run.name +
                    ") has no checkpoint yet: start from another run, or let it finish");
    }
    const store::CheckpointRecord* chosen = nullptr;
    if (step < 0) {
        chosen = &all.back();
    } else {
        for (const auto& c : all) {
            if (c.step == step) chosen = &c;
        }
    }
    if (!chosen) {
        std::string steps;
        for (const auto& c : all) steps += (steps.empty() ? "" : ", ") + std::to_string(c.step);
        throw Error("run " + std::to_string(runId) + " has no checkpoint at step " +
                    std::to_string(step) + " (it has: " + steps + ")");
    }
    std::string why;
    const auto owned =
        store::ownedCheckpointFolder(workspace.checkpointDir(), runId, chosen->path, &why);
    if (!owned) {
        throw Error("the checkpoint of run " + std::to_string(runId) + " at step " +
                    std::to_string(chosen->step) + " is recorded as '" + chosen->path + "', which " +
                    why + ": Ladder reads checkpoints only from the workspace's checkpoints folder");
    }
    const fs::path folder = *owned;
    if (!fs::is_directory(folder)) {
        throw Error("the checkpoint folder " + folder.string() + " of run " + std::to_string(runId) +
                    " is missing (moved or deleted?)");
    }
    return folder;
}

std::int64_t resolveStartRun(store::Database& db, const ModelSpec& spec) {
    if (spec.runId != kLatestSftRun) return spec.runId;
    const auto sft = store::RunStore(db).latestFinished("sft");
    if (!sft) {
        throw Error("the model starts from the latest finished SFT run (model.run 0), but this "
                    "workspace has none: train one first (resources/presets/demo-sft.json), or "
                    "set model.run to a run id");
    }
    return sft->id;
}

namespace {

// The tokenizer of a model read from `folder` (kind pretrained or run), or the override.
std::shared_ptr<tokenizer::Tokenizer> tokenizerOf(const std::string& kind, const fs::path& folder,
                                                  const std::string& tokenizerOverride) {
    if (!tokenizerOverride.empty()) {
        return std::shared_ptr<tokenizer::Tokenizer>(tokenizer::loadTokenizer(tokenizerOverride));
    }
    if (kind == "tiny") return std::make_shared<tokenizer::ByteTokenizer>();
    if (kind == "run") return std::shared_ptr<tokenizer::Tokenizer>(tokenizer::loadModelTokenizer(folder));
    return std::shared_ptr<tokenizer::Tokenizer>(tokenizer::loadTokenizer(folder));
}

fs::path specFolder(store::Workspace& workspace, const ModelSpec& spec) {
    if (spec.kind == "pretrained") return spec.path;
    if (spec.kind == "run") {
        return runCheckpointFolder(workspace, resolveStartRun(workspace.db(), spec),
                                   spec.checkpointStep);
    }
    return {};
}

}  // namespace

std::shared_ptr<tokenizer::Tokenizer> loadSpecTokenizer(store::Workspace& workspace,
                                                        const ModelSpec& spec,
                                                        const std::string& tokenizerOverride) {
    if (spec.kind != "tiny" && spec.kind != "pretrained" && spec.kind != "run") {
        throw Error("model kind must be tiny, pretrained or run, not '" + spec.kind + "'");
    }
    return tokenizerOf(spec.kind, specFolder(workspace, spec), tokenizerOverride);
}

model::ModelConfig specModelConfig(store::Workspace& workspace, const ModelSpec& spec) {
    if (spec.kind == "tiny") {
        nlohmann::json config = model::configToHfJson(model::ModelConfig::tiny());
        for (const auto& [key, value] : spec.overrides.items()) config[key] = value;
        return model::configFromHfJson(config, "the tiny model's overrides");
    }
    if (spec.kind != "pretrained" && spec.kind != "run") {
        throw Error("model kind must be tiny, pretrained or run, not '" + spec.kind + "'");
    }
    return model::readConfigJson(specFolder(workspace, spec) / "config.json");
}

LoadedModel loadModelSpec(store::Workspace& workspace, const ModelSpec& spec,
                          const std::string& tokenizerOverride, torch::Device device,
                          std::int64_t seed) {
    LoadedModel out;
    if (spec.kind == "tiny") {
        const auto cfg = specModelConfig(workspace, spec);
        // Seeding LibTorch's global generator and drawing the weights is one step: two runs that
        // start at once in one process (the window's queue beside a study, a data-parallel run's
        // ranks as threads) would otherwise draw from each other's sequence, and a seed would not
        // give its weights (nor a resumed run its reference key).
        static std::mutex seeding;
        const std::lock_guard lock(seeding);
        torch::manual_seed(static_cast<std::uint64_t>(seed));
        out.model = model::buildModel(cfg, device, torch::kFloat);
        out.description = "tiny (from scratch, seed " + std::to_string(seed) + ")";
    } else if (spec.kind == "pretrained") {
        out.folder = spec.path;
        out.model = model::loadPretrained(out.folder, device, torch::kFloat);
        out.description = out.folder.string();
    } else if (spec.kind == "run") {
        const std::int64_t runId = resolveStartRun(workspace.db(), spec);
        out.folder = runCheckpointFolder(workspace, runId, spec.checkpointStep);
        out.model = model::loadPretrained(out.folder, device, torch::kFloat);
        out.description = "run " + std::to_string(runId) + " (" + out.folder.filename().string() + ")";
    } else {
        throw Error("model kind must be tiny, pretrained or run, not '" + spec.kind + "'");
    }
    out.tokenizer = tokenizerOf(spec.kind, out.folder, tokenizerOverride);
    out.tokenizer->checkFitsModel(static_cast<int>(out.model->config().vocabSize),
                                  out.description);
    return out;
}

AnsweringModel loadAnsweringModel(store::Workspace& workspace, std::int64_t runId,
                                  const std::filesystem::path& folder) {
    AnsweringModel out;
    ModelSpec spec;
    if (runId > 0) {
        spec.kind = "run";
        spec.runId = runId;
        spec.checkpointStep = -1;
        const auto run = store::RunStore(workspace.db()).get(runId);
        out.runConfig = parseRunConfig(json::parseText(run.configJson, "the run config"),
                                       "the stored config of run " + std::to_string(run.id));
        out.templateName = out.runConfig->templateName;
    } else {
        spec.kind = "pretrained";
        spec.path = folder.string();
    }
    out.loaded = loadModelSpec(workspace, spec, "", torch::kCPU, 0);
    return out;
}

}  // namespace ladder::train
