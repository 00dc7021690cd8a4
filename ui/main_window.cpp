#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QUrl>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>

#include <filesystem>
#include <optional>

#include <sqlite3.h>

#include "core/common/log.h"
#include "core/common/version.h"
#include "core/demo/demo_workspace.h"
#include "ui/bridge/workspace_backups.h"
#include "ui/bridge/workspace_session.h"
#include "ui/chat/chat_pane.h"
#include "ui/curriculum/curriculum_editor.h"
#include "ui/log_dock.h"
#include "ui/pairs/pair_browser.h"
#include "ui/runs/run_panes.h"
#include "ui/shortcuts_dialog.h"
#include "ui/sources/sources_pane.h"
#include "ui/workspace_overview.h"

namespace ladder::ui {

namespace {
constexpr int kMaxRecent = 10;
constexpr const char* kRecentKey = "recentWorkspaces";
constexpr const char* kGeometryKey = "mainWindow/geometry";
constexpr const char* kStateKey = "mainWindow/state";
constexpr const char* kFileFilter = "Ladder workspaces (*.ladder);;All files (*)";

// A folder as a menu shows it: under the home folder as ~/..., and at most about 60 characters
// (the middle elided), so that the menu stays narrower than the window.
QString shortFolder(const QString& folder) {
    QString shown = QDir::toNativeSeparators(folder);
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (!home.isEmpty() && home != QStringLiteral("/") &&
        (shown == home || shown.startsWith(home + QDir::separator()))) {
        shown = QStringLiteral("~") + shown.mid(home.size());
    }
    constexpr int kMax = 60;
    if (shown.size() > kMax) shown = shown.left(kMax / 3) + QChar(0x2026) + shown.right(2 * kMax / 3);
    return shown;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle("Ladder");
    setWindowIcon(QIcon(":/icons/ladder.svg"));
    m_session = new WorkspaceSession(this);
    m_backups = new WorkspaceBackups(m_session, this);
    connect(m_backups, &WorkspaceBackups::damaged, this,
            [this](const QString& path, const QString& report) {
                if (m_session->path() != path) return;
                statusBar()->showMessage(tr("%1 is damaged: %2").arg(path, report));
                if (isVisible() && offerRecovery(path, report)) openWorkspace(path);
            });
    connect(m_backups, &WorkspaceBackups::backedUp, this, [this](const QString& file) {
        statusBar()->showMessage(tr("Backed up to %1").arg(file), 5000);
    });
    connect(m_backups, &WorkspaceBackups::failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Backup failed: %1").arg(message), 10000);
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName("panes");
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);

    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);

    m_statusWorkspace = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusWorkspace);

    buildMenus();
    // The log starts hidden (it took a third of the window); a button at the status bar's end
    // opens it and counts the warnings logged while it was hidden.
    auto* logButton = new QToolButton(this);
    logButton->setObjectName("logButton");
    logButton->setDefaultAction(m_logDock->toggleViewAction());
    logButton->setAutoRaise(true);
    logButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    statusBar()->addPermanentWidget(logButton);
    connect(m_logDock, &LogDock::unseenWarningsChanged, logButton, [logButton](int count) {
        logButton->setText(count == 0   ? tr("Log")
                           : count == 1 ? tr("Log (1 warning)")
                                        : tr("Log (%1 warnings)").arg(count));
    });
    addPane(new WorkspaceOverview(m_session, this), tr("Overview"));
    addPane(new PairBrowser(m_session, this), tr("Pairs"));
    addPane(new CurriculumEditor(m_session, this), tr("Curriculum"));
    addRunPanes(this);
    auto* sources = new SourcesPane(m_session, this);
    m_sources = sources;
    addPane(sources, tr("Sources"));
    addPane(new ChatPane(m_session, this), tr("Chat"));
    setAcceptDrops(true);
    // Generating answers takes minutes: its progress shows whichever pane is in front.
    connect(sources->job(), &SourceGenerationJob::progress, this,
            [this](const QString& text) { statusBar()->showMessage(tr("Generating answers: %1").arg(text), 10000); });
    connect(sources->job(), &SourceGenerationJob::finished, this,
            [this](const QString& text) { statusBar()->showMessage(text); });

    connect(m_session, &WorkspaceSession::opened, this, [this](const QString& path) {
        rememberRecent(path);
        updateTitleAndStatus();
        statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
    });
    connect(m_session, &WorkspaceSession::closed, this, &MainWindow::updateTitleAndStatus);

