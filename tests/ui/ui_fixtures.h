// Helpers of the UI tests: a small demo workspace in a temp folder, a window showing one pane with
// the keyboard focus where a user's would be, and answering the next modal dialog.
#pragma once

#include <filesystem>
#include <functional>

#include <QApplication>
#include <QSettings>
#include <QString>
#include <QTabWidget>
#include <QTest>
#include <QTimer>
#include <QWidget>

#include "core/demo/demo_workspace.h"
#include "tests/support/test_support.h"
#include "ui/main_window.h"

namespace ladder::test {

inline QString qpath(const std::filesystem::path& p) {
    return QString::fromStdString(p.string());
}

// The demo workspace (strong > medium > weak, judged, with curricula) with few prompts: fast.
inline std::filesystem::path makeDemoWorkspace(const TempDir& dir, int prompts = 150) {
    demo::DemoOptions options;
    options.prompts = prompts;
    const auto path = dir / "demo.ladder";
    demo::initWorkspace(path, options);
    return path;
}

// Shows the window on the pane with this title, active, so that its shortcuts fire.
inline bool showPane(ui::MainWindow& window, const QString& title) {
    window.show();
    QApplication::setActiveWindow(&window);
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) return false;
    QTabWidget* tabs = window.panes();
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i) == title) {
            tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

// Runs `answer` on the next modal dialog once it is open (polls, since exec() blocks the caller).
template <typename Dialog>
void answerNextDialog(std::function<void(Dialog*)> answer) {
    auto* timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, [timer, answer] {
        if (auto* d = qobject_cast<Dialog*>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            answer(d);
        }
    });
    timer->start();
}

}  // namespace ladder::test
