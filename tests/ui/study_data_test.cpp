// A study's data brought in from the window alone, on an empty workspace: answer files of three
// models imported (one dropped on the window, two through File > Import Answers), each previewed
// first (its format, first rows, bad rows, and the choice to leave those out), the sources ranked
// into a ladder by moving them, the preflight checked without writing, and the pairs built. No
// ladder-cli is run; the pairs are counted in the workspace file.
#include <gtest/gtest.h>

#include <fstream>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QUrl>

#include "core/store/workspace.h"
#include "tests/ui/runs_test_support.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/main_window.h"
#include "ui/sources/build_pairs_dialog.h"
#include "ui/sources/import_dialog.h"
#include "ui/sources/sources_pane.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using test::qpath;
using namespace std::chrono_literals;

constexpr int kPrompts = 12;

// An AlpacaEval-style answers file of one model; rows listed in `bad` carry a number as output.
fs::path answersFile(const fs::path& dir, const std::string& model, int words,
                     const std::vector<int>& bad = {}) {
    const fs::path path = dir / (model + ".json");
    std::ofstream out(path);
    out << "[\n";
    for (int i = 0; i < kPrompts; ++i) {
        std::string answer = model + " on topic " + std::to_string(i) + ":";
        for (int w = 0; w < words; ++w) answer += " point" + std::to_string(w);
        const bool isBad = std::find(bad.begin(), bad.end(), i) != bad.end();
        out << "  {\"instruction\": \"Explain topic " << i << ".\", \"output\": "
            << (isBad ? std::string("42") : "\"" + answer + "\"") << ", \"generator\": \"" << model
            << "\"}" << (i + 1 < kPrompts ? ",\n" : "\n");
    }
    out << "]\n";
    return path;
}

std::int64_t count(const fs::path& workspace, const std::string& sql) {
    auto ws = store::Workspace::open(workspace, store::OpenOptions{.readOnly = true});
    return ws.db().queryInt64(sql);
}

class StudyDataTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_path = m_dir / "study.ladder";
        m_window = std::make_unique<MainWindow>();
        ASSERT_TRUE(m_window->createWorkspace(qpath(m_path), false, false));
        m_sources = m_window->findChild<SourcesPane*>();
        ASSERT_NE(m_sources, nullptr);
    }

    // Waits for the dialog's preview; returns its summary line.
    static QString previewOf(ImportDialog* dialog) {
        QSignalSpy spy(dialog, &ImportDialog::previewed);
        if (spy.isEmpty() && !spy.wait(30000)) return "no preview";
        return dialog->findChild<QLabel*>("importSummary")->text();
    }
    static bool importIt(ImportDialog* dialog) {
        QSignalSpy spy(dialog, &ImportDialog::imported);
        dialog->findChild<QPushButton*>("importButton")->click();
        return spy.wait(30000) && spy.front().front().toBool();
    }
    // Closed dialogs are deleted (WA_DeleteOnClose) at once, not when the loop next runs.
    static void closeNow(QWidget* dialog) {
        dialog->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    int sourceRows() const { return m_sources->tableModel()->rowCount(); }

    test::TempDir m_dir;
    fs::path m_path;
    std::unique_ptr<MainWindow> m_window;
    SourcesPane* m_sources = nullptr;
};

