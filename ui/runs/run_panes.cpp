#include "ui/runs/run_panes.h"

#include <cmath>
#include <map>
#include <memory>
#include <string>

#include <QStatusBar>
#include <QTabWidget>

#include "ui/bridge/run_queue.h"
#include "ui/bridge/study_bridge.h"
#include "ui/compare/compare_pane.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/main_window.h"
#include "ui/pairs/pair_browser.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/runs/run_text.h"
#include "ui/runs/runs_pane.h"
#include "ui/studies/studies_pane.h"

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
    // The pairs behind a point of a curve, opened in the Pairs pane.
    if (auto* browser = window->findChild<PairBrowser*>()) {
        QObject::connect(p.plots, &LivePlotsPane::pairRequested, browser,
                         [browser, tabs](std::int64_t pairId) {
                             tabs->setCurrentWidget(browser);
                             browser->selectPair(pairId);
                         });
    }
    QObject::connect(p.runs, &RunsPane::showPlots, p.plots,
                     [plots = p.plots, tabs](std::int64_t runId) {
                         plots->showRun(runId);
                         tabs->setCurrentWidget(plots);
                     });
    // A run of this window: its step, speed, memory and time left show whichever pane is in
    // front (a step's event carries the first two; the others come as recorded).
    auto memory = std::make_shared<std::map<std::string, double>>();  // system/... last recorded
    QObject::connect(p.queue, &RunQueue::eventsArrived, window,
                     [window, memory](const std::vector<train::TrainingEvent>& events) {
                         const train::TrainingEvent* last = nullptr;
                         for (const auto& e : events) {
                             if (e.kind != train::EventKind::Step) continue;
                             for (const auto& [name, value] : e.metrics) {
                                 if (name.rfind("system/", 0) == 0) (*memory)[name] = value;
                             }
                             last = &e;
                         }
                         if (!last) return;
                         train::TrainingEvent shown = *last;
                         for (const auto& [name, value] : *memory) {
                             if (!std::isfinite(shown.metric(name, std::nan("")))) shown.metrics.emplace_back(name, value);
                         }
                         window->statusBar()->showMessage(trainingStatusText(shown), 10000);
                     });
    // A run of another process (Start's default: a ladder-cli of its own) shows the same, as the
    // Runs pane reads it from the file.
    QObject::connect(p.runs, &RunsPane::otherRunTraining, window,
                     [window](const QString& text) { window->statusBar()->showMessage(text, 10000); });
    // A study runs for long: its progress shows whichever pane is in front.
    QObject::connect(p.studies->job(), &StudyJob::progress, window, [window](const QString& text) {
        window->statusBar()->showMessage(text, 10000);
    });
    QObject::connect(p.studies->job(), &StudyJob::finished, window,
                     [window](const QString& text) { window->statusBar()->showMessage(text); });
    return p;
}

}  // namespace ladder::ui
