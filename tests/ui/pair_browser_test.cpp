// The Pairs pane on a real demo workspace: keys store decisions in the workspace file at once and
// Ctrl+Z restores them, filters and the margin sort list the expected pairs, the table model obeys
// the item-model rules, and the side-by-side view marks the words that differ.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>

#include "core/common/text.h"
#include "core/data/dataset_import.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_annotations.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/pair_margins.h"
#include "core/pairs/training_pairs.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/bridge/workspace_session.h"
#include "ui/pairs/note_dialog.h"
#include "ui/pairs/pair_browser.h"
#include "ui/pairs/pair_detail_view.h"
#include "ui/pairs/pair_table_model.h"
#include "ui/pairs/word_diff.h"
#include "ui/shortcuts_dialog.h"

namespace ladder::ui {
namespace {

using pairs::AnnotationStatus;

class PairBrowserTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_file = test::makeDemoWorkspace(m_dir);
        ASSERT_TRUE(m_window.openWorkspace(test::qpath(m_file), false, /*interactive=*/false));
        m_pane = m_window.findChild<PairBrowser*>();
        ASSERT_NE(m_pane, nullptr);
        waitListed();
        // What the pane lists, read independently: the demo ladder's pairs by id.
        auto ws = store::Workspace::open(m_file);
        pairs::PairSelection all;
        all.ladder = demo::kDemoLadder;
        m_pairs = pairs::loadTrainingPairs(ws.db(), all);
        ASSERT_GT(m_pairs.size(), 50u);
    }

    // What the workspace file holds, through a connection of its own.
    pairs::AnnotationState stored(std::int64_t pairId) {
        auto ws = store::Workspace::open(m_file);
        return pairs::annotationOf(ws.db(), pairId);
    }
    std::vector<std::int64_t> listedIds() {
        std::vector<std::int64_t> ids;
        for (int r = 0; r < m_pane->model()->rowCount(); ++r) {
            ids.push_back(m_pane->model()->pairIdAt(r));
        }
        return ids;
    }
    void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QTest::keyClick(m_pane->table(), static_cast<Qt::Key>(key), modifiers);
    }
    // The list is made on a worker thread: wait for it.
    void waitListed() {
        ASSERT_TRUE(QTest::qWaitFor([this] { return !m_pane->model()->isBusy(); }));
    }
    void undo() { QTest::keySequence(m_pane->table(), QKeySequence(QKeySequence::Undo)); }
    void focusList() {
        ASSERT_TRUE(test::showPane(m_window, "Pairs"));
        m_pane->table()->setFocus();
        ASSERT_TRUE(QTest::qWaitFor([this] { return m_pane->table()->hasFocus(); }));
    }

    test::TempDir m_dir;
    std::filesystem::path m_file;
    MainWindow m_window;
    PairBrowser* m_pane = nullptr;
    std::vector<pairs::TrainingPair> m_pairs;
};

TEST_F(PairBrowserTest, PanesFollowOverviewInOrderAndListEveryPairOfTheLadder) {
    QTabWidget* tabs = m_window.panes();
    ASSERT_GE(tabs->count(), 3);
    EXPECT_EQ(tabs->tabText(0), "Overview");
    EXPECT_EQ(tabs->tabText(1), "Pairs");
    EXPECT_EQ(tabs->tabText(2), "Curriculum");
    std::vector<std::int64_t> expected;
    for (const auto& p : m_pairs) expected.push_back(p.pairId);
    EXPECT_EQ(listedIds(), expected);
    EXPECT_EQ(m_pane->currentPairId(), expected.front());
    EXPECT_TRUE(m_pane->countLabel()->text().contains(QString::number(expected.size())));
}

