// The Sources pane on a real workspace: the sources with their answer counts and lengths; a run's
// model answers the prompts from the window and becomes a new source (no CLI), progress shown while
// it works; Stop ends it between batches and generating again with the same settings continues to
// exactly one answer a prompt; bad requests are refused with what to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QPushButton>
#include <QStandardItemModel>

#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "ui/bridge/source_generation_job.h"
#include "ui/main_window.h"
#include "ui/sources/sources_pane.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using test::qpath;
using namespace std::chrono_literals;

class SourcesPaneTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_path = test::makeDemoWorkspace(m_dir, 48);
        train::JobRequest request;
        request.workspacePath = m_path.string();
        request.config = test::tinyRun("sft", 3);
        train::TrainingJob job(request);
        job.start();
        job.wait();
        m_window = std::make_unique<MainWindow>();
        ASSERT_TRUE(m_window->openWorkspace(qpath(m_path), false, false));
        m_pane = m_window->findChild<SourcesPane*>();
        ASSERT_NE(m_pane, nullptr);
    }

    // The table's row of a source: its answers and prompts; {-1, -1} when it is not listed.
    std::pair<int, int> row(const QString& source) const {
        auto* m = m_pane->tableModel();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, 0).data().toString() == source) {
                return {m->index(r, 1).data().toString().remove(',').toInt(),
                        m->index(r, 2).data().toString().remove(',').toInt()};
            }
        }
        return {-1, -1};
    }
    // The median and range cells of a source's row (as std::string: readable in a failure), once
    // the worker filled them; empty when it is not listed.
    std::pair<std::string, std::string> lengthCells(const QString& source) const {
        auto* m = m_pane->tableModel();
        test::waitFor([&] {
            for (int r = 0; r < m->rowCount(); ++r) {
                if (m->index(r, 0).data().toString() == source) return !m->index(r, 3).data().toString().isEmpty();
            }
            return true;
        }, 30s);
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, 0).data().toString() == source) {
                return {m->index(r, 3).data().toString().toStdString(),
                        m->index(r, 4).data().toString().toStdString()};
            }
        }
        return {};
    }
    // The same cells computed here from the stored answers, counted as Qt decodes them.
    std::pair<std::string, std::string> expectedLengthCells(const std::string& source) {
        auto ws = store::Workspace::open(m_path);
        auto s = ws.db().prepare(
            "SELECT r.text FROM responses r JOIN sources s ON s.id = r.source_id WHERE s.name = ?");
        s.bind(1, source);
        std::vector<qsizetype> lengths;
        while (s.step()) lengths.push_back(QString::fromStdString(s.text(0)).toUcs4().size());
        if (lengths.empty()) return {};
        std::sort(lengths.begin(), lengths.end());
        const std::size_t n = lengths.size();
        const double median =
            n % 2 == 1 ? double(lengths[n / 2]) : (lengths[n / 2 - 1] + lengths[n / 2]) / 2.0;
        const QLocale locale;
        return {locale.toString(median, 'f', median == std::floor(median) ? 0 : 1).toStdString(),
                (locale.toString(qlonglong(lengths.front())) + QChar(0x2013) +
                 locale.toString(qlonglong(lengths.back())))
                    .toStdString()};
    }
    bool waitForJob() {
        return test::waitFor([&] { return !m_pane->job()->isRunning(); }, 120s);
    }
    std::int64_t storedAnswers(const std::string& source) {
        auto ws = store::Workspace::open(m_path);
        return ws.db().queryInt64(
            "SELECT count(*) FROM responses r JOIN sources s ON s.id = r.source_id WHERE s.name = '" +
            source + "'");
    }

    test::TempDir m_dir;
    fs::path m_path;
    std::unique_ptr<MainWindow> m_window;
    SourcesPane* m_pane = nullptr;
};

TEST_F(SourcesPaneTest, ARunsModelAnswersThePromptsAndBecomesASource) {
    EXPECT_EQ(row("strong"), std::make_pair(48, 48));
    EXPECT_EQ(row("weak").first, 48);
    EXPECT_EQ(lengthCells("strong"), expectedLengthCells("strong"));
    EXPECT_NE(lengthCells("weak").second.find("\u2013"), std::string::npos);
    const auto runs = finishedRuns(m_window->session());
    ASSERT_EQ(runs.size(), 1u);
    GenerationRequest request;
    request.runId = runs[0].id;
    request.source = "local";
    request.prompts = 20;
    request.maxNewTokens = 6;
    request.batch = 4;
    QString error;
    ASSERT_TRUE(m_pane->generate(request, &error)) << error.toStdString();
    EXPECT_FALSE(m_pane->findChild<QPushButton*>("generateAnswers")->isEnabled());
    EXPECT_TRUE(m_pane->findChild<QPushButton*>("stopGenerating")->isEnabled());
    EXPECT_FALSE(m_pane->generate(request, &error));  // one at a time
    ASSERT_TRUE(waitForJob());
    const QString status = m_pane->findChild<QLabel*>("sourcesStatus")->text();
    EXPECT_TRUE(status.contains("source local: 20 answers stored")) << status.toStdString();
    EXPECT_EQ(row("local"), std::make_pair(20, 20));
    EXPECT_EQ(storedAnswers("local"), 20);
    EXPECT_EQ(lengthCells("local"), expectedLengthCells("local"));  // answers of no dataset count
    EXPECT_TRUE(m_pane->findChild<QPushButton*>("generateAnswers")->isEnabled());
}

