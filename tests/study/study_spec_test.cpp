// Study files: variants x grid, seeds outermost, a parent per seed, dotted keys, and errors that
// name the study, the variant and the key.
#include <gtest/gtest.h>

#include "core/study/study_spec.h"
#include "tests/support/test_support.h"

namespace ladder::study {
namespace {

using nlohmann::json;

json baseConfig() {
    return {{"method", "dpo"},
            {"data", {{"ladder", "demo"}}},
            {"optimizer", {{"lr", 0.001}}},
            {"max_steps", 10}};
}

TEST(StudySpec, ExpandsVariantsTimesGridWithSeedsOutermost) {
    const json file = {
        {"name", "s"},
        {"base", baseConfig()},
        {"variants", {{{"name", "a"}}, {{"name", "b"}, {"set", {{"loss.beta", 0.5}}}}}},
        {"grid", {{"optimizer.lr", {0.1, 0.2}}, {"seed", {7, 8}}}}};
    const auto spec = parseStudy(file, {});
    ASSERT_EQ(spec.points.size(), 8u);
    EXPECT_EQ(spec.gridKeys, (std::vector<std::string>{"seed", "optimizer.lr"}));
    EXPECT_EQ(spec.points[0].key, "variant=a;seed=7;optimizer.lr=0.1");
    EXPECT_EQ(spec.points[1].key, "variant=b;seed=7;optimizer.lr=0.1");
    EXPECT_EQ(spec.points[2].key, "variant=a;seed=7;optimizer.lr=0.2");
    EXPECT_EQ(spec.points[4].key, "variant=a;seed=8;optimizer.lr=0.1");
    EXPECT_EQ(spec.points[3].config.seed, 7);
    EXPECT_DOUBLE_EQ(spec.points[3].config.optimizer.lr, 0.2);
    EXPECT_DOUBLE_EQ(spec.points[3].config.loss.at("beta").get<double>(), 0.5);
    EXPECT_FALSE(spec.points[2].config.loss.contains("beta"));
    EXPECT_EQ(spec.points[3].config.name, "s · b, seed 7, optimizer.lr 0.2");
    EXPECT_EQ(pointLabel(spec.points[3], false), "b, optimizer.lr 0.2");
    EXPECT_EQ(spec.parallel, 1);
    EXPECT_EQ(spec.metrics, defaultStudyMetrics());
}

TEST(StudySpec, AParentPerSeedAndEveryRunStartsFromItsSeedsParent) {
    json parent = baseConfig();
    parent["method"] = "sft";
    const json file = {{"name", "p"},
                       {"base", baseConfig()},
                       {"parent", parent},
                       {"grid", {{"seed", {1, 2}}, {"loss.beta", {0.1, 0.3}}}}};
    const auto spec = parseStudy(file, {});
    ASSERT_EQ(spec.points.size(), 6u);
    EXPECT_TRUE(spec.points[0].isParent);
    EXPECT_EQ(spec.points[0].key, "parent;seed=1");
    EXPECT_EQ(spec.points[0].config.method, "sft");
    EXPECT_EQ(spec.points[1].key, "parent;seed=2");
    EXPECT_EQ(spec.points[1].config.seed, 2);
    for (std::size_t i = 2; i < spec.points.size(); ++i) {
        const auto& p = spec.points[i];
        EXPECT_FALSE(p.isParent);
        EXPECT_EQ(p.parentKey, "parent;seed=" + std::to_string(p.config.seed));
        EXPECT_EQ(p.config.model.kind, "run");
    }
    EXPECT_TRUE(spec.resolved.contains("parent"));
}

TEST(StudySpec, ConfigFilesAreReadRelativeToTheStudyAndInlinedInTheResolvedStudy) {
    test::TempDir dir;
    test::writeFile(dir / "configs/base.json", baseConfig().dump());
    json sft = baseConfig();
    sft["method"] = "sft";
    test::writeFile(dir / "configs/sft.json", sft.dump());
    test::writeFile(
        dir / "study.json",
        json{{"name", "files"},
             {"base", "configs/base.json"},
             {"variants", {{{"name", "dpo"}}, {{"name", "sft"}, {"config", "configs/sft.json"}}}},
             {"grid", {{"seed", {0}}}}}
            .dump());
    const auto spec = loadStudy(dir / "study.json");
    ASSERT_EQ(spec.points.size(), 2u);
    EXPECT_EQ(spec.points[0].config.method, "dpo");
    EXPECT_EQ(spec.points[1].config.method, "sft");
    EXPECT_EQ(spec.resolved["variants"][1]["config"]["method"], "sft");
    EXPECT_EQ(spec.resolved["base"], baseConfig());
}

TEST(StudySpec, MistakesAreNamedWithTheVariantAndTheKey) {
    const auto err = [](const json& file) {
        return test::errorOf([&] { (void)parseStudy(file, {}, "study.json"); });
    };
    EXPECT_NE(err({{"name", "s"}, {"base", baseConfig()}, {"grid", {{"optimiser.lr", {1}}}}})
                  .find("optimiser"),
              std::string::npos);
    const std::string typo =
        err({{"name", "s"},
             {"base", baseConfig()},
             {"variants", {{{"name", "v1"}, {"set", {{"loss.beta", "high"}}}}}}});
    EXPECT_NE(typo.find("variant 'v1'"), std::string::npos) << typo;
    EXPECT_NE(err({{"base", baseConfig()}}).find("'name'"), std::string::npos);
    EXPECT_NE(err({{"name", "s"}}).find("'base'"), std::string::npos);
    EXPECT_NE(
        err({{"name", "s"}, {"base", baseConfig()}, {"grids", {}}}).find("unknown key 'grids'"),
        std::string::npos);
    EXPECT_NE(err({{"name", "s"}, {"base", baseConfig()}, {"grid", {{"seed", json::array()}}}})
                  .find("non-empty list"),
              std::string::npos);
    EXPECT_NE(
        err({{"name", "s"}, {"base", baseConfig()}, {"grid", {{"name", {"x"}}}}}).find("'name'"),
        std::string::npos);
    EXPECT_NE(err({{"name", "s"}, {"base", "nowhere.json"}}).find("nowhere.json"),
              std::string::npos);
    EXPECT_NE(err({{"name", "s"},
                   {"base", baseConfig()},
                   {"variants", {{{"name", "a"}}, {{"name", "a"}}}}})
                  .find("taken"),
              std::string::npos);
    EXPECT_NE(err({{"name", "s"}, {"base", baseConfig()}, {"grid", {{"max_steps", {-3}}}}})
                  .find("study.json"),
              std::string::npos);
    EXPECT_NE(err({{"name", "s"}, {"base", baseConfig()}, {"baseline", "nobody"}}).find("'nobody'"),
              std::string::npos);
    EXPECT_NE(
        err({{"name", "s"}, {"base", baseConfig()}, {"grid", {{"seed", {1, "1"}}}}}).find("twice"),
        std::string::npos);
    json withParent = {{"name", "s"},
                       {"base", baseConfig()},
                       {"parent", baseConfig()},
                       {"variants", {{{"name", "v"}, {"set", {{"model.kind", "tiny"}}}}}}};
    EXPECT_NE(err(withParent).find("changes the model"), std::string::npos);
    withParent["variants"][0].erase("set");
    withParent["grid"] = {{"model.overrides", {json::object()}}};
    EXPECT_NE(err(withParent).find("changes the model"), std::string::npos);
    json big = {{"name", "s"}, {"base", baseConfig()}, {"grid", json::object()}};
    for (const char* key : {"seed", "optimizer.lr", "loss.beta"}) {
        big["grid"][key] = json::array();
        for (int i = 0; i < 11; ++i) big["grid"][key].push_back(i + 1);
    }
    EXPECT_NE(err(big).find("at most"), std::string::npos);
}

TEST(StudySpec, ThePresetStudyOfTheDemoReads) {
    const auto spec = loadStudy(test::sourceDir() / "resources/studies/demo-paper.json");
    EXPECT_GE(spec.gridKeys.size(), 1u);
    EXPECT_EQ(spec.gridKeys.front(), "seed");
    std::size_t parents = 0;
    for (const auto& p : spec.points) parents += p.isParent;
    EXPECT_GE(parents, 3u);  // at least three seeds
    EXPECT_GT(spec.points.size(), parents);
}

}  // namespace
}  // namespace ladder::study
