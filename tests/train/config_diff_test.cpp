// Comparing run configurations: flattening to dotted keys, which keys differ, how values read,
// and the legend label of each run.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/train/config_diff.h"
#include "core/train/loss.h"
#include "core/train/loss_catalog.h"
#include "core/train/run_config.h"

namespace ladder::train {
namespace {

using nlohmann::json;

TEST(ConfigDiff, FlattensObjectsToDottedKeysAndKeepsListsWhole) {
    const json j = {{"loss", {{"beta", 0.1}}},
                    {"data", {{"tiers", {"a>b", "a>c"}}, {"ladder", "demo"}}},
                    {"seed", 3},
                    {"model", {{"overrides", json::object()}}}};
    const auto flat = flattenJson(j);
    std::map<std::string, json> byKey(flat.begin(), flat.end());
    ASSERT_EQ(byKey.size(), 5u);
    EXPECT_EQ(byKey.at("loss.beta"), 0.1);
    EXPECT_EQ(byKey.at("data.tiers"), json({"a>b", "a>c"}));
    EXPECT_EQ(byKey.at("data.ladder"), "demo");
    EXPECT_EQ(byKey.at("seed"), 3);
    EXPECT_EQ(byKey.at("model.overrides"), json::object());
}

TEST(ConfigDiff, MarksOnlyTheKeysWhoseValuesDifferAndIgnoresTheName) {
    RunConfig a;
    a.name = "first";
    a.method = "dpo";
    a.loss = {{"beta", 0.1}};
    a.data.ladder = "demo";
    RunConfig b = a;
    b.name = "second";
    b.loss = {{"beta", 0.5}};
    b.data.curriculum = "easy-then-hard";
    RunConfig c = a;
    c.name = "third";
    const auto fields = compareConfigs({toJson(a), toJson(b), toJson(c)});
    std::vector<std::string> differing;
    for (const auto& f : fields) {
        EXPECT_NE(f.key, "name");
        if (f.differs) differing.push_back(f.key);
    }
    EXPECT_EQ(differing, (std::vector<std::string>{"loss.beta", "data.curriculum"}));
    // Every setting of the config is listed, the same ones too.
    EXPECT_GT(fields.size(), 20u);
}

TEST(ConfigDiff, AKeyOnlyOneRunHasDiffersAndReadsAsNone) {
    const auto fields = compareConfigs({json{{"loss", {{"beta", 0.1}}}},
                                        json{{"loss", {{"beta", 0.1}, {"epsilon", 0.2}}}}});
    ASSERT_EQ(fields.size(), 2u);
    EXPECT_FALSE(fields[0].differs);
    EXPECT_EQ(fields[1].key, "loss.epsilon");
    EXPECT_TRUE(fields[1].differs);
    EXPECT_EQ(describeValue(fields[1].values[0]), "(none)");
    EXPECT_EQ(describeValue(fields[1].values[1]), "0.2");
}

TEST(ConfigDiff, AnEmptyObjectBesideAnotherRunsKeysUnderItIsNoRowOfItsOwn) {
    const json sft = {{"method", "sft"}, {"loss", json::object()}, {"model", {{"overrides", json::object()}}}};
    const json dpo = {{"method", "dpo"}, {"loss", {{"beta", 0.1}}}, {"model", {{"overrides", json::object()}}}};
    std::vector<std::string> keys;
    for (const auto& f : compareConfigs({sft, dpo})) keys.push_back(f.key);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "loss"), 0);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "loss.beta"), 1);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "model.overrides"), 1);  // nothing under it
}

TEST(ConfigDiff, IntegerAndFloatOfTheSameNumberAreEqual) {
    const auto fields = compareConfigs({json{{"lr", 1}}, json{{"lr", 1.0}}});
    ASSERT_EQ(fields.size(), 1u);
    EXPECT_FALSE(fields[0].differs);
}

TEST(ConfigDiff, ValuesReadWithoutQuotesAndListsJoined) {
    EXPECT_EQ(describeValue(json("easy-then-hard")), "easy-then-hard");
    EXPECT_EQ(describeValue(json({"strong>weak", "medium>weak"})), "strong>weak, medium>weak");
    EXPECT_EQ(describeValue(json::array()), "(all)");
    EXPECT_EQ(describeValue(json(true)), "true");
    EXPECT_EQ(describeValue(json(0.0005)), "0.0005");
}

TEST(ConfigDiff, LegendLabelUsesShortKeysUnlessTheyClash) {
    const json a = {{"loss", {{"beta", 0.1}}}, {"eval", {{"every", 50}}},
                    {"checkpoint", {{"every", 100}}}, {"seed", 1}};
    const json b = {{"loss", {{"beta", 0.5}}}, {"eval", {{"every", 25}}},
                    {"checkpoint", {{"every", 200}}}, {"seed", 1}};
    const auto fields = compareConfigs({a, b});
    EXPECT_EQ(differenceLabel(fields, 0), "beta=0.1, checkpoint.every=100, eval.every=50");
    EXPECT_EQ(differenceLabel(fields, 1, /*maxFields=*/1), "beta=0.5, ...");
    const auto same = compareConfigs({a, a});
    EXPECT_EQ(differenceLabel(same, 0), "");
}

