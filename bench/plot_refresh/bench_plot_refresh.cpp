// bench_plot_refresh: how long one chart of the Plots pane takes to redraw with 10 series of
// 100,000 points each (a long run's metrics), offscreen. The window redraws a chart at most 20
// times a second, so a replot must stay well under 16 ms for the window to stay smooth.
// Usage: bench_plot_refresh [series] [points] [replots]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <QApplication>

#include "bench/bench_args.h"
#include "ui/plots/metric_plot.h"

namespace {

struct Timing {
    double first = 0;  // the first replot after a change (new buffers, tick labels, data growth)
    double mean = 0, median = 0, worst = 0;  // the replots after it
};

Timing measure(ladder::ui::MetricPlot& plot, int replots, bool appending, int series) {
    QApplication::processEvents();  // a replot queued before (setSmoothing, fitToData) is not ours
    std::vector<double> ms;
    int drawn = 0;  // replots that really happened (a queued one runs inside processEvents)
    const auto counter = QObject::connect(&plot, &QCustomPlot::afterReplot, [&drawn] { ++drawn; });
    double step = plot.lastStep("s0") + 1;
    for (int i = 0; i < replots; ++i) {
        if (appending) {
            // What a 20 Hz tick of a live run adds: a few points per series.
            for (int s = 0; s < series; ++s) {
                plot.addPoints(QStringLiteral("s%1").arg(s), {step}, {std::sin(step * 0.001) + s});
            }
            ++step;
        }
        const auto start = std::chrono::steady_clock::now();
        if (appending) {
            plot.refresh();  // what the pane's 20 Hz flush does: rescale, queue one replot
        } else {
            plot.replot(QCustomPlot::rpImmediateRefresh);
        }
        QApplication::processEvents();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    QObject::disconnect(counter);
    if (drawn < replots) {
        std::fprintf(stderr, "bench_plot_refresh: only %d of %d replots happened\n", drawn,
                     replots);
        std::exit(1);
    }
    Timing t;
    t.first = ms.front();
    ms.erase(ms.begin());
    for (double v : ms) t.mean += v / static_cast<double>(ms.size());
    std::sort(ms.begin(), ms.end());
    t.median = ms[ms.size() / 2];
    t.worst = ms.back();
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    // After QApplication, which takes its own options (-platform ...) out of argv.
    const ladder::bench::PositionalArgs args(argc, argv, "[series] [points] [replots]", 3);
    const int series = args.integer(1, 10, 1, 100);
    const int points = args.integer(2, 100000, 1, 10'000'000);
    const int replots = args.integer(3, 60, 2, 100000);

    ladder::ui::MetricPlot plot("Loss");
    plot.resize(1200, 700);
    plot.show();
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0, 0.05);
    for (int s = 0; s < series; ++s) {
        QVector<double> keys(points), values(points);
        for (int i = 0; i < points; ++i) {
            keys[i] = i + 1;
            values[i] = 1.0 / std::sqrt(1.0 + i * 0.01) + 0.1 * s + noise(rng);  // a noisy loss curve
        }
        plot.addPoints(QStringLiteral("s%1").arg(s), keys, values);
    }
    plot.fitToData();
    measure(plot, 5, false, series);  // warm up caches (tick labels, buffers)

    std::printf("bench_plot_refresh: %d series x %d points, %dx%d px, Qt %s (%s)\n", series, points,
                plot.width(), plot.height(), qVersion(), qPrintable(QApplication::platformName()));
    auto report = [](const char* what, const Timing& t) {
        std::printf("  %-34s first %6.2f ms, then mean %6.2f ms  median %6.2f ms  worst %6.2f ms"
                    "  (target < 16 ms)\n", what, t.first, t.mean, t.median, t.worst);
    };
    report("replot, whole run in view", measure(plot, replots, false, series));
    report("replot + append (live tick)", measure(plot, replots, true, series));
    plot.xAxis->setRange(points * 0.45, points * 0.55);
    report("replot, zoomed to 10%", measure(plot, replots, false, series));
    plot.fitToData();
    plot.setSmoothing(0.9);  // a smoothed line over each faint raw line: 20 graphs
    report("replot, smoothing on (2x graphs)", measure(plot, replots, false, series));
    return 0;
}
