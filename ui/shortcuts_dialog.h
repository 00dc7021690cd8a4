// Help > Keyboard Shortcuts: every action of the window that has a shortcut, by menu or pane.
#pragma once

#include <QDialog>

class QMainWindow;

namespace ladder::ui {

class ShortcutsDialog final : public QDialog {
    Q_OBJECT
public:
    // Lists the shortcuts of all QActions found in the window (menus, panes, docks).
    explicit ShortcutsDialog(QMainWindow* window);
};

}  // namespace ladder::ui
