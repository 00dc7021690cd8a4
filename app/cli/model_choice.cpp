#include "app/cli/model_choice.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/format/text_format.h"
#include "core/model/checkpoint.h"
#include "core/store/runs.h"
#include "core/train/model_source.h"
#include "core/train/training_checkpoint.h"

namespace ladder::cli {
namespace fs = std::filesystem;

namespace {

std::int64_t checkpointStep(const std::string& text) {
    if (text == "latest" || text.empty()) return -1;
    try {
        std::size_t used = 0;
        const long long step = std::stoll(text, &used);
        if (used == text.size() && step >= 0) return step;
    } catch (const std::exception&) {
    }
    throw Error("--checkpoint takes a step number or `latest`, not '" + text + "'");
}

}  // namespace

LoadedModel loadModel(const CliContext& context, const ModelChoice& choice) {
    if (choice.modelDir.empty() == (choice.run == 0)) {
        throw Error(
            "say which model: --model DIR (a Hugging Face folder) or --run R (a run's "
            "checkpoint), one of them");
    }
    LoadedModel out;
    fs::path folder;
    if (choice.run > 0) {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        const auto run = store::RunStore(ws.db()).get(choice.run);
        out.runConfig = train::parseRunConfig(json::parseText(run.configJson, "the run config"),
                                              "the stored config of run " + std::to_string(run.id));
        folder = train::runCheckpointFolder(ws, choice.run, checkpointStep(choice.checkpoint));
        out.target.runId = run.id;
        for (const auto& c : store::RunStore(ws.db()).checkpoints(run.id)) {
            std::error_code ec;
            if (fs::weakly_canonical(ws.checkpointDir() / c.path, ec) == folder) {
                out.target.step = c.step;
                out.target.checkpointId = c.id;
            }
        }
        out.target.generator = run.name;
        out.templateName = out.runConfig->templateName;
    } else {
        folder = choice.modelDir;
        out.target.generator = fs::path(choice.modelDir).filename().string();
        if (out.target.generator.empty()) out.target.generator = choice.modelDir;
        out.templateName = "auto";
    }
    if (!choice.templateName.empty()) out.templateName = choice.templateName;
    out.folder = folder.string();
    out.model = model::loadPretrained(folder, model::parseDevice(choice.device), torch::kFloat);
    out.tokenizer = std::shared_ptr<tokenizer::Tokenizer>(tokenizer::loadModelTokenizer(folder));
    out.tokenizer->checkFitsModel(static_cast<int>(out.model->config().vocabSize), folder.string());
    return out;
}

void addModelOptions(CLI::App& command, ModelChoice& choice) {
    command.add_option("--model", choice.modelDir, "A Hugging Face model folder");
    command.add_option("--run", choice.run, "A run of the workspace (its checkpoint)");
    command.add_option("--checkpoint", choice.checkpoint,
                       "The run's checkpoint: a step number or latest (default)");
    command
        .add_option("--template", choice.templateName,
                    "Prompt template: auto (the model's chat template, else alpaca), model, "
                    "alpaca, chatml or raw (default: the run's; auto for --model)")
        ->check(CLI::IsMember(format::templateSettings()));
    command.add_option("--device", choice.device, "cpu, cuda or cuda:N");
}

}  // namespace ladder::cli
