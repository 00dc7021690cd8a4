// The main window: File / View / Help menus, the panes as tabs, the log dock and the status bar.
// Window layout and recent workspaces are remembered in QSettings.
#pragma once

#include <QMainWindow>
#include <QStringList>

class QAction;
class QLabel;
class QMenu;
class QTabWidget;

namespace ladder::ui {

class LogDock;
class SourcesPane;
class WorkspaceBackups;
class WorkspaceSession;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] WorkspaceSession* session() const { return m_session; }
    [[nodiscard]] LogDock* logDock() const { return m_logDock; }
    [[nodiscard]] QTabWidget* panes() const { return m_tabs; }
    [[nodiscard]] WorkspaceBackups* backups() const { return m_backups; }

    // Adds a pane as a tab; Ctrl+<n> switches to the n-th pane.
    void addPane(QWidget* pane, const QString& title);

    // Opens a workspace; on failure shows the core's message (file, cause, what to do) and keeps
    // the current one; a damaged file is offered recovery (its backup, or a salvage).
    // `interactive` false: report only to the log (tests, command line).
    bool openWorkspace(const QString& path, bool readOnly = false, bool interactive = true);
    bool createWorkspace(const QString& path, bool overwrite = false, bool interactive = true);
    // Opens the demo workspace in the user's data folder (File > Open Demo Workspace, `ladder
    // --demo`), making it first when it is not there.
    bool openDemo(bool interactive = true);

    [[nodiscard]] QStringList recentWorkspaces() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    // Files dropped on the window: a .ladder workspace is opened, anything else is imported.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void newWorkspaceDialog();
    void openWorkspaceDialog(bool readOnly);
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void showShortcuts();
    void showAbout();
    void updateTitleAndStatus();
    void reportError(const QString& title, const QString& message, bool interactive);
    // Asks whether to restore the newest good backup of a damaged workspace or salvage it, does
    // it (closing the workspace first when it is the open one) and shows what was lost. True when
    // the file was recovered.
    bool offerRecovery(const QString& path, const QString& problem);

    WorkspaceSession* m_session = nullptr;
    SourcesPane* m_sources = nullptr;
    WorkspaceBackups* m_backups = nullptr;
    QTabWidget* m_tabs = nullptr;
    LogDock* m_logDock = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QLabel* m_statusWorkspace = nullptr;
    QList<QAction*> m_paneActions;
};

}  // namespace ladder::ui
