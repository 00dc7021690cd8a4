#include "ui/runs/run_panes.h"

#include <QStatusBar>
#include <QTabWidget>

#include "ui/bridge/run_queue.h"
#include "ui/bridge/study_bridge.h"
#include "ui/main_window.h"
#include "ui/runs/compare_pane.h"
#include "ui/runs/launcher_pane.h"
#include "ui/runs/live_plots_pane.h"
#include "ui/runs/runs_pane.h"
#include "ui/runs/studies_pane.h"

namespace ladder::ui {

RunPanes addRunPanes(MainWindow* window) {
    RunPanes p;
    WorkspaceSession* session = window->session();
    p.queue = new RunQueue(window);
    p.launcher = new LauncherPane(session, p.queue, window);
    p.plots = new LivePlotsPane(session, p.queue, window);
    p.runs = new RunsPane(session, p.queue, window);
    p.compare = new ComparePane(session, window);
    p.studies = new StudiesPane(session, window);
    window->addPane(p.launcher, QObject::tr("Launcher"));
    window->addPane(p.plots, QObject::tr("Plots"));
    window->addPane(p.runs, QObject::tr("Runs"));
    window->addPane(p.compare, QObject::tr("Compare"));
    window->addPane(p.studies, QObject::tr("Studies"));

    QTabWidget* tabs = window->panes();
    QObject::connect(p.runs, &RunsPane::duplicateConfig, p.launcher,
                     [launcher = p.launcher, tabs](const train::RunConfig& config) {
                         launcher->setConfig(config);
                         tabs->setCurrentWidget(launcher);
                     });
    QObject::connect(p.runs, &RunsPane::showPlots, p.plots,
                     [plots = p.plots, tabs](std::int64_t runId) {
                         plots->showRun(runId);
                         tabs->setCurrentWidget(plots);
                     });
    // A study runs for long: its progress shows whichever pane is in front.
    QObject::connect(p.studies->job(), &StudyJob::progress, window, [window](const QString& text) {
        window->statusBar()->showMessage(text, 10000);
    });
    QObject::connect(p.studies->job(), &StudyJob::finished, window,
                     [window](const QString& text) { window->statusBar()->showMessage(text); });
    return p;
}

}  // namespace ladder::ui
