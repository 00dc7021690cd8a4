// ladder-cli end to end for evaluation: a tiny SFT run with the win rate on, `eval` of its
// checkpoint against the demo's medium model, `evals`, `export-outputs` and judging the exported
// file to the same win rate, `generate` from a run and from a model folder, the length judge from
// the plugin, and `train --from-run` for the DPO preset.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/test_support.h"

namespace ladder::test {
namespace {

// The tiny model of the trainer tests: seconds, not minutes.
constexpr const char* kSftConfig = R"({
  "name": "cli sft", "method": "sft", "template": "chatml",
  "model": {"kind": "tiny", "overrides": {"hidden_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 64}},
  "data": {"ladder": "demo", "max_length": 96, "max_prompt_length": 64},
  "optimizer": {"lr": 0.003}, "batch_size": 4, "max_steps": 4, "threads": 1,
  "eval": {"every": 0, "pairs": 8}, "checkpoint": {"every": 0}, "margin_pairs": 0,
  "win_rate": {"prompts": 8, "reference": "medium", "max_new_tokens": 12}
})";

// "win rate 41.7% ± 14.9%" of a command's output.
std::string winRateLine(const std::string& output) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex("win rate [0-9.]+% ± [0-9.]+%"))) return {};
    return m.str();
}

TEST(LadderCliEval, TrainEvaluateExportAndJudgeTheExportedAnswers) {
    TempDir dir;
    auto run = [&](const std::string& arguments) { return runLadderCli(dir.path(), arguments); };
    ASSERT_EQ(run("demo init demo.ladder --prompts 150 --seed 3 --heldout 0.1").exitCode, 0);
    writeFile(dir / "sft.json", kSftConfig);

    auto r = run("train -w demo.ladder --config sft.json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("step 4: win rate vs medium by demo:"), std::string::npos) << r.output;

    r =
        run("eval -w demo.ladder --run 1 --reference medium --judge demo --prompts 8 "
            "--max-new-tokens 12 --show 2");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("run 1 (cli sft) step 4 vs medium, judge demo"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("stored as evaluation 2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  reference: "), std::string::npos) << r.output;
    const std::string evaluated = winRateLine(r.output);
    ASSERT_FALSE(evaluated.empty()) << r.output;

    r = run("evals -w demo.ladder");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("1 cli sft"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\n2 "), std::string::npos) << r.output;

    r = run("export-outputs -w demo.ladder --eval 2 --out answers.json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(readFile(dir / "answers.json").find("\"generator\": \"cli sft\""), std::string::npos);
    r =
        run("eval -w demo.ladder --outputs answers.json --reference medium --judge demo "
            "--ladder demo --prompts 8 --no-store");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(winRateLine(r.output), evaluated) << r.output;

    r =
        run("generate -w demo.ladder --run 1 --prompt 'Reverse the word: garden' --ids "
            "--max-new-tokens 8");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("generated ids ("), std::string::npos) << r.output;
    r =
        run("generate --model demo.checkpoints/run-1/step-4 --template chatml --prompt hello "
            "--greedy --max-new-tokens 4 --ids");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("prompt ids ("), std::string::npos) << r.output;

    r = run("eval -w demo.ladder --run 1 --reference nobody --judge demo");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("the source 'nobody' is not in"), std::string::npos) << r.output;

    writeFile(dir / "dpo.json", R"({"method": "dpo", "template": "chatml",
        "model": {"kind": "run", "run": 99}, "data": {"ladder": "demo", "max_length": 96,
        "max_prompt_length": 64}, "batch_size": 4, "max_steps": 2, "threads": 1,
        "checkpoint": {"every": 0}, "margin_pairs": 0})");
    r = run("train -w demo.ladder --config dpo.json --from-run 1");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = run("runs -w demo.ladder");
    EXPECT_NE(r.output.find("    2  finished           dpo"), std::string::npos) << r.output;
}