    QSettings settings;
    resize(1280, 820);
    resizeDocks({m_logDock}, {160}, Qt::Vertical);
    m_logDock->hide();  // until the user opens it; a saved window state keeps their choice
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    updateTitleAndStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Workspace..."), this,
                                         &MainWindow::newWorkspaceDialog);
    newAction->setShortcut(QKeySequence::New);
    QAction* openAction = file->addAction(tr("&Open Workspace..."), this,
                                          [this] { openWorkspaceDialog(false); });
    openAction->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Read-Only..."), this, [this] { openWorkspaceDialog(true); });
    QAction* demoAction = file->addAction(tr("Open &Demo Workspace"), this, [this] { openDemo(); });
    demoAction->setObjectName("openDemoAction");
    demoAction->setStatusTip(tr("Simulated models of three strengths with ready-made pairs and "
                                "curricula: a first run trains in minutes on a CPU"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* importAction = file->addAction(tr("&Import Answers..."), this, [this] {
        if (!m_sources) return;
        m_tabs->setCurrentWidget(m_sources);
        m_sources->openImportDialog();
    });
    importAction->setObjectName("importAnswersAction");
    importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    importAction->setStatusTip(tr("Answers, pairs or judge verdicts from a JSON or JSONL file, "
                                  "previewed first (or drop the files on the window)"));
    QAction* buildAction = file->addAction(tr("&Build Pairs..."), this, [this] {
        if (!m_sources) return;
        m_tabs->setCurrentWidget(m_sources);
        m_sources->openBuildPairsDialog();
    });
    buildAction->setObjectName("buildPairsAction");
    file->addSeparator();
    file->addAction(tr("&Back Up Now"), this, [this] {
        if (!m_backups->backupNow(/*evenIfUnchanged=*/true)) {
            statusBar()->showMessage(
                m_session->isOpen() && !m_session->isReadOnly()
                    ? tr("A backup is being made already")
                    : tr("Open a workspace (not read-only) to back it up"), 5000);
        }
    });
    QAction* closeAction = file->addAction(tr("&Close Workspace"), m_session,
                                           &WorkspaceSession::close);
    closeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* logToggle = m_logDock->toggleViewAction();
    logToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_viewMenu->addAction(logToggle);
    m_viewMenu->addSeparator();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence(Qt::Key_F1));
    help->addAction(tr("&About Ladder"), this, &MainWindow::showAbout);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList imports;
    for (const QUrl& url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.isEmpty()) continue;
        if (path.endsWith(".ladder")) {
            openWorkspace(path);
        } else {
            imports << path;
        }
    }
    if (imports.isEmpty()) return;
    if (!m_session->isOpen() || m_session->isReadOnly()) {
        statusBar()->showMessage(tr("Open a workspace you can write to, then drop the files again"),
                                 8000);
        return;
    }
    m_tabs->setCurrentWidget(m_sources);
    m_sources->importFiles(imports);
    event->acceptProposedAction();
}

void MainWindow::addPane(QWidget* pane, const QString& title) {
    const int index = m_tabs->addTab(pane, title);
    if (index > 0) m_tabs->setTabEnabled(index, m_session->isOpen());
    if (index < 9) {
        auto* action = new QAction(tr("Show %1").arg(title), this);
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
        action->setProperty("shortcutArea", tr("View"));
        connect(action, &QAction::triggered, this, [this, pane] { m_tabs->setCurrentWidget(pane); });
        m_viewMenu->addAction(action);
        m_paneActions.append(action);
    }
}

bool MainWindow::openWorkspace(const QString& path, bool readOnly, bool interactive) {
    QString error;
    if (!m_session->open(path, readOnly, &error)) {
        if (interactive && WorkspaceBackups::looksDamaged(error) && offerRecovery(path, error) &&
            m_session->open(path, readOnly, &error)) {
            return true;
        }
        reportError(tr("Cannot open workspace"), error, interactive);
        return false;
    }
    return true;
}

bool MainWindow::openDemo(bool interactive) {
    const std::filesystem::path path = demo::defaultWorkspacePath();
    try {
        // Made on first use, in well under a second.
        if (!std::filesystem::exists(path)) demo::initWorkspace(path);
    } catch (const std::exception& e) {
        reportError(tr("Cannot create the demo workspace"), QString::fromStdString(e.what()),
                    interactive);
        return false;
    }
    return openWorkspace(QString::fromStdString(path.string()), false, interactive);
}

