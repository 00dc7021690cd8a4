// The Curriculum pane on a real demo workspace: table edits and a dragged stage boundary round-trip
// through the workspace, the chart follows each edit, problems show inline, presets, undo, and the
// stage model obeys the item-model rules.
#include <gtest/gtest.h>

#include <cmath>

#include <QAbstractItemModelTester>
#include <QAbstractButton>
#include <QListWidget>
#include <QMessageBox>
#include <QMouseEvent>
#include <QTableView>

#include "core/common/error.h"
#include "core/curriculum/curriculum_store.h"
#include "core/store/workspace.h"
#include "tests/ui/ui_fixtures.h"
#include "ui/bridge/workspace_session.h"
#include "ui/curriculum/curriculum_chart.h"
#include "ui/curriculum/curriculum_editor.h"
#include "ui/curriculum/stage_table_model.h"

namespace ladder::ui {
namespace {

using curriculum::Curriculum;

class CurriculumEditorTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        m_file = test::makeDemoWorkspace(m_dir);
        ASSERT_TRUE(m_window.openWorkspace(test::qpath(m_file), false, /*interactive=*/false));
        m_editor = m_window.findChild<CurriculumEditor*>();
        ASSERT_NE(m_editor, nullptr);
        ASSERT_TRUE(test::showPane(m_window, "Curriculum"));
        m_window.resize(1300, 800);
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_window));
    }

    // What the workspace file holds, through a connection of its own.
    Curriculum storedCurriculum(const std::string& name) {
        auto ws = store::Workspace::open(m_file);
        return curriculum::loadCurriculum(ws.db(), name);
    }
    bool setCell(int stage, int column, const QVariant& value) {
        auto* model = m_editor->model();
        return model->setData(model->index(stage, column), value, Qt::EditRole);
    }
    // Two stages of 1000 steps: easy tier only, then the two hard tiers.
    void twoStageCurriculum() {
        Curriculum c;
        c.name = "two-stage";
        curriculum::Stage easy;
        easy.name = "easy";
        easy.steps = 1000;
        easy.tierWeights = {{"strong>weak", 1.0}};
        curriculum::Stage hard;
        hard.name = "hard";
        hard.steps = 1000;
        hard.tierWeights = {{"strong>medium", 1.0}, {"medium>weak", 1.0}};
        c.stages = {easy, hard};
        m_editor->edit(c, "test curriculum");
        m_editor->chart()->replot();
    }
    void mouse(QEvent::Type type, const QPoint& at, Qt::MouseButtons buttons) {
        QWidget* chart = m_editor->chart();
        QMouseEvent event(type, QPointF(at), chart->mapToGlobal(QPointF(at)),
                          type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                          Qt::NoModifier);
        QApplication::sendEvent(chart, &event);
    }

    test::TempDir m_dir;
    std::filesystem::path m_file;
    MainWindow m_window;
    CurriculumEditor* m_editor = nullptr;
};

TEST_F(CurriculumEditorTest, OpensTheFirstStoredCurriculumWithOneColumnPerTier) {
    QStringList stored;
    for (int i = 0; i < m_editor->storedList()->count(); ++i) {
        stored << m_editor->storedList()->item(i)->text();
    }
    EXPECT_EQ(stored, (QStringList{"easy-then-hard", "single-tier", "uniform"}));
    EXPECT_EQ(m_editor->curriculum().toJson(), storedCurriculum("easy-then-hard").toJson());
    const auto* model = m_editor->model();
    EXPECT_EQ(model->columnCount(), StageTableModel::FirstTier + 3);
    EXPECT_EQ(model->headerData(StageTableModel::FirstTier, Qt::Horizontal, Qt::DisplayRole),
              "strong>\nweak");  // easiest first, a source a line
    EXPECT_FALSE(m_editor->isModified());
}