TEST_F(SourcesPaneTest, TheGenerateDialogStartsItWithTheRunChosen) {
    // Sampled, two answers a prompt, with the sampling settings of the dialog; twice with the same
    // seed: the second finds the same answers stored.
    for (int round = 0; round < 2; ++round) {
        test::answerNextDialog<QDialog>([](QDialog* d) {
            d->findChild<QLineEdit*>("generateName")->setText("from-dialog");
            d->findChild<QSpinBox*>("generatePrompts")->setValue(5);
            d->findChild<QSpinBox*>("generateMaxTokens")->setValue(4);
            auto* temperature = d->findChild<QDoubleSpinBox*>("generateTemperature");
            auto* topP = d->findChild<QDoubleSpinBox*>("generateTopP");
            EXPECT_FALSE(topP->isEnabled());  // greedy: no sampling settings
            temperature->setValue(0.9);
            EXPECT_TRUE(topP->isEnabled());
            topP->setValue(0.8);
            d->findChild<QSpinBox*>("generateTopK")->setValue(20);
            d->findChild<QSpinBox*>("generateSeed")->setValue(7);
            d->findChild<QSpinBox*>("generateSamples")->setValue(2);
            d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        });
        m_pane->findChild<QPushButton*>("generateAnswers")->click();
        ASSERT_TRUE(waitForJob());
    }
    EXPECT_EQ(row("from-dialog"), std::make_pair(10, 5));
    const QString status = m_pane->findChild<QLabel*>("sourcesStatus")->text();
    EXPECT_TRUE(status.contains("already stored")) << status.toStdString();
}

TEST_F(SourcesPaneTest, StopThenGenerateAgainContinuesToOneAnswerAPrompt) {
    const auto runs = finishedRuns(m_window->session());
    ASSERT_EQ(runs.size(), 1u);
    GenerationRequest request;
    request.runId = runs[0].id;
    request.source = "stopped";
    request.maxNewTokens = 8;
    request.batch = 2;  // 24 batches of the 48 prompts
    QString error;
    ASSERT_TRUE(m_pane->generate(request, &error)) << error.toStdString();
    ASSERT_TRUE(test::waitFor(
        [&] { return m_pane->job()->progressText().startsWith("answers "); }, 60s));
    m_pane->stopGeneration();
    ASSERT_TRUE(waitForJob());
    const QString stopped = m_pane->findChild<QLabel*>("sourcesStatus")->text();
    EXPECT_TRUE(stopped.contains("stopped at")) << stopped.toStdString();
    const auto partial = storedAnswers("stopped");
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, 48);
    ASSERT_TRUE(m_pane->generate(request, &error)) << error.toStdString();
    ASSERT_TRUE(waitForJob());
    EXPECT_EQ(storedAnswers("stopped"), 48);
    auto ws = store::Workspace::open(m_path);
    EXPECT_EQ(ws.db().queryInt64("SELECT count(DISTINCT r.prompt_id) FROM responses r JOIN sources s "
                                 "ON s.id = r.source_id WHERE s.name = 'stopped'"),
              48);
}

TEST_F(SourcesPaneTest, BadRequestsAreRefusedWithWhatToDo) {
    GenerationRequest request;
    request.source = "x";
    QString error;
    EXPECT_FALSE(m_pane->generate(request, &error));
    EXPECT_TRUE(error.contains("choose the model")) << error.toStdString();
    request.runId = 1;
    request.source = " ";
    EXPECT_FALSE(m_pane->generate(request, &error));
    EXPECT_TRUE(error.contains("name the new source")) << error.toStdString();
    request.source = "x";
    request.samplesPerPrompt = 3;
    EXPECT_FALSE(m_pane->generate(request, &error));
    EXPECT_TRUE(error.contains("temperature")) << error.toStdString();
    // A model folder that is not one: the job starts, then says what is wrong.
    request = {};
    request.source = "y";
    request.modelDir = qpath(m_dir / "not-a-model");
    ASSERT_TRUE(m_pane->generate(request, &error)) << error.toStdString();
    ASSERT_TRUE(waitForJob());
    EXPECT_TRUE(m_pane->findChild<QLabel*>("sourcesStatus")->text().contains("source y:"));
    EXPECT_EQ(storedAnswers("y"), 0);
}

}  // namespace
}  // namespace ladder::ui
