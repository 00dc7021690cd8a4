#include "ui/pairs/note_dialog.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ladder::ui {

NoteDialog::NoteDialog(std::int64_t pairId, const QString& note, QWidget* parent) : QDialog(parent) {
    setObjectName("noteDialog");
    setWindowTitle(tr("Note on pair %1").arg(pairId));
    auto* label = new QLabel(tr("What should others know about this pair?"), this);
    m_text = new QPlainTextEdit(note, this);
    m_text->setObjectName("noteText");
    m_text->setTabChangesFocus(true);
    label->setBuddy(m_text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    const QString keys = QKeySequence(Qt::CTRL | Qt::Key_Return).toString(QKeySequence::NativeText);
    buttons->button(QDialogButtonBox::Ok)->setToolTip(tr("Save the note (%1)").arg(keys));
    auto* hint = new QLabel(tr("%1 saves, Esc cancels").arg(keys), this);
    hint->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_text, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(hint, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // The text field takes Enter for a new line; Ctrl+Enter (either Enter key) accepts, as in
    // the editors annotators know. Read from the field's own keys: a shortcut would wait for
    // the dialog's window to be active.
    m_text->installEventFilter(this);
    resize(480, 260);
    m_text->moveCursor(QTextCursor::End);
    m_text->setFocus();
}

QString NoteDialog::note() const { return m_text->toPlainText(); }

bool NoteDialog::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_text && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            (key->modifiers() & Qt::ControlModifier)) {
            accept();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

}  // namespace ladder::ui