TEST_F(PairBrowserTest, TableModelPassesTheItemModelTesterThroughFiltersAndSorts) {
    QAbstractItemModelTester tester(m_pane->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto* model = m_pane->model();
    // Every row's every role, so that pages load while the tester watches.
    for (int r = 0; r < model->rowCount(); r += 7) {
        for (int c = 0; c < model->columnCount(); ++c) {
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole),
                             int(Qt::ForegroundRole), int(Qt::TextAlignmentRole)}) {
                (void)model->data(model->index(r, c), role);
            }
        }
    }
    EXPECT_FALSE(model->data(model->index(-1, 0), Qt::DisplayRole).isValid());
    EXPECT_FALSE(model->data(model->index(0, 0), Qt::DecorationRole).isValid());
    EXPECT_FALSE(model->data(QModelIndex(), Qt::DisplayRole).isValid());
    model->sort(PairTableModel::LengthDiffColumn, Qt::DescendingOrder);
    waitListed();
    model->sort(PairTableModel::PromptColumn, Qt::AscendingOrder);  // not sortable: no change
    EXPECT_EQ(model->sortOrder().key, pairs::PairSortKey::LengthDifference);
    EXPECT_FALSE(model->isBusy());
    pairs::PairFilter f = model->filter();
    f.tier = "medium>weak";
    model->setFilter(f);
    f.tier = "strong>weak";
    model->setFilter(f);  // overtakes the request before it
    waitListed();
    for (int r = 0; r < model->rowCount(); ++r) {
        ASSERT_EQ(model->data(model->index(r, PairTableModel::TierColumn), Qt::DisplayRole),
                  "strong>weak");
    }
    model->refreshPair(model->pairIdAt(0));
    model->refreshAll();
    model->clear();
    EXPECT_EQ(model->rowCount(), 0);
}

TEST_F(PairBrowserTest, KeysStoreEachDecisionAtOnceAndMoveToTheNextPair) {
    focusList();
    press(Qt::Key_1);
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[1].pairId);
    press(Qt::Key_2);
    press(Qt::Key_3);
    press(Qt::Key_D);
    EXPECT_EQ(stored(m_pairs[0].pairId)->status, AnnotationStatus::Keep);
    EXPECT_EQ(stored(m_pairs[1].pairId)->status, AnnotationStatus::Flip);
    EXPECT_EQ(stored(m_pairs[2].pairId)->status, AnnotationStatus::Tie);
    EXPECT_EQ(stored(m_pairs[3].pairId)->status, AnnotationStatus::Discard);
    EXPECT_FALSE(stored(m_pairs[4].pairId).has_value());
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[4].pairId);

    press(Qt::Key_K);
    press(Qt::Key_K);
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[2].pairId);
    press(Qt::Key_J);
    press(Qt::Key_Down);
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[4].pairId);
    // The rows show the decisions (status column, and its colour).
    auto* model = m_pane->model();
    EXPECT_EQ(model->data(model->index(1, PairTableModel::StatusColumn), Qt::DisplayRole), "flip");
    EXPECT_TRUE(model->data(model->index(1, 0), Qt::BackgroundRole).isValid());
    EXPECT_FALSE(model->data(model->index(4, 0), Qt::BackgroundRole).isValid());
}

