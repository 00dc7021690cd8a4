// Run configuration: JSON round trip, typos caught, validation messages, the CLI line.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/train/run_config.h"
#include "core/train/run_notes.h"
#include "tests/support/test_support.h"

namespace ladder::train {
namespace {

TEST(RunConfig, RoundTripsThroughJson) {
    RunConfig c;
    c.name = "dpo easy->hard";
    c.method = "dpo";
    c.loss = {{"beta", 0.2}};
    c.model.kind = "run";
    c.model.runId = 3;
    c.model.checkpointStep = 400;
    c.data.ladder = "demo";
    c.data.tiers = {"strong>weak"};
    c.data.curriculum = "easy-then-hard";
    c.optimizer.lr = 5e-5;
    c.schedule.decay = "linear";
    c.schedule.warmupSteps = 10;
    c.batchSize = 16;
    c.seed = 42;
    c.prefixSharing = false;
    const RunConfig back = parseRunConfig(toJson(c));
    EXPECT_EQ(toJson(back), toJson(c));
    EXPECT_EQ(back.model.checkpointStep, 400);
    EXPECT_EQ(back.data.tiers, std::vector<std::string>{"strong>weak"});
    EXPECT_FALSE(back.prefixSharing);
}

TEST(RunConfig, MemoryOptionsRoundTripAndAreChecked) {
    const RunConfig defaults;
    EXPECT_FALSE(defaults.lora.enabled());  // full fine-tuning unless asked
    EXPECT_EQ(defaults.logitsHead, "auto");
    const RunConfig c = parseRunConfig(nlohmann::json::parse(R"({
        "method": "dpo",
        "lora": {"rank": 16, "alpha": 32, "dropout": 0.05, "target_modules": "all-linear",
                 "save_merged": true},
        "gradient_checkpointing": true, "logits_head": "chunked"})"));
    EXPECT_EQ(c.lora.rank, 16);
    EXPECT_EQ(c.lora.alpha, 32);
    EXPECT_EQ(c.lora.targetModules, std::vector<std::string>{"all-linear"});
    EXPECT_TRUE(c.loraSaveMerged);
    EXPECT_TRUE(c.gradientCheckpointing);
    EXPECT_EQ(c.logitsHead, "chunked");
    EXPECT_EQ(toJson(parseRunConfig(toJson(c))), toJson(c));

    RunConfig bad = c;
    bad.data.ladder = "demo";
    bad.lora.targetModules = {"q_proj", "attn"};
    bad.logitsHead = "fast";
    const auto problems = validate(bad);
    const auto has = [&](const std::string& part) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const std::string& p) { return p.find(part) != std::string::npos; });
    };
    EXPECT_TRUE(has("'attn'"));
    EXPECT_TRUE(has("logits_head"));
    EXPECT_THROW((void)parseRunConfig(nlohmann::json::parse(R"({"lora": {"rnak": 4}})")), Error);
}