TEST_F(CurriculumEditorTest, StageModelPassesTheItemModelTesterThroughEdits) {
    QAbstractItemModelTester tester(m_editor->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    twoStageCurriculum();
    EXPECT_TRUE(setCell(0, StageTableModel::NameColumn, "warm-up"));
    EXPECT_TRUE(setCell(1, StageTableModel::TransitionColumn, "blend"));
    m_editor->newFromPreset("uniform");
    m_editor->undoStack()->undo();
    m_editor->setLadder("demo");
    auto* model = m_editor->model();
    EXPECT_FALSE(model->data(model->index(5, 0), Qt::DisplayRole).isValid());
    EXPECT_FALSE(model->data(model->index(0, 0), Qt::DecorationRole).isValid());
    EXPECT_FALSE(
        model->setData(model->index(0, StageTableModel::UnitColumn), "hours", Qt::EditRole));
}

TEST_F(CurriculumEditorTest, TableEditsRoundTripThroughTheWorkspace) {
    auto* model = m_editor->model();
    ASSERT_EQ(model->rowCount(), 2);  // easy (gap 2), hard (gap 1), one epoch each
    EXPECT_TRUE(setCell(0, StageTableModel::UnitColumn, "steps"));
    EXPECT_TRUE(setCell(0, StageTableModel::LengthColumn, 500));
    EXPECT_TRUE(setCell(1, StageTableModel::TransitionColumn, "blend"));
    EXPECT_TRUE(setCell(1, StageTableModel::BlendColumn, 120));
    const int medium = model->columnOfTier("strong>medium");
    ASSERT_GE(medium, 0);
    EXPECT_TRUE(setCell(1, medium, 2.5));
    EXPECT_TRUE(setCell(0, StageTableModel::NameColumn, "warm-up"));
    EXPECT_TRUE(m_editor->isModified());

    const Curriculum& c = m_editor->curriculum();
    EXPECT_EQ(c.stages[0].steps, 500);
    EXPECT_EQ(c.stages[0].epochs, 0.0);
    EXPECT_EQ(c.stages[1].transition, curriculum::Transition::Blend);
    EXPECT_EQ(c.stages[1].blendSteps, 120);
    EXPECT_DOUBLE_EQ(c.stages[1].tierWeights.at("strong>medium"), 2.5);

    ASSERT_TRUE(m_editor->saveAs("annotated-run", /*confirm=*/false));
    EXPECT_FALSE(m_editor->isModified());
    const Curriculum saved = storedCurriculum("annotated-run");
    EXPECT_EQ(saved.toJson(), m_editor->curriculum().toJson());
    EXPECT_EQ(saved.stages[0].name, "warm-up");

    // Reopened from the workspace: the same curriculum.
    ASSERT_TRUE(m_editor->open("uniform"));
    ASSERT_TRUE(m_editor->open("annotated-run"));
    EXPECT_EQ(m_editor->curriculum().toJson(), saved.toJson());
    EXPECT_FALSE(m_editor->storedList()->findItems("annotated-run", Qt::MatchExactly).isEmpty());
}

TEST_F(CurriculumEditorTest, DraggingAStageBoundaryChangesItsLengthInOneUndoableStep) {
    twoStageCurriculum();
    CurriculumChart* chart = m_editor->chart();
    ASSERT_EQ(chart->boundaryCount(), 2);
    EXPECT_DOUBLE_EQ(chart->boundaryStep(0), 1000);

    const QPoint from = chart->boundaryPixel(0);
    const QPoint to(static_cast<int>(std::lround(chart->xAxis->coordToPixel(1500))), from.y());
    const QPoint halfway((from.x() + to.x()) / 2, from.y());
    // The step under the pixel where the mouse lets go (the scale holds still while dragging).
    const std::int64_t expected = std::llround(chart->xAxis->pixelToCoord(to.x()));
    mouse(QEvent::MouseButtonPress, from, Qt::LeftButton);
    EXPECT_TRUE(chart->isDragging());
    mouse(QEvent::MouseMove, halfway, Qt::LeftButton);
    const std::int64_t live = m_editor->curriculum().stages[0].steps;
    EXPECT_GT(live, 1000);
    EXPECT_LT(live, 1500);
    mouse(QEvent::MouseMove, to, Qt::LeftButton);
    mouse(QEvent::MouseButtonRelease, to, Qt::NoButton);
    EXPECT_FALSE(chart->isDragging());

    const Curriculum& c = m_editor->curriculum();
    EXPECT_EQ(c.stages[0].steps, expected);
    EXPECT_NEAR(static_cast<double>(expected), 1500.0,
                chart->xAxis->range().size() / chart->axisRect()->width() + 1);
    EXPECT_EQ(c.stages[1].steps, 1000);  // only the dragged stage changes
    chart->replot();
    EXPECT_DOUBLE_EQ(chart->boundaryStep(0), static_cast<double>(expected));
    EXPECT_DOUBLE_EQ(chart->boundaryStep(1), static_cast<double>(expected + 1000));

    ASSERT_TRUE(m_editor->saveAs("dragged", /*confirm=*/false));
    EXPECT_EQ(storedCurriculum("dragged").toJson(), m_editor->curriculum().toJson());

    m_editor->undoStack()->undo();  // the whole drag is one step
    EXPECT_EQ(m_editor->curriculum().stages[0].steps, 1000);
}

TEST_F(CurriculumEditorTest, TheChartFollowsEveryEdit) {
    twoStageCurriculum();
    CurriculumChart* chart = m_editor->chart();
    ASSERT_EQ(chart->tierCount(), 3);  // strong>weak, strong>medium, medium>weak, stacked
    // Stage 2 (steps 1000..1999) mixes strong>medium and medium>weak 1:1.
    EXPECT_DOUBLE_EQ(chart->stackedValueAt(0, 1500), 0.0);
    EXPECT_DOUBLE_EQ(chart->stackedValueAt(1, 1500), 0.5);
    EXPECT_DOUBLE_EQ(chart->stackedValueAt(2, 1500), 1.0);
    EXPECT_DOUBLE_EQ(chart->stackedValueAt(0, 500), 1.0);

    const int medium = m_editor->model()->columnOfTier("strong>medium");
    ASSERT_TRUE(setCell(1, medium, 3.0));
    EXPECT_DOUBLE_EQ(chart->stackedValueAt(1, 1500), 0.75);

    // A blend over 400 steps: halfway through it, half of each stage's mix.
    ASSERT_TRUE(setCell(1, StageTableModel::TransitionColumn, "blend"));
    ASSERT_TRUE(setCell(1, StageTableModel::BlendColumn, 400));
    EXPECT_NEAR(chart->stackedValueAt(0, 1200), 0.5, 1e-9);
    EXPECT_NEAR(chart->stackedValueAt(1, 1200), 0.5 + 0.5 * 0.75, 1e-9);

    ASSERT_TRUE(setCell(0, StageTableModel::LengthColumn, 250));
    EXPECT_DOUBLE_EQ(chart->boundaryStep(0), 250);
    EXPECT_DOUBLE_EQ(chart->boundaryStep(1), 1250);
}

TEST_F(CurriculumEditorTest, ProblemsShowInlineAsTheyAppearAndGo) {
    twoStageCurriculum();
    auto messages = [this] {
        QStringList out;
        for (int i = 0; i < m_editor->messageList()->count(); ++i) {
            out << m_editor->messageList()->item(i)->text();
        }
        return out.join('\n');
    };
    EXPECT_TRUE(messages().startsWith("No problems")) << messages().toStdString();
    auto* model = m_editor->model();
    EXPECT_FALSE(model->data(model->index(0, 0), Qt::BackgroundRole).isValid());

    ASSERT_TRUE(setCell(0, model->columnOfTier("strong>weak"), 0.0));  // stage 1 is now empty
    EXPECT_TRUE(messages().contains("stage 1 'easy' is empty")) << messages().toStdString();
    EXPECT_TRUE(model->data(model->index(0, 0), Qt::BackgroundRole).isValid());
    EXPECT_TRUE(model->data(model->index(0, 0), Qt::ToolTipRole).toString().contains("Error"));

    m_editor->undoStack()->undo();
    ASSERT_TRUE(setCell(1, StageTableModel::TransitionColumn, "blend"));
    ASSERT_TRUE(setCell(1, StageTableModel::BlendColumn, 5000));
    EXPECT_TRUE(messages().contains("lasts only 1000")) << messages().toStdString();
    EXPECT_FALSE(m_editor->saveAs("broken", /*confirm=*/false));  // core refuses errors
    auto ws = store::Workspace::open(m_file);
    EXPECT_THROW((void)curriculum::loadCurriculum(ws.db(), "broken"), Error);
}

TEST_F(CurriculumEditorTest, PresetsFollowTheLaddersTiersAndUndoRestoresTheFormer) {
    const Curriculum before = m_editor->curriculum();
    m_editor->newFromPreset("single-tier", "medium>weak");
    ASSERT_EQ(m_editor->curriculum().stages.size(), 1u);
    EXPECT_EQ(m_editor->curriculum().tiers(), std::vector<std::string>{"medium>weak"});
    m_editor->newFromPreset("uniform");
    EXPECT_EQ(m_editor->curriculum().tiers().size(), 3u);
    // Epochs of the ladder's training pairs at the batch size: the chart's length.
    m_editor->setBatchSize(10);
    std::int64_t trainPairs = 0;
    {
        auto ws = store::Workspace::open(m_file);
        trainPairs = ws.db().queryInt64("SELECT count(*) FROM pairs WHERE split = 'train'");
    }
    EXPECT_DOUBLE_EQ(m_editor->chart()->boundaryStep(0),
                     std::ceil(static_cast<double>(trainPairs) / 10.0));
    m_editor->undoStack()->undo();
    m_editor->undoStack()->undo();
    EXPECT_EQ(m_editor->curriculum().toJson(), before.toJson());
}

TEST_F(CurriculumEditorTest, AddRemoveAndDeleteStoredCurricula) {
    twoStageCurriculum();
    QAction* add = nullptr;
    QAction* remove = nullptr;
    for (QAction* a : m_editor->actions()) {
        if (a->text() == "Add stage") add = a;
        if (a->text() == "Remove stage") remove = a;
    }
    ASSERT_TRUE(add && remove);
    add->trigger();
    ASSERT_EQ(m_editor->curriculum().stages.size(), 3u);
    EXPECT_EQ(m_editor->curriculum().stages[2].tierWeights,
              m_editor->curriculum().stages[1].tierWeights);
    m_editor->table()->setCurrentIndex(m_editor->model()->index(0, 0));
    remove->trigger();
    ASSERT_EQ(m_editor->curriculum().stages.size(), 2u);
    EXPECT_EQ(m_editor->curriculum().stages[0].name, "hard");

    ASSERT_TRUE(m_editor->removeStored("uniform", /*confirm=*/false));
    EXPECT_TRUE(m_editor->storedList()->findItems("uniform", Qt::MatchExactly).isEmpty());
    auto ws = store::Workspace::open(m_file);
    EXPECT_EQ(curriculum::listCurricula(ws.db()).size(), 2u);
}

// Issue 21: a single click highlighted another curriculum while the editor kept the old one,
// and the discard question had no Save. A click opens it; unsaved edits are offered Save.
TEST_F(CurriculumEditorTest, AClickOpensAnotherCurriculumAndUnsavedEditsAreOfferedSave) {
    QListWidget* list = m_editor->storedList();
    const auto click = [list](const QString& name) {
        const auto items = list->findItems(name, Qt::MatchExactly);
        if (items.isEmpty()) return false;
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(items.front()).center());
        QTest::qWait(50);  // the editor opens it after the click
        return true;
    };
    ASSERT_TRUE(click("uniform"));
    EXPECT_EQ(m_editor->curriculum().name, "uniform");
    EXPECT_EQ(list->currentItem()->text(), "uniform");
    ASSERT_TRUE(click("easy-then-hard"));
    EXPECT_EQ(m_editor->curriculum().name, "easy-then-hard");

    Curriculum changed = m_editor->curriculum();
    ASSERT_FALSE(changed.stages.empty());
    changed.stages[0].name = "warm-up";
    m_editor->edit(changed, "rename a stage");
    ASSERT_TRUE(m_editor->isModified());
    QStringList buttons;
    test::answerNextDialog<QMessageBox>([&buttons](QMessageBox* box) {
        for (QAbstractButton* b : box->buttons()) buttons << b->text();
        box->button(QMessageBox::Save)->click();
    });
    ASSERT_TRUE(click("uniform"));
    EXPECT_TRUE(buttons.join(' ').contains("Save")) << buttons.join(' ').toStdString();
    EXPECT_EQ(m_editor->curriculum().name, "uniform");
    EXPECT_EQ(storedCurriculum("easy-then-hard").stages[0].name, "warm-up");

    // Cancel keeps the edits and the highlight on the curriculum being edited.
    changed = m_editor->curriculum();
    changed.stages[0].name = "kept";
    m_editor->edit(changed, "rename a stage");
    test::answerNextDialog<QMessageBox>(
        [](QMessageBox* box) { box->button(QMessageBox::Cancel)->click(); });
    ASSERT_TRUE(click("easy-then-hard"));
    EXPECT_EQ(m_editor->curriculum().name, "uniform");
    EXPECT_EQ(m_editor->curriculum().stages[0].name, "kept");
    EXPECT_EQ(list->currentItem()->text(), "uniform");
}

TEST_F(CurriculumEditorTest, FollowsTheWorkspaceBeingClosed) {
    m_window.session()->close();
    EXPECT_EQ(m_editor->storedList()->count(), 0);
    EXPECT_TRUE(m_editor->curriculum().stages.empty());
    EXPECT_EQ(m_editor->model()->rowCount(), 0);
    EXPECT_EQ(m_editor->chart()->boundaryCount(), 0);
}

}  // namespace
}  // namespace ladder::ui