TEST_F(PairBrowserTest, CtrlZRestoresAFlipAndANoteExactly) {
    focusList();
    const auto& pair = m_pairs[0];
    press(Qt::Key_2);  // flip, then back to the pair to write a note
    press(Qt::Key_K);
    ASSERT_EQ(m_pane->currentPairId(), pair.pairId);
    // The flipped pair shows the ladder's rejected answer as the one the next run prefers.
    EXPECT_EQ(m_pane->detailView()->leftText(), QString::fromStdString(pair.rejected));
    EXPECT_TRUE(m_pane->detailView()->leftHeader().contains("flipped"));

    // Ctrl+Enter saves the note (Enter alone is a new line in it).
    test::answerNextDialog<NoteDialog>([](NoteDialog* d) {
        d->editor()->setPlainText("the rejected answer has the right number");
        QTest::keyClick(d->editor(), Qt::Key_Return, Qt::ControlModifier);
    });
    press(Qt::Key_N);
    focusList();  // the dialog has closed: the window is active again
    auto* message = m_pane->findChild<QLabel*>("pairsMessage");
    EXPECT_TRUE(message->text().contains("note saved")) << message->text().toStdString();
    const auto withNote = stored(pair.pairId);
    ASSERT_TRUE(withNote);
    EXPECT_EQ(withNote->status, AnnotationStatus::Flip);
    EXPECT_EQ(withNote->note, "the rejected answer has the right number");

    press(Qt::Key_J);  // elsewhere: undo comes back to the pair it changes
    undo();
    EXPECT_EQ(m_pane->currentPairId(), pair.pairId);
    const auto flipOnly = stored(pair.pairId);
    ASSERT_TRUE(flipOnly);
    EXPECT_EQ(flipOnly->status, AnnotationStatus::Flip);
    EXPECT_EQ(flipOnly->note, "");
    // The message line no longer says the note is saved.
    EXPECT_FALSE(message->text().contains("note saved")) << message->text().toStdString();
    EXPECT_TRUE(message->text().contains("Undone")) << message->text().toStdString();
    undo();
    EXPECT_FALSE(stored(pair.pairId).has_value());
    EXPECT_EQ(m_pane->detailView()->leftText(), QString::fromStdString(pair.chosen));

    QTest::keySequence(m_pane->table(), QKeySequence(QKeySequence::Redo));  // the flip again
    EXPECT_EQ(stored(pair.pairId)->status, AnnotationStatus::Flip);
    EXPECT_EQ(stored(pair.pairId)->updatedAt, flipOnly->updatedAt);
}

TEST_F(PairBrowserTest, TierStatusJudgeAndSearchFiltersListTheExpectedPairs) {
    auto* tier = m_pane->findChild<QComboBox*>("pairsTier");
    tier->setCurrentText("strong>medium");
    waitListed();
    std::vector<std::int64_t> expected;
    for (const auto& p : m_pairs) {
        if (p.tier == "strong>medium") expected.push_back(p.pairId);
    }
    EXPECT_EQ(listedIds(), expected);
    tier->setCurrentIndex(0);
    waitListed();

    focusList();
    press(Qt::Key_1);
    press(Qt::Key_D);
    auto* status = m_pane->findChild<QComboBox*>("pairsStatus");
    status->setCurrentText("Unreviewed");
    waitListed();
    EXPECT_EQ(listedIds().size(), m_pairs.size() - 2);
    EXPECT_EQ(listedIds().front(), m_pairs[2].pairId);
    status->setCurrentText("Discard");
    waitListed();
    EXPECT_EQ(listedIds(), std::vector<std::int64_t>{m_pairs[1].pairId});
    status->setCurrentIndex(0);
    waitListed();

    // The demo judge judged (chosen, rejected): preference 2 prefers the rejected answer.
    std::vector<std::int64_t> disagree;
    {
        auto ws = store::Workspace::open(m_file);
        auto s = ws.db().prepare(
            "SELECT p.id FROM pairs p JOIN verdicts v ON v.response_1_id = p.chosen_id AND "
            "v.response_2_id = p.rejected_id WHERE v.preference = 2 ORDER BY p.id");
        while (s.step()) disagree.push_back(s.int64(0));
    }
    ASSERT_FALSE(disagree.empty());
    m_pane->findChild<QComboBox*>("pairsJudge")->setCurrentText("Judge disagrees");
    waitListed();
    EXPECT_EQ(listedIds(), disagree);
    m_pane->findChild<QComboBox*>("pairsJudge")->setCurrentIndex(0);
    waitListed();

    auto* search = m_pane->findChild<QLineEdit*>("pairsSearch");
    const std::string needle = m_pairs[5].instruction.substr(0, 24);
    search->setText(QString::fromStdString(needle));
    QTest::keyClick(search, Qt::Key_Return);
    waitListed();
    const auto found = listedIds();
    EXPECT_NE(std::find(found.begin(), found.end(), m_pairs[5].pairId), found.end());
    for (const auto id : found) {
        const auto& p = *std::find_if(m_pairs.begin(), m_pairs.end(),
                                      [id](const auto& t) { return t.pairId == id; });
        EXPECT_NE(text::toLowerAscii(p.instruction + p.input + p.chosen + p.rejected)
                      .find(text::toLowerAscii(needle)),
                  std::string::npos);
    }
}