TEST(LadderCliEval, PluginsListJudgesAndLossesAndTheLengthJudgeRuns) {
    if (!LADDER_HAS_JUDGES_PLUGIN) GTEST_SKIP() << "plugins are not built";
    TempDir dir;
    auto r = runLadderCli(dir.path(), "plugins");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("ladder-judges"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("judge     length"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  length       plugin"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  command      built-in"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  dpo "), std::string::npos) << r.output;

    ASSERT_EQ(runLadderCli(dir.path(), "demo init demo.ladder --prompts 100 --seed 3").exitCode, 0);
    ASSERT_EQ(runLadderCli(dir.path(),
                           "export-outputs -w demo.ladder --source strong "
                           "--out strong.json")
                  .exitCode,
              0);
    r = runLadderCli(dir.path(),
                     "eval -w demo.ladder --outputs strong.json --reference weak "
                     "--judge length --all-prompts");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("judge length"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("by answer length:"), std::string::npos) << r.output;
}

TEST(LadderCliEval, TrainDryRunEstimatesMemoryStoresNothingAndRefusesARunThatWillNotFit) {
    TempDir dir;
    auto run = [&](const std::string& arguments) { return runLadderCli(dir.path(), arguments); };
    ASSERT_EQ(run("demo init demo.ladder --prompts 60 --seed 4").exitCode, 0);
    writeFile(dir / "sft.json", kSftConfig);
    auto r = run("train -w demo.ladder --config sft.json --dry-run");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("memory estimate (batch 4 pairs, prompt 64 + answers 32 tokens at the caps, "
                            "full fine-tuning"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("trained parameters: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("of the token slots are padding (packed rows"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("fits: "), std::string::npos) << r.output;
    EXPECT_NE(run("runs -w demo.ladder").output.find("no runs"), std::string::npos);

    ::setenv("LADDER_MEMORY_LIMIT", "1000000", 1);  // 1 MB free: the child inherits it
    r = run("train -w demo.ladder --config sft.json --dry-run");
    ::unsetenv("LADDER_MEMORY_LIMIT");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("will not fit: the run needs about "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("To fit: "), std::string::npos) << r.output;
    EXPECT_NE(run("runs -w demo.ladder").output.find("no runs"), std::string::npos);

    // A CUDA run is held against the device's free memory (here a 1 MB GPU), not the CPU's.
    ::setenv("LADDER_GPU_MEMORY_LIMIT", "1000000", 1);
    r = run("train -w demo.ladder --config sft.json --device cuda --dry-run");
    const auto cpu = run("train -w demo.ladder --config sft.json --device cpu --dry-run");
    ::unsetenv("LADDER_GPU_MEMORY_LIMIT");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("will not fit on cuda: the run needs about "), std::string::npos) << r.output;
    EXPECT_EQ(cpu.exitCode, 0) << cpu.output;
}

TEST(LadderCliEval, GenerateSourceStoresARunsAnswersAsASourceAndTheSameCommandFindsThemStored) {
    TempDir dir;
    auto run = [&](const std::string& arguments) { return runLadderCli(dir.path(), arguments); };
    ASSERT_EQ(run("demo init demo.ladder --prompts 60 --seed 4").exitCode, 0);
    writeFile(dir / "sft.json", kSftConfig);
    ASSERT_EQ(run("train -w demo.ladder --config sft.json --no-win-rate").exitCode, 0);
    const std::string command =
        "generate-source -w demo.ladder --run 1 --name local --prompts 12 --max-new-tokens 8 "
        "--batch 4";
    auto r = run(command);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("source local: 12 answers stored"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("next: put it on a ladder"), std::string::npos) << r.output;
    r = run(command);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("source local: its 12 answers with these settings are already stored"),
              std::string::npos)
        << r.output;
    // Other settings under the same name are refused, naming the way out.
    r = run("generate-source -w demo.ladder --run 1 --name local --prompts 12 --max-new-tokens 9");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("give the new answers another --name"), std::string::npos) << r.output;
    // The new source is a rung like any imported one.
    r = run("ladder set -w demo.ladder mine strong local");
    EXPECT_EQ(r.exitCode, 0) << r.output;

    // Prompts of the user's own, one of them new to the workspace: answered in the file's order.
    writeFile(dir / "mine.jsonl",
              "{\"instruction\": \"Reverse the word: lantern\"}\n"
              "{\"instruction\": \"Add 12 and 30\", \"dataset\": \"mine\"}\n");
    r = run("generate-source -w demo.ladder --run 1 --name own --prompts mine.jsonl "
            "--max-new-tokens 4");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("source own: 2 answers stored"), std::string::npos) << r.output;
    r = run("generate-source -w demo.ladder --run 1 --name own2 --prompts missing.jsonl");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("missing.jsonl: no such file"), std::string::npos) << r.output;
}