TEST(LossCatalog, ListsEveryBuiltInLossWithItsKnobsAndReferenceNeed) {
    std::map<std::string, LossInfo> byName;
    for (auto& info : lossCatalog()) byName[info.name] = info;
    for (const char* name : {"sft", "dpo", "cdpo", "robust", "ipo", "slic", "hinge"}) {
        EXPECT_TRUE(byName.count(name)) << name;
    }
    EXPECT_FALSE(byName.at("sft").needsReference);
    EXPECT_FALSE(byName.at("sft").usesRejected);
    EXPECT_TRUE(byName.at("sft").parameters.empty());
    EXPECT_TRUE(byName.at("dpo").needsReference);
    EXPECT_DOUBLE_EQ(byName.at("dpo").parameters.at("beta").get<double>(), 0.1);
    EXPECT_FALSE(byName.at("slic").needsReference);
    EXPECT_DOUBLE_EQ(byName.at("slic").parameters.at("delta").get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(byName.at("slic").parameters.at("lambda").get<double>(), 0.1);
    EXPECT_TRUE(byName.at("cdpo").parameters.contains("epsilon"));
}

// A window run leaves a core to the GUI, ladder-cli takes them all: the same config trained both
// ways on one machine stores different threads, and that is no difference of the experiment.
TEST(ConfigDiff, TheThreadsARunUsedAreListedButNeverADifference) {
    RunConfig a;
    a.data.ladder = "demo";
    a.threads = 1;
    RunConfig b = a;
    b.threads = 2;
    bool listed = false;
    for (const auto& f : compareConfigs({toJson(a), toJson(b)})) {
        EXPECT_FALSE(f.differs) << f.key;
        listed = listed || f.key == "threads";
    }
    EXPECT_TRUE(listed);
}

// The launcher lists what lossProblems() finds; the trainer's configure() refuses the very same
// values with the same words, so a config the launcher accepts never fails on its loss.
TEST(LossCatalog, KnobLimitsAreOneCheckForTheFormAndTheLoss) {
    const std::vector<std::pair<std::string, json>> bad = {
        {"dpo", {{"beta", 0.0}}},        {"dpo", {{"nll", -1.0}}},
        {"ipo", {{"beta", -0.5}}},       {"cdpo", {{"epsilon", 0.5}}},
        {"robust", {{"epsilon", -0.1}}}, {"slic", {{"delta", 0.0}}},
        {"slic", {{"lambda", -1.0}}},    {"sft", {{"beta", 0.1}}},
        {"dpo", {{"bta", 0.1}}},         {"dpo", {{"beta", "big"}}}};
    for (const auto& [method, params] : bad) {
        const auto problems = lossProblems(method, params);
        ASSERT_EQ(problems.size(), 1u) << method << " " << params.dump();
        try {
            lossRegistry().create(method)->configure(params);
            ADD_FAILURE() << method << " accepted " << params.dump();
        } catch (const Error& e) {
            EXPECT_EQ(e.what(), problems.front());
        }
    }
    EXPECT_NE(lossProblems("dpo", {{"beta", 0.0}}).front().find("beta must be > 0"), std::string::npos)
        << lossProblems("dpo", {{"beta", 0.0}}).front();
    // Every problem at once, not the first only.
    EXPECT_EQ(lossProblems("cdpo", {{"beta", 0.0}, {"epsilon", 0.7}}).size(), 2u);
    for (const char* fine : {"sft", "dpo", "cdpo", "robust", "ipo", "slic", "hinge"}) {
        EXPECT_TRUE(lossProblems(fine, json::object()).empty()) << fine;
    }
    EXPECT_EQ(lossProblems("nope", json::object()).size(), 1u);
    // And validate() (what both the launcher and the trainer call first) includes them.
    RunConfig c;
    c.data.ladder = "demo";
    c.loss = {{"beta", 0.0}};
    ASSERT_EQ(validate(c).size(), 1u);
    EXPECT_NE(validate(c).front().find("beta"), std::string::npos);
}

TEST(LossCatalog, KnobsSayTheirLimits) {
    std::map<std::string, LossInfo> byName;
    for (auto& info : lossCatalog()) byName[info.name] = info;
    const auto& knobs = byName.at("cdpo").knobs;
    ASSERT_EQ(knobs.size(), 2u);
    EXPECT_EQ(knobs[0].name, "beta");
    EXPECT_EQ(knobs[0].rule(), "> 0");
    EXPECT_EQ(knobs[1].rule(), "in [0, 0.5)");
    EXPECT_TRUE(knobs[1].accepts(0.0));
    EXPECT_FALSE(knobs[1].accepts(0.5));
}

}  // namespace
}  // namespace ladder::train
