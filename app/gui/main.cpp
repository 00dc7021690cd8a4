// ladder: the workbench window. `ladder [WORKSPACE]`, `ladder --demo`, `ladder --version`.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

#include "core/common/log.h"
#include "core/common/version.h"
#include "core/demo/demo_workspace.h"
#include "core/train/plugins.h"
#include "ui/main_window.h"

namespace {

// The demo workspace lives in the user's data folder and is made on first use (in well under a
// second): simulated models' answers, the demo ladder's pairs, judge verdicts and curricula.
QString ensureDemoWorkspace() {
    const std::filesystem::path path = ladder::demo::defaultWorkspacePath();
    if (!std::filesystem::exists(path)) ladder::demo::initWorkspace(path);
    return QString::fromStdString(path.string());
}

}  // namespace

int main(int argc, char** argv) {
    // --version answers without a display (and without starting Qt).
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("ladder %s (Qt %s, LibTorch %s)\n", ladder::kVersion, QT_VERSION_STR,
                        ladder::kTorchVersion);
            return 0;
        }
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName("Ladder");
    QApplication::setApplicationName("Ladder");
    QApplication::setApplicationVersion(ladder::kVersion);
    QApplication::setDesktopFileName("io.github.ladder_workbench.Ladder");
    QApplication::setWindowIcon(QIcon(":/icons/ladder.svg"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Ladder: contrastive post-training on automatically constructed preference pairs");
    parser.addHelpOption();
    parser.addPositionalArgument("workspace", "The workspace file (*.ladder) to open.");
    const QCommandLineOption demo("demo", "Open the demo workspace (created on first use).");
    const QCommandLineOption readOnly("read-only", "Open the workspace read-only.");
    const QCommandLineOption verbose({"v", "verbose"}, "Debug messages in the log.");
    const QCommandLineOption screenshot(
        "screenshot", "Save a picture of the window to FILE after DELAY ms, then quit.", "file");
    const QCommandLineOption delay("screenshot-delay", "Milliseconds before the screenshot.", "ms",
                                   "1500");
    const QCommandLineOption pane("pane", "Show the pane with this title first.", "title");
    parser.addOptions({demo, readOnly, verbose, screenshot, delay, pane});
    parser.process(app);

    ladder::log::init(ladder::log::Options{.verbose = parser.isSet(verbose)});
    ladder::train::loadPlugins();  // the launcher offers the plugins' losses and judges

    ladder::ui::MainWindow window;
    window.show();

    QString path;
    if (parser.isSet(demo)) {
        try {
            path = ensureDemoWorkspace();
        } catch (const std::exception& e) {
            ladder::log::get("ui")->error("cannot create the demo workspace: {}", e.what());
        }
    } else if (!parser.positionalArguments().isEmpty()) {
        path = parser.positionalArguments().first();
    }
    if (!path.isEmpty()) window.openWorkspace(path, parser.isSet(readOnly));

    if (parser.isSet(pane)) {
        QTabWidget* tabs = window.panes();
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->tabText(i).compare(parser.value(pane), Qt::CaseInsensitive) == 0) {
                tabs->setCurrentIndex(i);
            }
        }
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, file] {
            QDir().mkpath(QFileInfo(file).absolutePath());
            const bool ok = window.grab().save(file);
            std::fprintf(stderr, "%s %s\n", ok ? "saved" : "could not save", qPrintable(file));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return QApplication::exec();
}