// A local model as the judge: of a ladder's pairs (stored verdicts, held against the ladder and
// the demo judge) and of a run's answers (asked both ways round). The model here is the tiny run's
// own checkpoint: what is tested is the path, not the judgement.
TEST(LadderCliEval, ALocalModelJudgesPairsAndAnswers) {
    TempDir dir;
    auto run = [&](const std::string& arguments) { return runLadderCli(dir.path(), arguments); };
    ASSERT_EQ(run("demo init demo.ladder --prompts 60 --seed 4 --heldout 0.2").exitCode, 0);
    writeFile(dir / "sft.json", kSftConfig);
    ASSERT_EQ(run("train -w demo.ladder --config sft.json --no-win-rate").exitCode, 0);
    std::filesystem::path model;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "demo.checkpoints")) {
        if (e.path().filename() == "config.json") model = e.path().parent_path();
    }
    ASSERT_FALSE(model.empty());
    const std::string judge = "--judge local --judge-model " + model.string();
    auto r = run("pairs judge -w demo.ladder --ladder demo --limit 6 " + judge);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find(": 6 of 6 pairs have its verdict"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" and demo-judge prefer the same answer in "), std::string::npos) << r.output;
    r = run("pairs stats -w demo.ladder");
    EXPECT_NE(r.output.find("local:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("judges against each other"), std::string::npos) << r.output;

    r = run("eval -w demo.ladder --run 1 --reference medium --prompts 4 --max-new-tokens 4 " + judge);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find(", judge local:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("position: both orders agree on "), std::string::npos) << r.output;
    r = run("eval -w demo.ladder --run 1 --reference medium --prompts 4 --judge local");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("--judge-model DIR"), std::string::npos) << r.output;
}

// K sampled answers of one model to each prompt, ranked by a judge: a tier of its own.
TEST(LadderCliEval, SamplesOfOneModelMakeATierOfTheirOwn) {
    TempDir dir;
    auto run = [&](const std::string& arguments) { return runLadderCli(dir.path(), arguments); };
    ASSERT_EQ(run("demo init demo.ladder --prompts 60 --seed 4").exitCode, 0);
    writeFile(dir / "sft.json", kSftConfig);
    ASSERT_EQ(run("train -w demo.ladder --config sft.json --no-win-rate").exitCode, 0);
    auto r = run("generate-source -w demo.ladder --run 1 --name sampled --prompts 12 "
                 "--samples-per-prompt 3 --temperature 1.5 --seed 2 --max-new-tokens 6");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = run("pairs self-rank -w demo.ladder --source sampled --judge demo");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("ladder sampled-self, tier sampled:best>worst: "), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find(" from 12 prompts with several answers"), std::string::npos) << r.output;
    r = run("pairs stats -w demo.ladder --ladder sampled-self");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("ladder sampled-self: sampled"), std::string::npos) << r.output;
    r = run("pairs self-rank -w demo.ladder --source strong --judge demo");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("--samples-per-prompt"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ladder::test
