#include "ui/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ladder::ui {

ShortcutsDialog::ShortcutsDialog(QMainWindow* window) : QDialog(window) {
    setWindowTitle(tr("Keyboard Shortcuts"));
    setObjectName("shortcutsDialog");
    auto* table = new QTableWidget(this);
    table->setObjectName("shortcutsTable");
    table->setColumnCount(3);
    table->setHorizontalHeaderLabels({tr("Where"), tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);

    // The "where" of an action: the menu it sits in, else the pane (the widget's window title or
    // an "area" property set by the pane).
    QSet<QAction*> seen;
    const auto actions = window->findChildren<QAction*>();
    for (QAction* a : actions) {
        if (a->shortcut().isEmpty() || seen.contains(a)) continue;
        seen.insert(a);
        QString where = a->property("shortcutArea").toString();
        if (where.isEmpty()) {
            if (auto* menu = qobject_cast<QMenu*>(a->parent())) where = menu->title();
        }
        where.remove('&');
        QStringList keys;
        for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(where.isEmpty() ? tr("Window") : where));
        table->setItem(row, 1, new QTableWidgetItem(a->text().remove('&')));
        table->setItem(row, 2, new QTableWidgetItem(keys.join(", ")));
    }
    table->sortItems(0);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(560, 480);
}

}  // namespace ladder::ui
