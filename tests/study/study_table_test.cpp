// A study's table from a real workspace file: finished runs grouped by variant, their final values
// averaged over seeds with the standard error; runs not finished left out; the CSV as written.
#include <gtest/gtest.h>

#include <cmath>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/study/study_store.h"
#include "core/study/study_table.h"
#include "tests/support/test_support.h"

namespace ladder::study {
namespace {

using nlohmann::json;

TEST(StudyTable, MeanAndStandardErrorAsTheTextbookHasThem) {
    // 1, 2, 3, 4: mean 2.5, sample variance 5/3, standard error sqrt(5/3)/2.
    const auto s = meanAndStandardError({1, 2, 3, 4});
    EXPECT_EQ(s.n, 4);
    EXPECT_DOUBLE_EQ(s.mean, 2.5);
    EXPECT_NEAR(s.standardError, std::sqrt(5.0 / 3.0) / 2.0, 1e-15);
    const auto one = meanAndStandardError({0.25, std::nan("")});
    EXPECT_EQ(one.n, 1);
    EXPECT_DOUBLE_EQ(one.mean, 0.25);
    EXPECT_EQ(one.standardError, 0);
    EXPECT_EQ(meanAndStandardError({}).n, 0);
}

class StudyTableTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_ws = std::make_unique<store::Workspace>(store::Workspace::create(m_dir / "w.ladder"));
        const json base = {{"method", "dpo"}, {"data", {{"ladder", "demo"}}}, {"max_steps", 10}};
        m_spec = parseStudy({{"name", "t"},
                             {"base", base},
                             {"variants",
                              {{{"name", "low"}, {"set", {{"loss.beta", 0.1}}}},
                               {{"name", "high"}, {"set", {{"loss.beta", 0.5}}}}}},
                             {"grid", {{"seed", {1, 2, 3}}}},
                             {"metrics", {"eval/win_rate", "eval/loss"}}},
                            {});
        m_study = StudyStore(m_ws->db()).open(m_spec);
    }

    // A run for point i with these final values (after an earlier, different one).
    void addRun(std::size_t i, double winRate, double loss, store::RunStatus status) {
        store::RunStore runs(m_ws->db());
        const auto id = runs.create({m_spec.points[i].config.name, "dpo", "{}", 0, "cpu", 10});
        {
            store::MetricsWriter metrics(m_ws->db());
            metrics.add(id, 5, "eval/win_rate", 0.01, 0);
            metrics.add(id, 10, "eval/win_rate", winRate, 0);
            metrics.add(id, 10, "eval/loss", loss, 0);
        }
        runs.markStarted(id, 10);
        if (status != store::RunStatus::Running) runs.finish(id, status);
        StudyStore(m_ws->db()).link(m_study, m_spec.points[i].key, id);
    }

    test::TempDir m_dir;
    std::unique_ptr<store::Workspace> m_ws;
    StudySpec m_spec;
    std::int64_t m_study = 0;
};

TEST_F(StudyTableTest, GroupsByVariantAndAveragesTheFinishedRunsOverSeeds) {
    // Points: low s1, high s1, low s2, high s2, low s3, high s3.
    addRun(0, 0.20, 1.0, store::RunStatus::Finished);
    addRun(2, 0.30, 2.0, store::RunStatus::Finished);
    addRun(4, 0.40, 3.0, store::RunStatus::Finished);
    addRun(1, 0.50, 0.5, store::RunStatus::Finished);
    addRun(3, 0.90, 0.1, store::RunStatus::Stopped);  // not finished: left out
    const auto table = summarizeStudy(m_ws->db(), m_spec, m_study);
    ASSERT_EQ(table.rows.size(), 2u);
    const auto& low = table.rows[0];
    EXPECT_EQ(low.group, "low");
    EXPECT_EQ(low.points, 3);
    EXPECT_EQ(low.finished, 3);
    ASSERT_TRUE(low.metrics[0]);
    EXPECT_NEAR(low.metrics[0]->mean, 0.30, 1e-12);
    EXPECT_NEAR(low.metrics[0]->standardError, 0.1 / std::sqrt(3.0), 1e-12);
    EXPECT_NEAR(low.metrics[1]->mean, 2.0, 1e-12);
    const auto& high = table.rows[1];
    EXPECT_EQ(high.finished, 1);
    EXPECT_EQ(high.metrics[0]->n, 1);
    EXPECT_DOUBLE_EQ(high.metrics[0]->mean, 0.50);

    const std::string text = renderStudyTable(table);
    EXPECT_NE(text.find("30.0 ± 5.8"), std::string::npos) << text;
    EXPECT_NE(text.find("3/3"), std::string::npos) << text;
    EXPECT_NE(text.find("1/3"), std::string::npos) << text;
    const std::string csv = studyTableCsv(table);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "group,runs,finished,eval/win_rate mean,eval/win_rate stderr,eval/win_rate n,"
              "eval/loss mean,eval/loss stderr,eval/loss n");
    EXPECT_NE(csv.find("\nlow,3,3,0.3,0.057735,3,2,0.57735,3\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\nhigh,3,1,0.5,0,1,0.5,0,1\n"), std::string::npos) << csv;
}

