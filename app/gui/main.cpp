// ladder: the workbench window. `ladder [WORKSPACE]`, `ladder --demo`, `ladder --version`,
// `ladder --help` (the last two without a display).
#include <cstdio>
#include <string_view>

#include <QApplication>
#include <QCommandLineParser>
#include <QDialog>
#include <QDir>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTimer>

#include "core/common/heap.h"
#include "core/common/log.h"
#include "core/common/version.h"
#include "core/train/plugins.h"
#include "ui/chat/chat_pane.h"
#include "ui/main_window.h"
#include "ui/plots/live_plots_pane.h"
#include "ui/plots/pair_learning_dialog.h"
#include "ui/sources/build_pairs_dialog.h"
#include "ui/sources/sources_pane.h"

namespace {

// The window's options; --help prints them from a QCoreApplication, which needs no display.
// Declared in the order main() binds them.
struct Options {
    // Long form only: Qt's own version option takes -v as well, which is --verbose here (and
    // a parser with two -v options refuses the second, so that --verbose became unknown).
    QCommandLineOption version{"version", "Print the version and quit."};
    QCommandLineOption demo{"demo", "Open the demo workspace (created on first use)."};
    QCommandLineOption readOnly{"read-only", "Open the workspace read-only."};
    QCommandLineOption verbose{{"v", "verbose"}, "Debug messages in the log."};
    QCommandLineOption screenshot{
        "screenshot", "Save a picture of the window to FILE after DELAY ms, then quit.", "file"};
    QCommandLineOption delay{"screenshot-delay", "Milliseconds before the screenshot.", "ms", "1500"};
    QCommandLineOption pane{"pane", "Show the pane with this title first.", "title"};
    QCommandLineOption size{"size", "Open the window this size (WIDTHxHEIGHT, e.g. 1000x700).",
                            "size"};
    QCommandLineOption open{"open",
                            "Open a view for a screenshot (the dialog is then what --screenshot "
                            "saves): import=FILE, build-pairs, pair-learning (of the newest run), "
                            "chat=MESSAGE (the newest finished run answers it).",
                            "view"};

    void addTo(QCommandLineParser& parser) const {
        parser.setApplicationDescription(
            "Ladder: contrastive post-training on automatically constructed preference pairs");
        parser.addHelpOption();
        parser.addPositionalArgument("workspace", "The workspace file (*.ladder) to open.");
        parser.addOptions({version, demo, readOnly, verbose, screenshot, delay, pane, size, open});
    }
};

void nameApplication() {
    QCoreApplication::setOrganizationName("Ladder");
    QCoreApplication::setApplicationName("Ladder");
    QCoreApplication::setApplicationVersion(QStringLiteral("%1 (Qt %2, LibTorch %3)")
                                                .arg(ladder::kVersion, QT_VERSION_STR,
                                                     ladder::kTorchVersion));
}

// --open: a view the screenshots show (scripts/screenshots.sh).
void openView(ladder::ui::MainWindow& window, const QString& view) {
    using namespace ladder::ui;
    const QString name = view.section('=', 0, 0);
    const QString argument = view.section('=', 1);
    auto* tabs = window.panes();
    if (name == "import") {
        if (auto* sources = window.findChild<SourcesPane*>()) {
            tabs->setCurrentWidget(sources);
            sources->openImportDialog(argument);
        }
    } else if (name == "build-pairs") {
        if (auto* sources = window.findChild<SourcesPane*>()) {
            tabs->setCurrentWidget(sources);
            sources->openBuildPairsDialog()->run(/*write=*/false);
        }
    } else if (name == "pair-learning") {
        if (auto* plots = window.findChild<LivePlotsPane*>()) {
            tabs->setCurrentWidget(plots);
            plots->showPairLearning();
            if (auto* dialog = plots->findChild<PairLearningDialog*>()) dialog->showCell(0, 2);
        }
    } else if (name == "chat") {
        if (auto* chat = window.findChild<ChatPane*>()) {
            tabs->setCurrentWidget(chat);
            chat->findChild<QPlainTextEdit*>("chatMessage")->setPlainText(argument);
            chat->setCompare(true);
            chat->chooseNewestRuns();
            chat->send();
        }
    } else {
        std::fprintf(stderr, "--open: unknown view %s\n", qPrintable(view));
    }
}

}  // namespace

int main(int argc, char** argv) {
    // --help and --version answer without a display: a QApplication with none aborts.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--version" || arg == "-h" || arg == "--help" || arg == "-?" ||
            arg == "--help-all") {
            QCoreApplication app(argc, argv);
            nameApplication();
            QCoreApplication::setApplicationName("ladder");
            QCommandLineParser parser;
            const Options options;
            options.addTo(parser);
            parser.process(app);  // prints the help and exits
            if (parser.isSet(options.version)) parser.showVersion();  // exits
            return 0;
        }
    }

    ladder::heap::returnLargeBlocks();  // runs train in this process (core/common/heap.h)
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setDesktopFileName("io.github.ladder_workbench.Ladder");
    QApplication::setWindowIcon(QIcon(":/icons/ladder.svg"));

    QCommandLineParser parser;
    const Options options;
    options.addTo(parser);
    parser.process(app);
    [[maybe_unused]] const auto& [version, demo, readOnly, verbose, screenshot, delay, pane, size,
                                  open] = options;

    ladder::log::init(ladder::log::Options{.verbose = parser.isSet(verbose)});
    ladder::train::loadPlugins();  // the launcher offers the plugins' losses and judges

    ladder::ui::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split('x');
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0) {
            window.resize(wh[0].toInt(), wh[1].toInt());
        } else {
            std::fprintf(stderr, "--size wants WIDTHxHEIGHT, e.g. 1000x700, not %s\n",
                         qPrintable(parser.value(size)));
            return 1;
        }
    }
    window.show();

    if (parser.isSet(demo)) {
        window.openDemo();
    } else if (!parser.positionalArguments().isEmpty()) {
        window.openWorkspace(parser.positionalArguments().first(), parser.isSet(readOnly));
    }

    if (parser.isSet(pane)) {
        QTabWidget* tabs = window.panes();
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->tabText(i).compare(parser.value(pane), Qt::CaseInsensitive) == 0) {
                tabs->setCurrentIndex(i);
            }
        }
    }
    if (parser.isSet(open)) openView(window, parser.value(open));
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, file] {
            QDir().mkpath(QFileInfo(file).absolutePath());
            // A dialog opened by --open is the picture; else the window.
            QWidget* shown = &window;
            for (QWidget* w : QApplication::topLevelWidgets()) {
                if (qobject_cast<QDialog*>(w) && w->isVisible()) shown = w;
            }
            const bool ok = shown->grab().save(file);
            std::fprintf(stderr, "%s %s\n", ok ? "saved" : "could not save", qPrintable(file));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return QApplication::exec();
}