TEST(RunConfig, WinRateSectionRoundTripsAndIsOffByDefault) {
    EXPECT_TRUE(RunConfig{}.winRate.reference.empty());  // no reference: no win rate
    const RunConfig c = parseRunConfig(
        {{"data", {{"ladder", "demo"}}},
         {"win_rate",
          {{"every", 100},
           {"prompts", 32},
           {"judge", "command"},
           {"judge_options", {{"argv", {"my-judge", "--fast"}}}},
           {"reference", "medium"},
           {"max_new_tokens", 24}}}});
    EXPECT_EQ(c.winRate.every, 100);
    EXPECT_EQ(c.winRate.prompts, 32);
    EXPECT_EQ(c.winRate.judge, "command");
    EXPECT_EQ(c.winRate.judgeOptions["argv"][1], "--fast");
    EXPECT_EQ(c.winRate.reference, "medium");
    EXPECT_EQ(c.winRate.maxNewTokens, 24);
    EXPECT_TRUE(validate(c).empty());
    EXPECT_EQ(toJson(parseRunConfig(toJson(c))), toJson(c));
    // A typo inside the section names the section.
    try {
        (void)parseRunConfig({{"win_rate", {{"referense", "medium"}}}}, "run.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("win_rate"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)parseRunConfig({{"win_rate", {{"judge_options", "fast"}}}}), Error);
    RunConfig bad = c;
    bad.winRate.prompts = 0;
    bad.winRate.every = -1;
    EXPECT_EQ(validate(bad).size(), 2u);
    // The local judge without its model is a problem before the run, not at its first win rate.
    RunConfig local = c;
    local.winRate.reference = "medium";
    local.winRate.judge = "local";
    ASSERT_EQ(validate(local).size(), 1u);
    EXPECT_NE(validate(local)[0].find("judge_options.model"), std::string::npos);
    local.winRate.judgeOptions = {{"model", "/models/judge"}};
    EXPECT_TRUE(validate(local).empty());
}

TEST(RunConfig, MissingKeysTakeDefaults) {
    const RunConfig c = parseRunConfig({{"method", "sft"}, {"data", {{"ladder", "demo"}}}});
    EXPECT_EQ(c.method, "sft");
    EXPECT_EQ(c.batchSize, RunConfig{}.batchSize);
    EXPECT_EQ(c.model.kind, "tiny");
    EXPECT_TRUE(validate(c).empty());
}

TEST(RunConfig, UnknownKeyIsAnErrorNamingItAndTheFile) {
    try {
        (void)parseRunConfig({{"method", "dpo"}, {"batchsize", 4}}, "my-run.json");
        FAIL();
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("my-run.json"), std::string::npos) << m;
        EXPECT_NE(m.find("batchsize"), std::string::npos) << m;
        EXPECT_NE(m.find("batch_size"), std::string::npos) << m;  // the known keys are listed
    }
    EXPECT_THROW((void)parseRunConfig({{"optimizer", {{"learning_rate", 1e-4}}}}), Error);
}

TEST(RunConfig, WrongTypeIsAnError) {
    EXPECT_THROW((void)parseRunConfig({{"batch_size", "eight"}}), Error);
    EXPECT_THROW((void)parseRunConfig({{"model", {{"checkpoint", "best"}}}}), Error);
}

// Found by fuzz/fuzz_run_config: nlohmann converts 6e52 to an int with undefined behaviour (and
// 1.5 silently to 1); a whole-number field takes whole numbers its type holds.
TEST(RunConfig, WholeNumberFieldsRefuseFractionsAndNumbersTheirTypeCannotHold) {
    const auto errorOf = [](const nlohmann::json& j) {
        return test::errorOf([&] { (void)parseRunConfig(j, "run.json"); });
    };
    std::string what = errorOf({{"data", {{"max_length", 6.4e52}}}});
    EXPECT_NE(what.find("run.json: data: `max_length` is not a whole number in range: 6.4"),
              std::string::npos)
        << what;
    what = errorOf({{"batch_size", 1.5}});
    EXPECT_NE(what.find("`batch_size` is not a whole number in range"), std::string::npos) << what;
    what = errorOf({{"max_steps", 4294967296}});
    EXPECT_NE(what.find("`max_steps` is not a whole number in range"), std::string::npos) << what;
    what = errorOf({{"data", {{"datasets", {1, 1e300}}}}});
    EXPECT_NE(what.find("`datasets` is not a whole number in range"), std::string::npos) << what;
    // A whole number fits a floating-point field.
    EXPECT_NO_THROW((void)parseRunConfig({{"seed", -5}, {"optimizer", {{"lr", 1}}}}));
}

TEST(RunConfig, ValidationNamesEachProblem) {
    RunConfig c;
    c.data.ladder = "demo";
    EXPECT_TRUE(validate(c).empty());
    c.optimizer.lr = 0;
    c.batchSize = 0;
    c.device = "tpu";
    c.model.kind = "pretrained";
    const auto problems = validate(c);
    EXPECT_EQ(problems.size(), 4u);
    c = RunConfig{};
    EXPECT_EQ(validate(c).size(), 1u);  // no ladder chosen
    c.data.ladder = "demo";
    c.dtype = "bfloat16";  // on the CPU too: LoRA or float32 master weights
    EXPECT_TRUE(validate(c).empty());
    c.dtype = "float16";
    EXPECT_EQ(validate(c).size(), 1u);
}

TEST(RunConfig, AWarmupLongerThanTheRunIsANoteNotAProblem) {
    RunConfig c;
    c.data.ladder = "demo";
    c.schedule.warmupSteps = 20;
    c.maxSteps = 5;
    EXPECT_TRUE(validate(c).empty());
    const auto note = warmupNote(c);
    ASSERT_TRUE(note);
    EXPECT_NE(note->find("capped to 5"), std::string::npos) << *note;
    c.maxSteps = 20;
    EXPECT_FALSE(warmupNote(c));
    c.schedule.warmupSteps = -1;
    EXPECT_EQ(validate(c).size(), 1u);
}

TEST(RunConfig, ARunShorterThanItsCurriculumSaysWhichStagesNeverTrain) {
    curriculum::Curriculum c;
    c.name = "easy first";
    for (const char* name : {"easy", "medium", "hard"}) {
        curriculum::Stage s;
        s.name = name;
        s.steps = 105;
        s.tierWeights = {{"a>c", 1.0}};
        c.stages.push_back(s);
    }
    const auto note = curriculumNote(c, 30);
    ASSERT_TRUE(note);
    EXPECT_NE(note->find("315 steps"), std::string::npos) << *note;
    EXPECT_NE(note->find("ends in stage 1 of 3"), std::string::npos) << *note;
    EXPECT_NE(note->find("stages 2-3 (medium, hard) never train"), std::string::npos) << *note;
    EXPECT_NE(curriculumNote(c, 200)->find("stage 3 (hard) never trains"), std::string::npos);
    EXPECT_NE(curriculumNote(c, 300)->find("cut short by 15 steps"), std::string::npos);
    EXPECT_FALSE(curriculumNote(c, 315));
    EXPECT_FALSE(curriculumNote(c, 400));
}

TEST(RunConfig, SavedFileLoadsBackAndBadJsonNamesTheFile) {
    test::TempDir dir;
    RunConfig c;
    c.data.ladder = "demo";
    c.method = "slic";
    saveRunConfig(c, (dir / "run.json").string());
    EXPECT_EQ(loadRunConfig((dir / "run.json").string()).method, "slic");
    test::writeFile(dir / "bad.json", "{\"method\": ");
    try {
        (void)loadRunConfig((dir / "bad.json").string());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
    }
}

TEST(RunConfig, CliCommandQuotesPathsAndNamesTheDevice) {
    RunConfig c;
    c.device = "cuda:1";
    EXPECT_EQ(cliCommand("/data/my study.ladder", "run.json", c),
              "ladder-cli train --workspace '/data/my study.ladder' --config run.json --device cuda:1");
}

}  // namespace
}  // namespace ladder::train