TEST_F(StudyTableTest, DifferencesFromTheBaselineArePairedBySeed) {
    // low: seeds 1, 2, 3; high: seeds 1 and 3 only (seed 2 stopped). Pairs: (1, 3).
    addRun(0, 0.20, 1.0, store::RunStatus::Finished);
    addRun(2, 0.30, 2.0, store::RunStatus::Finished);
    addRun(4, 0.40, 3.0, store::RunStatus::Finished);
    addRun(1, 0.50, 0.5, store::RunStatus::Finished);
    addRun(3, 0.90, 0.1, store::RunStatus::Stopped);
    addRun(5, 0.45, 2.0, store::RunStatus::Finished);
    const auto table = summarizeStudy(m_ws->db(), m_spec, m_study);
    const auto diff = differencesFrom(table, "low");
    ASSERT_EQ(diff.rows.size(), 1u);
    EXPECT_EQ(diff.rows[0].group, "high");
    EXPECT_EQ(diff.rows[0].finished, 2);
    // Win rate: 0.50 - 0.20 = 0.30 and 0.45 - 0.40 = 0.05: mean 0.175, standard error 0.125.
    ASSERT_TRUE(diff.rows[0].metrics[0]);
    EXPECT_NEAR(diff.rows[0].metrics[0]->mean, 0.175, 1e-12);
    EXPECT_NEAR(diff.rows[0].metrics[0]->standardError, 0.125, 1e-12);
    // Loss: 0.5 - 1.0 and 2.0 - 3.0: -0.75 ± 0.25.
    EXPECT_NEAR(diff.rows[0].metrics[1]->mean, -0.75, 1e-12);
    const std::string text = renderDifferences(diff);
    EXPECT_NE(text.find("+17.5 ± 12.5"), std::string::npos) << text;
    EXPECT_NE(text.find("-0.750 ± 0.250"), std::string::npos) << text;
    EXPECT_NE(text.find("difference from 'low'"), std::string::npos) << text;
    EXPECT_NE(test::errorOf([&] { (void)differencesFrom(table, "nobody"); }).find("low, high"),
              std::string::npos);
}

TEST_F(StudyTableTest, TheStoredStudyKeepsItsBaseline) {
    auto withBaseline = m_spec.resolved;
    withBaseline["baseline"] = "low";
    StudyStore studies(m_ws->db());
    EXPECT_EQ(studies.open(parseStudy(withBaseline, {})), m_study);
    const auto stored = storedSpec("t", studies.find("t")->specJson);
    EXPECT_EQ(stored.baseline, "low");
    EXPECT_EQ(summarizeStudy(m_ws->db(), stored, m_study).baseline, "low");
}

TEST_F(StudyTableTest, TheStoredStudyReadsBackAsTheSameRuns) {
    const auto record = StudyStore(m_ws->db()).find("t");
    ASSERT_TRUE(record);
    const auto stored = storedSpec(record->name, record->specJson);
    ASSERT_EQ(stored.points.size(), m_spec.points.size());
    for (std::size_t i = 0; i < stored.points.size(); ++i) {
        EXPECT_EQ(stored.points[i].key, m_spec.points[i].key);
        EXPECT_EQ(stored.points[i].config.name, m_spec.points[i].config.name);
    }
}

TEST_F(StudyTableTest,
       AStudyOfTheSameNameFromAnotherFileIsRefusedButMoreSeedsOrVariantsAreWelcome) {
    StudyStore studies(m_ws->db());
    auto changed = m_spec.resolved;
    changed["variants"][0]["set"]["loss.beta"] = 0.2;
    const auto other = parseStudy(changed, {});
    const std::string why = test::errorOf([&] { (void)studies.open(other); });
    EXPECT_NE(
        why.find("another file: the runs of 'low, seed 1' would be trained with another config"),
        std::string::npos)
        << why;
    auto grown = m_spec.resolved;
    grown["grid"]["seed"].push_back(4);
    const auto more = parseStudy(grown, {});
    EXPECT_EQ(studies.open(more), m_study);
    EXPECT_EQ(studies.find("t")->specJson, more.resolved.dump());
    auto otherColumns = grown;
    otherColumns["metrics"] = {"eval/loss"};
    otherColumns["parallel"] = 2;
    EXPECT_EQ(studies.open(parseStudy(otherColumns, {})), m_study);
    EXPECT_EQ(storedSpec("t", studies.find("t")->specJson).metrics,
              std::vector<std::string>{"eval/loss"});
    auto moreVariants = otherColumns;
    moreVariants["variants"].push_back({{"name", "higher"}, {"set", {{"loss.beta", 1.0}}}});
    EXPECT_EQ(studies.open(parseStudy(moreVariants, {})), m_study);
    EXPECT_EQ(storedSpec("t", studies.find("t")->specJson).points.size(), 12u);
    auto fewer = moreVariants;  // dropping a variant leaves its runs without a meaning: refused
    fewer["variants"].erase(fewer["variants"].begin() + 2);
    EXPECT_NE(test::errorOf([&] {
                  (void)studies.open(parseStudy(fewer, {}));
              }).find("its runs of 'higher, seed 1' are not in the file"),
              std::string::npos);
    auto newKey = m_spec.resolved;  // every point gets another name
    newKey["grid"]["optimizer.lr"] = {0.1};
    const std::string renamed = test::errorOf([&] { (void)studies.open(parseStudy(newKey, {})); });
    EXPECT_NE(renamed.find("its runs of 'low, seed 1' are not in the file"), std::string::npos)
        << renamed;
}

}  // namespace
}  // namespace ladder::study