// Issue 21: the Judge column showed "\u2013" for a tie, and Chosen/Rejected were character
// counts without saying so.
TEST_F(PairBrowserTest, ATieIsShownAsATieAndTheLengthColumnsSayCharacters) {
    const auto& pair = m_pairs[0];
    {
        auto ws = store::Workspace::open(m_file);
        ws.db().exec("UPDATE verdicts SET preference = 1.5 WHERE prompt_id = (SELECT prompt_id "
                     "FROM pairs WHERE id = " + std::to_string(pair.pairId) + ")");
    }
    m_pane->findChild<QComboBox*>("pairsJudge")->setCurrentText("Judge: tie");
    waitListed();
    const auto ids = listedIds();
    ASSERT_NE(std::find(ids.begin(), ids.end(), pair.pairId), ids.end());
    const int row = static_cast<int>(std::find(ids.begin(), ids.end(), pair.pairId) - ids.begin());
    EXPECT_EQ(m_pane->model()->index(row, PairTableModel::JudgeColumn).data().toString(), "tie");
    for (int column : {PairTableModel::ChosenCharsColumn, PairTableModel::RejectedCharsColumn}) {
        EXPECT_TRUE(m_pane->model()->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString().contains("chars"));
    }
}

TEST_F(PairBrowserTest, AMarginRunAddsTheColumnAndSortsTheMostWrongPairsFirst) {
    auto* runs = m_pane->findChild<QComboBox*>("pairsMarginRun");
    EXPECT_FALSE(runs->isVisibleTo(m_pane));
    EXPECT_TRUE(m_pane->table()->isColumnHidden(PairTableModel::MarginColumn));

    auto& db = m_window.session()->workspace()->db();
    const std::int64_t run =
        store::RunStore(db).create({.name = "dpo-demo", .method = "dpo", .configJson = "{}"});
    pairs::savePairMargins(db, run, 300,
                           {{m_pairs[20].pairId, 0.4},
                            {m_pairs[21].pairId, -1.5},
                            {m_pairs[22].pairId, -0.2},
                            {m_pairs[23].pairId, 2.0}});
    m_window.session()->notifyChanged();  // what a trainer's pane says after writing margins
    EXPECT_TRUE(runs->isVisibleTo(m_pane));
    runs->setCurrentIndex(runs->findData(QVariant::fromValue<qlonglong>(run)));
    waitListed();

    EXPECT_FALSE(m_pane->table()->isColumnHidden(PairTableModel::MarginColumn));
    const auto ids = listedIds();
    ASSERT_EQ(ids.size(), m_pairs.size());
    EXPECT_EQ(std::vector<std::int64_t>(ids.begin(), ids.begin() + 4),
              (std::vector<std::int64_t>{m_pairs[21].pairId, m_pairs[22].pairId, m_pairs[20].pairId,
                                         m_pairs[23].pairId}));
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[21].pairId);  // the most wrong, ready to judge
    auto* model = m_pane->model();
    EXPECT_EQ(model->data(model->index(0, PairTableModel::MarginColumn), Qt::DisplayRole),
              QLocale().toString(-1.5, 'f', 3));
    EXPECT_FALSE(
        model->data(model->index(5, PairTableModel::MarginColumn), Qt::DisplayRole).isValid());
}