TEST_F(StudyDataTest, AnswersImportedInTheWindowBecomeALadderAndItsPairs) {
    const fs::path big = answersFile(m_dir.path(), "beta-big", 30);
    const fs::path mid = answersFile(m_dir.path(), "gamma-mid", 12);
    const fs::path small = answersFile(m_dir.path(), "alpha-small", 3, {3, 7});
    EXPECT_EQ(sourceRows(), 0);

    // Dropped on the window: an import dialog opens on the file and reads it.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(qpath(big))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);  // makes the window the drop's target
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    auto dialogs = m_sources->findChildren<ImportDialog*>();
    ASSERT_EQ(dialogs.size(), 1);
    ImportDialog* dialog = dialogs.front();
    EXPECT_EQ(dialog->file(), qpath(big));
    QString summary = previewOf(dialog);
    EXPECT_TRUE(summary.contains("alpaca-eval")) << summary.toStdString();
    EXPECT_TRUE(summary.contains("12 rows, 12 prompts")) << summary.toStdString();
    EXPECT_TRUE(summary.contains("beta-big (12)")) << summary.toStdString();
    EXPECT_TRUE(summary.contains("Also read as: instruction")) << summary.toStdString();
    auto* rows = dialog->findChild<QTableWidget*>("importRows");
    ASSERT_EQ(rows->rowCount(), kPrompts);
    EXPECT_EQ(rows->item(0, 1)->text(), "beta-big");
    EXPECT_EQ(rows->item(0, 2)->text(), "Explain topic 0.");
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM responses"), 0);  // a preview writes nothing
    ASSERT_TRUE(importIt(dialog));
    EXPECT_EQ(sourceRows(), 1);
    closeNow(dialog);

    // File > Import Answers (Ctrl+I).
    const auto viaMenu = [&](const fs::path& file) {
        m_window->findChild<QAction*>("importAnswersAction")->trigger();
        auto open = m_sources->findChildren<ImportDialog*>();
        EXPECT_EQ(open.size(), 1);
        open.front()->setFile(qpath(file));
        return open.front();
    };
    dialog = viaMenu(mid);
    summary = previewOf(dialog);
    EXPECT_TRUE(summary.contains("gamma-mid (12)")) << summary.toStdString();
    ASSERT_TRUE(importIt(dialog));
    closeNow(dialog);

    // Bad rows are listed by line; importing waits for the choice to leave them out.
    dialog = viaMenu(small);
    summary = previewOf(dialog);
    EXPECT_TRUE(summary.contains("10 rows")) << summary.toStdString();
    auto* bad = dialog->findChild<QListWidget*>("importBadRows");
    ASSERT_EQ(bad->count(), 2);
    EXPECT_TRUE(bad->item(0)->text().startsWith("line 5 (row 3), field `output`"))
        << bad->item(0)->text().toStdString();
    auto* importButton = dialog->findChild<QPushButton*>("importButton");
    EXPECT_FALSE(importButton->isEnabled());
    dialog->findChild<QCheckBox*>("importSkipBad")->setChecked(true);
    EXPECT_TRUE(importButton->isEnabled());
    ASSERT_TRUE(importIt(dialog));
    summary = dialog->findChild<QLabel*>("importSummary")->text();
    EXPECT_TRUE(summary.contains("10 rows (2 left out)")) << summary.toStdString();
    EXPECT_TRUE(summary.contains("10 matched to earlier imports, 0 new")) << summary.toStdString();
    closeNow(dialog);
    EXPECT_EQ(sourceRows(), 3);
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM responses"), 34);

    // The ladder: the sources come in name order and are moved into strength order.
    auto* buildButton = m_sources->findChild<QPushButton*>("openBuildPairs");
    ASSERT_TRUE(buildButton->isEnabled());
    buildButton->click();
    auto builds = m_sources->findChildren<BuildPairsDialog*>();
    ASSERT_EQ(builds.size(), 1);
    BuildPairsDialog* build = builds.front();
    auto* ranked = build->findChild<QListWidget*>("ladderRanked");
    ASSERT_EQ(ranked->count(), 3);
    EXPECT_EQ(build->ladderSpec(), "alpha-small > beta-big > gamma-mid");
    ranked->setFocus();
    ranked->setCurrentRow(0);
    auto* down = build->findChild<QPushButton*>("ladderDown");
    down->click();
    down->click();  // alpha-small to the bottom
    EXPECT_EQ(build->ladderSpec(), "beta-big > gamma-mid > alpha-small");

    QSignalSpy reported(build, &BuildPairsDialog::reported);
    build->findChild<QPushButton*>("checkPairs")->click();
    ASSERT_TRUE(reported.wait(30000));
    EXPECT_TRUE(reported.back().at(0).toBool());
    const QString check = build->findChild<QPlainTextEdit*>("pairsReport")->toPlainText();
    EXPECT_TRUE(check.contains("beta-big > gamma-mid > alpha-small")) << check.toStdString();
    EXPECT_TRUE(check.contains("12 with pairs; 32 pairs")) << check.toStdString();
    EXPECT_TRUE(check.contains("nothing written")) << check.toStdString();
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM pairs"), 0);
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM ladders"), 1);  // Check saved the ladder

    build->findChild<QPushButton*>("buildPairs")->click();
    ASSERT_TRUE(reported.wait(30000));
    EXPECT_TRUE(reported.back().at(1).toBool());
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM pairs"), 32);

    // Lengths in a model's tokens (the byte tokenizer here: every answer is longer than 20).
    build->findChild<QLineEdit*>("pairsTokenizer")->setText("byte");
    build->findChild<QSpinBox*>("pairsMaxTokens")->setValue(20);
    build->findChild<QPushButton*>("checkPairs")->click();
    ASSERT_TRUE(reported.wait(30000));
    const QString tokens = build->findChild<QPlainTextEdit*>("pairsReport")->toPlainText();
    EXPECT_TRUE(tokens.contains("tokens of byte, prompt + answer")) << tokens.toStdString();
    EXPECT_TRUE(tokens.contains("32 pairs are over 20 tokens")) << tokens.toStdString();
    // The strongest against the weakest on the 10 prompts all three answered.
    EXPECT_EQ(count(m_path,
                    "SELECT count(*) FROM pairs p JOIN responses c ON c.id = p.chosen_id "
                    "JOIN sources s ON s.id = c.source_id WHERE s.name = 'beta-big'"),
              10 + 12);
}

TEST_F(StudyDataTest, AFileNoFormatReadsIsRefusedNamingIt) {
    const fs::path junk = m_dir / "notes.json";
    std::ofstream(junk) << "{\"title\": \"not answers\"}\n";
    auto* dialog = m_sources->openImportDialog(qpath(junk));
    const QString summary = previewOf(dialog);
    EXPECT_TRUE(summary.contains("cannot tell the format of " + qpath(junk))) << summary.toStdString();
    EXPECT_FALSE(dialog->findChild<QPushButton*>("importButton")->isEnabled());
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM datasets"), 0);
}

TEST_F(StudyDataTest, TiedSourcesAreNeverPaired) {
    answersFile(m_dir.path(), "a", 20);
    answersFile(m_dir.path(), "b", 10);
    answersFile(m_dir.path(), "c", 2);
    for (const char* f : {"a.json", "b.json", "c.json"}) {
        auto* dialog = m_sources->openImportDialog(qpath(m_dir / f));
        ASSERT_NE(previewOf(dialog), "no preview");
        ASSERT_TRUE(importIt(dialog));
        closeNow(dialog);
    }
    auto* build = m_sources->openBuildPairsDialog();
    auto* ranked = build->findChild<QListWidget*>("ladderRanked");
    ranked->item(1)->setCheckState(Qt::Checked);  // b as strong as a
    EXPECT_EQ(build->ladderSpec(), "a = b > c");
    QSignalSpy reported(build, &BuildPairsDialog::reported);
    build->run(true);
    ASSERT_TRUE(reported.wait(30000));
    EXPECT_EQ(count(m_path, "SELECT count(*) FROM pairs"), 2 * kPrompts);  // a>c and b>c
}

}  // namespace
}  // namespace ladder::ui
