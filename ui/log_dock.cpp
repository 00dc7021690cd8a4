#include "ui/log_dock.h"

#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include "core/common/log.h"
#include "ui/bridge/log_sink.h"
#include "ui/flow_layout.h"

namespace ladder::ui {

namespace {
constexpr int kDrainIntervalMs = 50;  // 20 Hz, as the design asks of every queue the UI drains
constexpr int kMaxLines = 5000;
}  // namespace

LogDock::LogDock(QWidget* parent)
    : QDockWidget(tr("Log"), parent), m_sink(std::make_shared<QueueLogSink>()) {
    setObjectName("logDock");
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);

    // The bar wraps (and the lines below do): docked at a side, the dock is as narrow as the
    // user makes it instead of pushing the window wider than the screen.
    auto* bar = new FlowLayout;
    m_level = new QComboBox(body);
    m_level->addItem(tr("Debug and above"), static_cast<int>(spdlog::level::debug));
    m_level->addItem(tr("Info and above"), static_cast<int>(spdlog::level::info));
    m_level->addItem(tr("Warnings and errors"), static_cast<int>(spdlog::level::warn));
    m_level->setCurrentIndex(1);
    bar->addWidget(new QLabel(tr("Show:"), body));
    bar->addWidget(m_level);
    auto* openFile = new QPushButton(tr("Open Log File"), body);
    openFile->setToolTip(tr("The full log, kept under the XDG state directory"));
    bar->addWidget(openFile);
    auto* clear = new QPushButton(tr("Clear"), body);
    bar->addWidget(clear);
    layout->addLayout(bar);

    m_view = new QPlainTextEdit(body);
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(kMaxLines);
    // Long lines (paths, a config) wrap, at any character where a word is longer than the line.
    m_view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_view->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    QFont mono("monospace");
    mono.setStyleHint(QFont::Monospace);
    m_view->setFont(mono);
    layout->addWidget(m_view);
    setWidget(body);

    connect(clear, &QPushButton::clicked, m_view, &QPlainTextEdit::clear);
    connect(openFile, &QPushButton::clicked, this, [] {
        const auto file = log::currentLogFile();
        if (!file.empty()) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(QString::fromStdString(file.string())));
        }
    });

    log::addSink(m_sink);
    m_timer = new QTimer(this);
    m_timer->setInterval(kDrainIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &LogDock::drain);
    m_timer->start();
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_unseenWarnings != 0) {
            m_unseenWarnings = 0;
            Q_EMIT unseenWarningsChanged(0);
        }
    });
}

LogDock::~LogDock() { log::removeSink(m_sink); }

void LogDock::drain() {
    const auto entries = m_sink->drain();
    const int minimum = m_level->currentData().toInt();
    int warnings = 0;
    for (const LogEntry& e : entries) {
        if (e.level >= spdlog::level::warn) ++warnings;
        if (static_cast<int>(e.level) < minimum) continue;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            e.time.time_since_epoch())
                            .count();
        const QString time = QDateTime::fromMSecsSinceEpoch(ms).toString("HH:mm:ss");
        const auto levelName = spdlog::level::to_string_view(e.level);
        m_view->appendPlainText(QString("%1 %2 %3: %4")
                                    .arg(time, QString::fromUtf8(levelName.data(),
                                                                 static_cast<int>(levelName.size())),
                                         QString::fromStdString(e.logger),
                                         QString::fromStdString(e.text)));
    }
    if (warnings > 0 && isHidden()) {
        m_unseenWarnings += warnings;
        Q_EMIT unseenWarningsChanged(m_unseenWarnings);
    }
}

QString LogDock::text() const { return m_view->toPlainText(); }

}  // namespace ladder::ui
