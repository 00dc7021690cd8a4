// bench_gui_stall: while a run of the window trains at full speed, how long does the GUI thread's
// event loop go without turning? A 5 ms timer records the gaps between its ticks (a gap is the
// longest the window could not answer the user); the Plots pane is on screen and follows the run.
// Runs with the window's default LibTorch threads (cores - 1) and with all cores, for comparison.
// Usage: bench_gui_stall [seconds per setting] [demo prompts]
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLabel>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include "bench/bench_args.h"
#include "core/demo/demo_workspace.h"
#include "core/train/run_config.h"
#include "ui/bridge/run_queue.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/main_window.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/metric_plot.h"

namespace {

struct Gaps {
    std::vector<double> ms;
    [[nodiscard]] double percentile(double p) const {
        if (ms.empty()) return 0;
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
    }
    [[nodiscard]] double worst() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
    // When the longest gap ended, in seconds from the start of the measurement.
    [[nodiscard]] double worstAt() const {
        double at = 0;
        for (std::size_t i = 0; i < ms.size(); ++i) {
            at += ms[i];
            if (ms[i] == worst()) return at / 1000;
        }
        return 0;
    }
    [[nodiscard]] int over(double limit) const {
        return static_cast<int>(std::count_if(ms.begin(), ms.end(), [limit](double v) { return v > limit; }));
    }
};

// Turns the event loop for `seconds` and records the gaps between ticks of a 5 ms timer.
Gaps measureFor(double seconds) {
    Gaps gaps;
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    qint64 last = 0;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.ms.push_back(static_cast<double>(now - last) / 1e6);
        last = now;
    });
    QEventLoop loop;
    QTimer::singleShot(static_cast<int>(seconds * 1000), &loop, &QEventLoop::quit);
    clock.start();
    tick.start();
    loop.exec();
    return gaps;
}

void report(const char* what, const Gaps& g, double seconds, long long steps) {
    std::printf("  %-28s longest stall %6.1f ms (at %.1f s)  p99 %5.1f ms  median %4.1f ms  gaps > 50 ms: %d  "
                "(%.0f s, %lld steps)\n",
                what, g.worst(), g.worstAt(), g.percentile(0.99), g.percentile(0.5), g.over(50), seconds, steps);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QStandardPaths::setTestModeEnabled(true);  // keep the user's settings out of it
    QApplication app(argc, argv);
    // After QApplication, which takes its own options (-platform ...) out of argv.
    const ladder::bench::PositionalArgs args(argc, argv, "[seconds per setting] [demo prompts]", 2);
    const double seconds = args.number(1, 20, 1, 3600);
    const int prompts = args.integer(2, 600, 30, 100000);
    QApplication::setOrganizationName("LadderBench");
    QApplication::setApplicationName("LadderGuiStall");
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    QTemporaryDir dir;
    const std::string path = (dir.path() + "/demo.ladder").toStdString();
    ladder::demo::initWorkspace(path, {.prompts = prompts, .seed = 1});

    ladder::ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    if (!window.openWorkspace(QString::fromStdString(path), false, false)) return 1;
    auto* queue = window.findChild<ladder::ui::RunQueue*>();
    auto* launcher = window.findChild<ladder::ui::LauncherPane*>();
    auto* plots = window.findChild<ladder::ui::LivePlotsPane*>();
    window.panes()->setCurrentWidget(plots);

    std::printf("bench_gui_stall: %d cores, Qt %s (%s), demo workspace of %d prompts, DPO from "
                "the built-in tiny model (reference pass included), Plots pane on screen\n",
                cores, qVersion(), qPrintable(QApplication::platformName()), prompts);
    report("idle window", measureFor(3), 3, 0);

    const auto runConfig = [](int threads) {
        ladder::train::RunConfig config;
        config.name = "stall bench";
        config.method = "dpo";
        config.data.ladder = "demo";
        config.templateName = "chatml";
        config.data.maxLength = 160;
        config.data.maxPromptLength = 128;
        config.optimizer.lr = 1e-3;
        config.batchSize = 16;
        config.maxSteps = 100000;
        config.evalEvery = 50;
        config.evalPairs = 64;
        config.checkpointEvery = 0;
        config.marginPairs = 0;
        config.threads = threads;
        return config;
    };
    std::vector<int> settings = {ladder::ui::RunQueue::defaultThreads()};
    if (cores != settings.front()) settings.push_back(cores);
    for (int threads : settings) {
        launcher->setConfig(runConfig(threads));
        // In the window, where its events feed the charts (the window's queue).
        launcher->setOwnProcess(false);
        if (!launcher->start()) {
            std::fprintf(stderr, "cannot start: %s\n", qPrintable(launcher->problems().join("; ")));
            return 1;
        }
        const Gaps gaps = measureFor(seconds);
        const auto runId = queue->activeRunId();
        const auto progress = queue->progress(runId);
        const long long steps = progress ? progress->step : 0;
        const int points = plots->plot("Loss")->pointCount("loss");
        queue->stopAll();
        QElapsedTimer waited;
        waited.start();
        while (queue->busy() && waited.elapsed() < 120000) QApplication::processEvents(QEventLoop::AllEvents, 50);
        char what[64];
        std::snprintf(what, sizeof what, "training, %d thread%s", threads, threads == 1 ? "" : "s");
        report(what, gaps, seconds, steps);
        std::printf("  %-28s %d loss points on the chart\n", "", points);
    }

    // The window's default: the run trains in a ladder-cli process of its own, and the panes
    // follow it through the file (the Plots pane reads the rows added since its last look).
    launcher->setConfig(runConfig(ladder::ui::RunQueue::defaultThreads()));
    launcher->setOwnProcess(true);
    if (!launcher->start()) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(launcher->problems().join("; ")));
        return 1;
    }
    const QString said = launcher->findChild<QLabel*>("launcherQueue")->text();
    const auto match = QRegularExpression(QStringLiteral("pid ([0-9]+)")).match(said);
    if (!match.hasMatch()) {
        std::fprintf(stderr, "no process started: %s\n", qPrintable(said));
        return 1;
    }
    const pid_t pid = match.captured(1).toInt();
    const Gaps gaps = measureFor(seconds);
    const int points = plots->plot("Loss")->pointCount("loss");
    ::kill(-pid, SIGINT);  // a checkpoint-free run: it stops after its step
    QElapsedTimer waited;
    waited.start();
    while (::kill(pid, 0) == 0 && waited.elapsed() < 120000) QApplication::processEvents(QEventLoop::AllEvents, 50);
    report("its own process (default)", gaps, seconds, points);
    std::printf("  %-28s %d loss points on the chart (one a step)\n", "", points);
    return 0;
}
