// The launcher's data plan: the training pairs tokenised as the run will tokenise them and the
// padded share of its batches, computed on a worker thread while the form is edited, the same
// figure `ladder-cli train --dry-run` prints and the run records as data/padded_share.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>

#include "core/store/workspace.h"
#include "core/train/data_plan.h"
#include "tests/ui/runs_test_support.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/main_window.h"

namespace ladder::ui {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string planText(const fs::path& path, const train::RunConfig& config) {
    auto ws = store::Workspace::open(path);
    return train::planRunData(ws, config).text(config);
}

TEST(LauncherDataPlan, TheLauncherShowsThePaddedShareOfTheRunsBatchesAsItIsEdited) {
    QSettings().clear();
    test::TempDir dir;
    const fs::path path = test::makeDemoWorkspace(dir, 120);
    MainWindow window;
    window.show();
    ASSERT_TRUE(window.openWorkspace(test::qpath(path), false, /*interactive=*/false));
    auto* launcher = window.findChild<LauncherPane*>();
    ASSERT_NE(launcher, nullptr);
    auto* label = launcher->findChild<QLabel*>("launcherDataPlan");
    ASSERT_NE(label, nullptr);

    auto config = test::tinyRun("dpo", 6);
    config.packedPairs = true;
    config.data.lengthGroups = 16;
    launcher->setConfig(config);
    (void)launcher->problems();  // the debounced check runs, and with it the plan
    const QString packed = QString::fromStdString(planText(path, launcher->config()));
    ASSERT_TRUE(packed.contains("of the token slots are padding (packed rows")) << packed.toStdString();
    EXPECT_TRUE(test::waitFor([&] { return label->text() == packed.toHtmlEscaped(); }, 30s))
        << label->text().toStdString() << "\nexpected " << packed.toStdString();

    // Padded rows without length groups: more padding, shown once the worker is done.
    launcher->findChild<QCheckBox*>("launcherPackedPairs")->setChecked(false);
    launcher->findChild<QSpinBox*>("launcherLengthGroups")->setValue(1);
    (void)launcher->problems();
    const QString padded = QString::fromStdString(planText(path, launcher->config()));
    EXPECT_NE(padded, packed);
    EXPECT_TRUE(padded.contains("padded rows, no length groups")) << padded.toStdString();
    EXPECT_TRUE(test::waitFor([&] { return label->text() == padded.toHtmlEscaped(); }, 30s))
        << label->text().toStdString() << "\nexpected " << padded.toStdString();

    // A tier with no pairs: the plan says so instead of a share.
    auto none = launcher->config();
    none.data.tiers = {"no>such"};
    launcher->setConfig(none);
    (void)launcher->problems();
    EXPECT_TRUE(test::waitFor([&] { return label->text().contains("no training pairs"); }, 30s))
        << label->text().toStdString();
}

}  // namespace
}  // namespace ladder::ui