// Issue 16: the Learning filter lists the pairs whose margins over the chosen run's evaluations
// say so; it waits for a run to judge by.
TEST_F(PairBrowserTest, TheLearningFilterListsThePairsTheMarginRunLearnedForgotOrNever) {
    auto* runs = m_pane->findChild<QComboBox*>("pairsMarginRun");
    auto* learning = m_pane->findChild<QComboBox*>("pairsLearning");
    ASSERT_NE(learning, nullptr);
    EXPECT_FALSE(learning->isVisibleTo(m_pane));  // no run has margins yet

    auto& db = m_window.session()->workspace()->db();
    const std::int64_t run =
        store::RunStore(db).create({.name = "dpo-demo", .method = "dpo", .configJson = "{}"});
    // By pair, its margins at steps 100, 200 and 300.
    const std::int64_t learned = m_pairs[30].pairId, never = m_pairs[31].pairId,
                       forgotten = m_pairs[32].pairId, right = m_pairs[33].pairId,
                       forgottenToo = m_pairs[34].pairId;
    const std::vector<std::pair<std::int64_t, std::vector<double>>> paths = {
        {learned, {-1, 1, 1}},
        {never, {-1, -0.5, -1}},
        {forgotten, {1, 1, -1}},
        {right, {0.5, 1, 2}},
        {forgottenToo, {-1, 1, -0.1}}};
    for (int i = 0; i < 3; ++i) {
        std::vector<std::pair<std::int64_t, double>> atStep;
        for (const auto& [pairId, margins] : paths) atStep.emplace_back(pairId, margins[i]);
        pairs::savePairMarginStep(db, run, 100 * (i + 1), atStep);
        if (i == 2) pairs::savePairMargins(db, run, 300, atStep);
    }
    m_window.session()->notifyChanged();
    EXPECT_TRUE(learning->isVisibleTo(m_pane));
    EXPECT_FALSE(learning->isEnabled());  // no run chosen: nothing to judge by

    runs->setCurrentIndex(runs->findData(QVariant::fromValue<qlonglong>(run)));
    waitListed();
    ASSERT_TRUE(learning->isEnabled());
    auto listedWith = [&](const QString& state) {
        learning->setCurrentIndex(learning->findText(state));
        waitListed();
        auto ids = listedIds();
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    using Ids = std::vector<std::int64_t>;
    EXPECT_EQ(listedWith("Forgotten"), (Ids{forgotten, forgottenToo}));
    EXPECT_EQ(m_pane->currentPairId(), forgotten);  // still by the run's margin: -1 before -0.1
    EXPECT_EQ(listedWith("Never learned"), Ids{never});
    EXPECT_EQ(listedWith("Learned"), Ids{learned});
    EXPECT_EQ(listedWith("Right from the start"), Ids{right});
    const QString count = m_pane->countLabel()->text();
    EXPECT_TRUE(count.startsWith("1 of ")) << count.toStdString();

    // Back to no run: the filter goes back to All and every pair is listed again.
    runs->setCurrentIndex(0);
    waitListed();
    EXPECT_FALSE(learning->isEnabled());
    EXPECT_EQ(learning->currentIndex(), 0);
    EXPECT_EQ(listedIds().size(), m_pairs.size());
}

TEST_F(PairBrowserTest, FollowsTheWorkspaceBeingClosedAndOpened) {
    m_window.session()->close();
    EXPECT_EQ(m_pane->model()->rowCount(), 0);
    EXPECT_EQ(m_pane->currentPairId(), 0);
    ASSERT_TRUE(m_window.openWorkspace(test::qpath(m_file), /*readOnly=*/true, false));
    waitListed();
    EXPECT_EQ(m_pane->model()->rowCount(), static_cast<int>(m_pairs.size()));
    // Read-only: a key decides nothing and says why.
    focusList();
    press(Qt::Key_1);
    EXPECT_FALSE(stored(m_pairs[0].pairId).has_value());
    EXPECT_EQ(m_pane->currentPairId(), m_pairs[0].pairId);
    EXPECT_TRUE(m_pane->findChild<QLabel*>("pairsMessage")->text().contains("read-only"));
}

TEST_F(PairBrowserTest, KeyboardShortcutsDialogListsThePairKeys) {
    ShortcutsDialog dialog(&m_window);
    auto* table = dialog.findChild<QTableWidget*>("shortcutsTable");
    ASSERT_NE(table, nullptr);
    QMap<QString, QString> pairKeys;
    for (int r = 0; r < table->rowCount(); ++r) {
        if (table->item(r, 0)->text() == "Pairs") {
            pairKeys[table->item(r, 1)->text()] = table->item(r, 2)->text();
        }
    }
    EXPECT_EQ(pairKeys.value("Keep"), "1");
    EXPECT_EQ(pairKeys.value("Flip"), "2");
    EXPECT_EQ(pairKeys.value("Tie"), "3");
    EXPECT_EQ(pairKeys.value("Discard"), "D");
    EXPECT_EQ(pairKeys.value("Note..."), "N");
    EXPECT_EQ(pairKeys.value("Next pair"), "J");
    EXPECT_EQ(pairKeys.value("Previous pair"), "K");
    EXPECT_EQ(pairKeys.value("Undo decision"),
              QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText));
}

