// The charts of the run panes: smoothing, redone steps, hover values, log-y, stage bands, routing
// of metrics to charts, colours on light and dark palettes, and export to PNG, SVG, PDF and CSV.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMouseEvent>
#include <QPalette>
#include <QTest>

#include "tests/support/test_support.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/metric_plot.h"
#include "ui/plots/plot_export.h"
#include "ui/plots/plot_style.h"

namespace ladder::ui {
namespace {

// WCAG contrast ratio of two colours.
double contrast(const QColor& a, const QColor& b) {
    auto luminance = [](const QColor& c) {
        auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a) + 0.05, lb = luminance(b) + 0.05;
    return std::max(la, lb) / std::min(la, lb);
}

TEST(MetricPlot, SmoothingIsADebiasedEmaAndTheRawValuesStay) {
    MetricPlot plot("Loss");
    plot.addPoints("loss", {1, 2, 3}, {1.0, 3.0, 2.0});
    plot.setSmoothing(0.5);
    plot.addPoints("loss", {4}, {6.0});
    // EMA with weight 0.5, divided by 1 - 0.5^t (computed by hand).
    const double expected[] = {1.0, (0.25 + 1.5) / 0.75, (0.875 + 1.0) / 0.875,
                               (0.9375 + 3.0) / 0.9375};
    const auto smoothed = plot.line("loss")->data();
    ASSERT_EQ(smoothed->size(), 4);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR((smoothed->constBegin() + i)->value, expected[i], 1e-12) << i;
    EXPECT_EQ((plot.rawData("loss")->constBegin() + 3)->value, 6.0);
    plot.setSmoothing(0);
    EXPECT_EQ((plot.line("loss")->data()->constBegin() + 1)->value, 3.0);
}

TEST(MetricPlot, TruncatingDropsTheRedoneStepsAndHoverShowsExactValues) {
    MetricPlot plot("Loss");
    plot.addPoints("loss", {1, 2, 3, 4}, {0.9, 0.8, 0.7, 0.6});
    plot.addPoints("eval/loss", {2, 4}, {0.85, 0.65});
    plot.truncateFrom("loss", 3);
    EXPECT_EQ(plot.pointCount("loss"), 2);
    EXPECT_EQ(plot.lastStep("loss"), 2);
    plot.addPoints("loss", {3}, {0.75});
    const QString text = plot.valuesAt(3.2);
    EXPECT_TRUE(text.startsWith("step 3")) << text.toStdString();
    EXPECT_TRUE(text.contains("loss: 0.75")) << text.toStdString();
    EXPECT_TRUE(text.contains("eval/loss: 0.85 (step 2)") || text.contains("eval/loss: 0.65 (step 4)"))
        << text.toStdString();
    EXPECT_TRUE(MetricPlot("empty").valuesAt(1).isEmpty());
}

TEST(MetricPlot, LogYAndStagesAndFollowing) {
    MetricPlot plot("Loss");
    plot.resize(400, 300);
    plot.addPoints("loss", {1, 2, 3}, {10, 1, 0.1});
    plot.setLogY(true);
    EXPECT_EQ(plot.yAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_LT(plot.yAxis->range().lower, 0.1);
    EXPECT_GT(plot.yAxis->range().upper, 10);
    plot.setStages({{1, 1, "1 easy"}});
    EXPECT_EQ(plot.itemCount(), 2);  // one stage: no band, only the tracer and the empty text
    plot.setStages({{1, 1, "1 easy"}, {2, 3, "2 hard"}});
    EXPECT_EQ(plot.stageCount(), 2);
    EXPECT_EQ(plot.itemCount(), 2 + 2 * 2);  // the same, and a band and a label per stage
    EXPECT_TRUE(plot.followsData());
}

// Following a run fits the axes from ranges kept as points arrive; they must be what
// QCustomPlot's own full scan finds, padded 6% (linear) or by a factor 1.2 (log).
TEST(MetricPlot, FollowingFitsTheAxesAsAFullRescaleWould) {
    MetricPlot plot("Loss");
    plot.resize(400, 300);
    const auto expectFitted = [&plot](const char* when) {
        plot.refresh();
        const QCPRange x = plot.xAxis->range(), y = plot.yAxis->range();
        plot.rescaleAxes(/*onlyVisiblePlottables=*/true);
        const QCPRange fullX = plot.xAxis->range(), fullY = plot.yAxis->range();
        // The keys get a few pixels' margin, so that a marker at either end is drawn whole.
        EXPECT_LT(x.lower, fullX.lower) << when;
        EXPECT_GT(x.upper, fullX.upper) << when;
        EXPECT_LT(x.size(), fullX.size() * 1.05) << when;
        if (plot.logY()) {
            EXPECT_DOUBLE_EQ(y.lower, fullY.lower / 1.2) << when;
            EXPECT_DOUBLE_EQ(y.upper, fullY.upper * 1.2) << when;
        } else {
            EXPECT_DOUBLE_EQ(y.lower, fullY.lower - 0.06 * fullY.size()) << when;
            EXPECT_DOUBLE_EQ(y.upper, fullY.upper + 0.06 * fullY.size()) << when;
        }
        plot.refresh();  // back to the fitted, padded ranges for the next step
    };
    const double nan = std::nan("");
    plot.addPoints("loss", {1, 2, 3, 4}, {nan, 2.5, -0.5, 1.0});  // a NaN first point
    plot.addPoints("eval/loss", {2, 6}, {3.5, nan});                 // and a NaN last one
    plot.addPoints("eval/only_nan", {1, 9}, {nan, nan});             // no finite point at all
    expectFitted("NaN at both ends");
    plot.addPoints("loss", {5, 7}, {0.25, 4.0});
    expectFitted("after appending");
    plot.truncateFrom("loss", 5);
    expectFitted("after truncating");
    plot.setSmoothing(0.9);
    plot.addPoints("loss", {5}, {9.0});
    plot.addPoints("loss", {6}, {-2.0});
    expectFitted("smoothed");
    plot.setLogY(true);
    expectFitted("log y (the negative values left out)");
    plot.setLogY(false);
    plot.setSmoothing(0);
    expectFitted("smoothing off again");
}

// Ranges QCustomPlot would not fit: a constant line, an infinity, a log axis with nothing
// positive. Refreshing again must never move the axes (a constant learning rate once made the
// chart zoom out 12% at each refresh).
TEST(MetricPlot, ConstantLinesInfinitiesAndEmptyLogAxesKeepStableRanges) {
    MetricPlot plot("Learning rate");
    plot.resize(400, 300);
    const auto expectY = [&plot](double lower, double upper, const char* when) {
        for (int i = 0; i < 3; ++i) {
            plot.refresh();
            EXPECT_DOUBLE_EQ(plot.yAxis->range().lower, lower) << when << ", refresh " << i;
            EXPECT_DOUBLE_EQ(plot.yAxis->range().upper, upper) << when << ", refresh " << i;
        }
    };
    plot.addPoints("learning_rate", {1, 2, 3}, {1e-4, 1e-4, 1e-4});
    expectY(1e-4 - 1e-3, 1e-4 + 1e-3, "constant, small");  // at least 1e-3 either side
    plot.clearSeries();
    plot.addPoints("loss", {1, 2}, {5.0, 5.0});
    expectY(4.5, 5.5, "constant: 10% of the value");
    plot.addPoints("loss", {3}, {std::numeric_limits<double>::infinity()});
    expectY(4.5, 5.5, "an infinity is left out");
    EXPECT_NEAR(plot.xAxis->range().lower, 1, 0.05);  // a marker's margin either side
    EXPECT_NEAR(plot.xAxis->range().upper, 2, 0.05);
    plot.clearSeries();
    plot.addPoints("margin", {1, 2}, {-1.0, -3.0});
    plot.setLogY(true);
    const QCPRange before = plot.yAxis->range();
    expectY(before.lower, before.upper, "log y with nothing positive");
}

// Issue 21: a legend inside the chart covered the curves at 1000x700. It sits below the chart,
// in as many columns as fit across it, and can be hidden.
TEST(MetricPlot, TheLegendSitsBelowTheChartNeverOverTheLines) {
    MetricPlot plot("Accuracy");
    plot.resize(900, 300);
    plot.show();
    QVector<double> steps, values;
    for (int i = 1; i <= 50; ++i) {
        steps << i;
        values << 0.5 + 0.005 * i;
    }
    for (int s = 0; s < 9; ++s) {
        plot.addPoints(QStringLiteral("tier/t%1/accuracies").arg(s), steps, values);
    }
    plot.refresh();
    plot.replot();
    ASSERT_TRUE(plot.legend->visible());
    const QRect legend = plot.legend->outerRect();
    const QRect chart = plot.axisRect()->rect();
    EXPECT_FALSE(legend.intersects(chart));
    EXPECT_GE(legend.top(), chart.bottom());
    EXPECT_GT(plot.legend->columnCount(), 1);  // nine items wrap across, not down
    EXPECT_LE(legend.right(), plot.width());
    plot.setLegendShown(false);
    plot.replot();
    EXPECT_FALSE(plot.legend->visible());
    EXPECT_GT(plot.axisRect()->rect().height(), chart.height());  // the chart takes its room
    // One series needs no legend.
    MetricPlot one("Loss");
    one.addPoints("loss", steps, values);
    EXPECT_FALSE(one.legend->visible());
}

// Issue 21: a 30-step run's single win-rate point was drawn as a line without markers (so not
// at all), and its axis zoomed to 0.2375-0.2525 with no error bars. Few points get markers,
// the win rate its ± standard error, and the axis takes the bars in.
TEST(MetricPlot, FewPointsShowAsMarkersAndErrorBarsWidenTheAxis) {
    MetricPlot plot("Comparison");
    plot.resize(400, 300);
    plot.addPoints("run 1", {30}, {0.2375});
    plot.addPoints("run 2", {30}, {0.2525});
    EXPECT_TRUE(plot.hasMarkers("run 1"));
    plot.setErrors("run 1", {30}, {0.03});
    plot.setErrors("run 2", {30}, {0.031});
    plot.refresh();
    EXPECT_LE(plot.yAxis->range().lower, 0.2375 - 0.03);
    EXPECT_GE(plot.yAxis->range().upper, 0.2525 + 0.031);
    QVector<double> steps, values;
    for (int i = 1; i <= 500; ++i) {
        steps << i;
        values << 1.0 / i;
    }
    plot.addPoints("long", steps, values);
    EXPECT_FALSE(plot.hasMarkers("long"));  // a long line stays a line
}

// Issue 21: the win rate at the end of a run fell outside the Accuracy chart: a click on the
// chart (to focus it) stopped its following, and the last step sat on the frame. A click alone
// keeps the following, and a point at the last step is drawn whole inside the frame.
TEST(MetricPlot, APointAtTheLastStepIsDrawnInsideTheFrameAfterAClick) {
    MetricPlot plot("Accuracy and win rate");
    plot.resize(500, 320);
    plot.show();
    QVector<double> steps, values;
    for (int i = 1; i <= 30; ++i) {
        steps << i;
        values << 0.5 + 0.01 * i;
    }
    plot.addPoints("eval/rewards/accuracies", steps, values);
    plot.refresh();
    plot.replot();
    QTest::mouseClick(&plot, Qt::LeftButton, {}, plot.axisRect()->rect().center());
    EXPECT_TRUE(plot.followsData());
    plot.addPoints("eval/win_rate", {30}, {0.95});
    plot.setErrors("eval/win_rate", {30}, {0.02});
    plot.refresh();
    plot.replot();
    const QRect frame = plot.axisRect()->rect();
    const QPointF px(plot.xAxis->coordToPixel(30), plot.yAxis->coordToPixel(0.95));
    const double radius = 3;  // markers are 6 px across
    EXPECT_TRUE(frame.contains(QPoint(static_cast<int>(px.x() + radius), static_cast<int>(px.y() - radius))))
        << px.x() << "," << px.y() << " in " << frame.left() << "-" << frame.right();
    EXPECT_GE(plot.yAxis->range().upper, 0.97);
    // A drag still takes the view over.
    QTest::mousePress(&plot, Qt::LeftButton, {}, frame.center());
    QMouseEvent move(QEvent::MouseMove, QPointF(frame.center() + QPoint(30, 0)),
                     plot.mapToGlobal(QPointF(frame.center() + QPoint(30, 0))), Qt::LeftButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&plot, &move);
    QTest::mouseRelease(&plot, Qt::LeftButton, {}, frame.center() + QPoint(30, 0));
    EXPECT_FALSE(plot.followsData());
}

// Issue 21: another run or a new workspace kept the last run's axes over "no points yet".
TEST(MetricPlot, AnEmptyChartKeepsNoAxesOfTheRunBefore) {
    MetricPlot plot("Loss");
    plot.resize(400, 300);
    plot.addPoints("loss", {100, 2000}, {7.5, 3.0});
    plot.refresh();
    ASSERT_GT(plot.xAxis->range().upper, 1000);
    plot.clearSeries();
    EXPECT_DOUBLE_EQ(plot.xAxis->range().lower, 0);
    EXPECT_DOUBLE_EQ(plot.xAxis->range().upper, 1);
    EXPECT_FALSE(plot.xAxis->tickLabels());
    EXPECT_FALSE(plot.yAxis->tickLabels());
    plot.addPoints("loss", {1, 2}, {1.0, 0.5});
    EXPECT_TRUE(plot.xAxis->tickLabels());
}

TEST(LivePlots, MetricsGoToTheirChartsAndBookkeepingIsLeftOut) {
    const QStringList titles = LivePlotsPane::plotTitles();
    auto chart = [&](const char* metric) {
        const int i = LivePlotsPane::plotIndexFor(metric);
        return i < 0 ? QString() : titles[i];
    };
    EXPECT_EQ(chart("loss"), "Loss");
    EXPECT_EQ(chart("eval/loss"), "Loss");
    EXPECT_EQ(chart("rewards/margins"), "Reward margins");
    EXPECT_EQ(chart("tier/strong>weak/margins"), "Reward margins");
    EXPECT_EQ(chart("eval/tier/medium>weak/accuracies"), "Accuracy and win rate");
    EXPECT_EQ(chart("eval/win_rate"), "Accuracy and win rate");
    EXPECT_EQ(chart("logps/rejected"), "Log-probs");
    EXPECT_EQ(chart("learning_rate"), "Learning rate");
    EXPECT_EQ(chart("grad_norm"), "Gradient norm");
    EXPECT_EQ(chart("tokens_per_second"), "Tokens per second");
    EXPECT_EQ(chart("data/train_pairs"), QString());
    EXPECT_EQ(chart("curriculum/stage"), QString());
}

TEST(PlotStyle, SeriesColoursReadOnLightAndDarkPalettes) {
    QPalette light;
    light.setColor(QPalette::Window, QColor("#efefef"));
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::Text, Qt::black);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor("#2b2b2b"));
    dark.setColor(QPalette::Base, QColor("#1e1e1e"));
    dark.setColor(QPalette::Text, QColor("#e0e0e0"));
    const auto l = PlotStyle::fromPalette(light);
    const auto d = PlotStyle::fromPalette(dark);
    EXPECT_FALSE(l.dark);
    EXPECT_TRUE(d.dark);
    for (int i = 0; i < l.series.size(); ++i) {
        EXPECT_GE(contrast(l.seriesColor(i), l.background), 3.0) << l.seriesColor(i).name().toStdString();
        EXPECT_GE(contrast(d.seriesColor(i), d.background), 4.5) << d.seriesColor(i).name().toStdString();
    }
    EXPECT_GE(contrast(d.foreground, d.background), 7);
}

TEST(PlotExport, WritesPngSvgPdfAndCsvOfSeveralCharts) {
    test::TempDir dir;
    MetricPlot a("Loss"), b("Learning rate");
    a.addPoints("loss", {1, 2, 3}, {0.9, 0.7, std::nan("")});
    b.addPoints("learning_rate", {1, 2, 3}, {1e-3, 2e-3, 3e-3});
    b.setSeriesLabel("learning_rate", "lr, scheduled");
    const QList<MetricPlot*> plots{&a, &b};
    for (const char* name : {"charts.png", "charts.svg", "charts.pdf"}) {
        QString error;
        const QString path = QString::fromStdString((dir / name).string());
        ASSERT_TRUE(exportPlots(plots, path, 2, QSize(300, 200), &error)) << error.toStdString();
        EXPECT_GT(QFileInfo(path).size(), 500) << name;
    }
    const QImage png(QString::fromStdString((dir / "charts.png").string()));
    EXPECT_EQ(png.size(), QSize(1200, 400));  // two cells side by side, twice the pixels
    EXPECT_TRUE(test::readFile(dir / "charts.svg").find("<svg") != std::string::npos);
    EXPECT_EQ(test::readFile(dir / "charts.pdf").substr(0, 5), "%PDF-");
    QString error;
    ASSERT_TRUE(exportPlotsByName(plots, QString::fromStdString((dir / "v.csv").string()), 2,
                                  QSize(300, 200), &error));
    EXPECT_EQ(test::readFile(dir / "v.csv"),
              "plot,series,step,value\n"
              "Loss,loss,1,0.9\nLoss,loss,2,0.7\nLoss,loss,3,\n"
              "Learning rate,\"lr, scheduled\",1,0.001\nLearning rate,\"lr, scheduled\",2,0.002\n"
              "Learning rate,\"lr, scheduled\",3,0.003\n");
    EXPECT_FALSE(exportPlots(plots, QString::fromStdString((dir / "x.gif").string()), 2,
                             QSize(300, 200), &error));
    EXPECT_TRUE(error.contains("gif"));
}

}  // namespace
}  // namespace ladder::ui