bool MainWindow::offerRecovery(const QString& path, const QString& problem) {
    const auto good = WorkspaceBackups::newestGoodBackup(path);
    QMessageBox box(QMessageBox::Warning, tr("Damaged workspace"),
                    tr("%1 is damaged:\n%2").arg(path, problem), QMessageBox::NoButton, this);
    box.setObjectName("recoverDialog");
    box.setInformativeText(
        (good ? tr("Ladder can restore its newest good backup, taken %1 (UTC), or salvage every "
                   "row SQLite can still read. ")
                    .arg(good->takenAt)
              : tr("There is no good backup of it; Ladder can salvage every row SQLite can still "
                   "read. ")) +
        tr("Either way the damaged file is kept beside it, and you are told what was lost."));
    QPushButton* restore = good ? box.addButton(tr("Restore Backup"), QMessageBox::AcceptRole)
                                : nullptr;
    QPushButton* salvage = box.addButton(tr("Salvage"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    if (restore) restore->setObjectName("restoreBackup");
    salvage->setObjectName("salvage");
    box.exec();
    if (box.clickedButton() != restore && box.clickedButton() != salvage) return false;

    if (m_session->isOpen() && m_session->path() == path) m_session->close();
    m_backups->wait();
    QString report, error;
    if (!WorkspaceBackups::recover(path, box.clickedButton() == restore ? good : std::nullopt, &report, &error)) {
        reportError(tr("Cannot recover workspace"), error, true);
        return false;
    }
    QMessageBox done(QMessageBox::Information, tr("Workspace recovered"), report, QMessageBox::Ok, this);
    done.setObjectName("recoveredDialog");
    done.exec();
    return true;
}

bool MainWindow::createWorkspace(const QString& path, bool overwrite, bool interactive) {
    QString error;
    if (!m_session->create(path, overwrite, &error)) {
        reportError(tr("Cannot create workspace"), error, interactive);
        return false;
    }
    return true;
}

void MainWindow::reportError(const QString& title, const QString& message, bool interactive) {
    statusBar()->showMessage(message, 10000);
    if (interactive) QMessageBox::critical(this, title, message);
}

void MainWindow::newWorkspaceDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("New Workspace"), QString(), kFileFilter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += ".ladder";
    // The dialog has already asked before replacing an existing file.
    createWorkspace(path, /*overwrite=*/QFileInfo::exists(path));
}

void MainWindow::openWorkspaceDialog(bool readOnly) {
    const QString path = QFileDialog::getOpenFileName(
        this, readOnly ? tr("Open Workspace Read-Only") : tr("Open Workspace"), QString(),
        kFileFilter);
    if (!path.isEmpty()) openWorkspace(path, readOnly);
}

QStringList MainWindow::recentWorkspaces() const {
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentWorkspaces();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent) recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = recentWorkspaces();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        // The folder too: two workspaces called demo.ladder must be told apart.
        const QFileInfo info(path);
        QAction* a = m_recentMenu->addAction(
            QString("&%1 %2  (%3)").arg(i + 1).arg(info.fileName(), shortFolder(info.absolutePath())),
            this, [this, path] { openWorkspace(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
        a->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [this] {
        QSettings().remove(kRecentKey);
        rebuildRecentMenu();
    });
}

void MainWindow::updateTitleAndStatus() {
    // Without a workspace there is nothing to browse, edit or train: only the Overview (which
    // says how to open one) can be chosen.
    for (int i = 1; i < m_tabs->count(); ++i) m_tabs->setTabEnabled(i, m_session->isOpen());
    for (int i = 1; i < m_paneActions.size(); ++i) m_paneActions[i]->setEnabled(m_session->isOpen());
    if (!m_session->isOpen()) {
        setWindowTitle("Ladder");
        m_statusWorkspace->setText(tr("No workspace"));
        return;
    }
    const QFileInfo file(m_session->path());
    setWindowTitle(QString("%1%2 - Ladder")
                       .arg(file.fileName(), m_session->isReadOnly() ? tr(" [read-only]") : ""));
    m_statusWorkspace->setText(file.absoluteFilePath());
}

void MainWindow::showShortcuts() {
    ShortcutsDialog dialog(this);
    dialog.exec();
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Ladder"),
        tr("<h3>Ladder %1</h3>"
           "<p>A workbench for contrastive post-training (SFT, SLiC, DPO) on automatically "
           "constructed preference pairs, after Xu et al. 2023, "
           "<i>Automatic Pair Construction for Contrastive Post-training</i> (arXiv 2310.02263).</p>"
           "<p>Qt %2 &middot; LibTorch %3 &middot; SQLite %4 &middot; workspace schema %5</p>"
           "<p>License: GPL-3.0-or-later.</p>")
            .arg(kVersion, qVersion(), kTorchVersion, sqlite3_libversion())
            .arg(WorkspaceSession::latestSchemaVersion()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    m_session->close();
    m_backups->wait();
    event->accept();
}

}  // namespace ladder::ui