TEST_F(PairBrowserTest, TheDetailShowsSourcesRanksAndLengths) {
    const auto it = std::find_if(m_pairs.begin(), m_pairs.end(),
                                 [](const auto& p) { return p.tier == "strong>weak"; });
    ASSERT_NE(it, m_pairs.end());
    ASSERT_TRUE(m_pane->selectPair(it->pairId));
    const QString header = m_pane->detailView()->leftHeader();
    EXPECT_TRUE(header.contains("strong (rank 1)")) << header.toStdString();
    EXPECT_TRUE(header.contains(QLocale().toString(static_cast<qlonglong>(
                                    QString::fromStdString(it->chosen).toUcs4().size())) +
                                " char"))
        << header.toStdString();
    EXPECT_EQ(m_pane->detailView()->rightText(), QString::fromStdString(it->rejected));
}

TEST(PairDetailViewTest, AConversationPromptIsShownTurnByTurnFromTheWorkspace) {
    test::TempDir dir;
    const auto file = dir.path() / "chat.ladder";
    const auto prefs = dir.path() / "ultra.jsonl";
    std::ofstream(prefs)
        << R"({"chosen": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, )"
           R"({"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Sky?"}, )"
           R"({"role": "assistant", "content": "Blue"}], "rejected": [{"role": "system", "content": "Be brief."}, )"
           R"({"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, )"
           R"({"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Green"}]})"
        << "\n";
    std::int64_t pairId = 0;
    {
        auto ws = store::Workspace::create(file);
        (void)data::importFile(ws.db(), prefs);
        pairId = ws.db().queryInt64("SELECT id FROM pairs");
    }
    auto ws = store::Workspace::open(file);
    PairDetailView view;
    view.showPair(pairs::pairDetail(ws.db(), pairId));
    auto* prompt = view.findChild<QTextBrowser*>("pairPrompt");
    ASSERT_NE(prompt, nullptr);
    EXPECT_EQ(prompt->toPlainText().toStdString(),
              "System\nBe brief.\nUser\nHi\nAssistant\nHello\nUser\nSky?");
    EXPECT_EQ(view.leftText(), "Blue");
}

