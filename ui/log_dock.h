// The log dock: what every area of Ladder logged (through spdlog), newest at the bottom, with a
// level filter. Fed from QueueLogSink by a timer, never from another thread directly. The window
// starts with it hidden (View > Log, Ctrl+L, or the status bar's Log button, which counts the
// warnings and errors logged while it was hidden).
#pragma once

#include <memory>

#include <QDockWidget>

class QComboBox;
class QPlainTextEdit;
class QTimer;

namespace ladder::ui {

class QueueLogSink;

class LogDock final : public QDockWidget {
    Q_OBJECT
public:
    explicit LogDock(QWidget* parent = nullptr);
    ~LogDock() override;

    // Moves what the sink collected into the view (the timer calls it; tests call it directly).
    void drain();
    [[nodiscard]] QString text() const;
    // Warnings and errors logged while the dock was hidden (0 again once it is shown).
    [[nodiscard]] int unseenWarnings() const { return m_unseenWarnings; }

Q_SIGNALS:
    void unseenWarningsChanged(int count);

private:
    std::shared_ptr<QueueLogSink> m_sink;
    QPlainTextEdit* m_view = nullptr;
    QComboBox* m_level = nullptr;
    QTimer* m_timer = nullptr;
    int m_unseenWarnings = 0;
};

}  // namespace ladder::ui