// Per-pair dynamics (issue 16): a run's margins of the pair over its evaluations and what they say.
TEST(PairDetailViewTest, APairsMarginsOverARunsEvaluationsSayWhenItWasLearned) {
    test::TempDir dir;
    const auto file = dir.path() / "demo.ladder";
    demo::initWorkspace(file, {.prompts = 40, .seed = 4});
    auto ws = store::Workspace::open(file);
    const std::int64_t pairId = ws.db().queryInt64("SELECT min(id) FROM pairs");
    store::NewRun row;
    row.name = "dpo run";
    row.method = "dpo";
    row.configJson = "{}";
    const auto run = store::RunStore(ws.db()).create(row);
    for (const auto& [step, margin] : std::vector<std::pair<int, double>>{{50, -0.4}, {100, 0.2}, {150, -0.1}, {200, 0.3}, {250, 0.5}}) {
        pairs::savePairMarginStep(ws.db(), run, step, {{pairId, margin}});
    }
    PairDetailView view;
    view.showPair(pairs::pairDetail(ws.db(), pairId));
    const QString facts = view.findChild<QLabel*>("pairFacts")->text();
    EXPECT_TRUE(facts.contains("Over steps, dpo run: <b>learned at step 200</b> (50: -0.40")) << facts.toStdString();
    EXPECT_TRUE(facts.contains("250: 0.50)")) << facts.toStdString();
}

TEST(WordDiff, MarksTheWordsOffTheCommonSubsequenceOnEachSide) {
    const WordDiff d = diffWords("the cat sat on the mat.", "the dog sat on a mat!");
    auto changed = [](const QList<DiffPiece>& pieces) {
        QStringList out;
        for (const auto& p : pieces) {
            if (p.changed) out << p.text;
        }
        return out;
    };
    EXPECT_EQ(changed(d.left), (QStringList{"cat", "the", "."}));
    EXPECT_EQ(changed(d.right), (QStringList{"dog", "a", "!"}));
    EXPECT_EQ(d.changedLeftWords, 3);
    EXPECT_FALSE(d.approximate);
    QString joined;
    for (const auto& p : d.left) joined += p.text;
    EXPECT_EQ(joined, "the cat sat on the mat.");
}

TEST(WordDiff, WhitespaceAloneIsNoDifferenceAndAChangedPhraseIsOneRun) {
    const WordDiff same = diffWords("  a  b\nc ", "a b c");
    EXPECT_EQ(same.changedLeftWords, 0);
    EXPECT_EQ(same.changedRightWords, 0);
    const WordDiff phrase = diffWords("x one two three y", "x y");
    ASSERT_EQ(phrase.left.size(), 3);
    EXPECT_EQ(phrase.left[1], (DiffPiece{"one two three", true}));
    EXPECT_TRUE(phrase.right.size() == 1 && !phrase.right[0].changed);
}

TEST(WordDiff, KeepsCharactersOutsideTheBasicPlaneWholeAndEscapesHtml) {
    const QString left = QString::fromUtf8("caf\u00e9 \U0001F600 <b>x</b>");
    const WordDiff d = diffWords(left, QString::fromUtf8("caf\u00e9 \U0001F601 <b>x</b>"));
    QStringList changed;
    for (const auto& p : d.left) {
        if (p.changed) changed << p.text;
    }
    EXPECT_EQ(changed, QStringList{QString::fromUtf8("\U0001F600")});
    const QString html = diffHtml(d.left, Qt::green, Qt::black);
    EXPECT_TRUE(html.contains("&lt;b&gt;x&lt;/b&gt;"));
    EXPECT_TRUE(html.contains(QString::fromUtf8("\U0001F600") + "</span>"));
}

TEST(WordDiff, VeryLongAnswersFallBackToMatchingTheCommonEnds) {
    QString a = "start ";
    QString b = "start ";
    for (int i = 0; i < 2500; ++i) {
        a += QString("a%1 ").arg(i);
        b += QString("b%1 ").arg(i);
    }
    a += "end";
    b += "end";
    const WordDiff d = diffWords(a, b);
    EXPECT_TRUE(d.approximate);
    EXPECT_FALSE(d.left.front().changed);
    EXPECT_FALSE(d.left.back().changed);
    EXPECT_EQ(d.changedLeftWords, 2500);
}

}  // namespace
}  // namespace ladder::ui
