#include "ui/pairs/note_dialog.h"

#include <QDialogButtonBox>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
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
    // the editors annotators know.
    for (const auto key : {Qt::Key_Return, Qt::Key_Enter}) {
        auto* accept = new QShortcut(QKeySequence(Qt::CTRL | key), this);
        accept->setContext(Qt::WindowShortcut);
        connect(accept, &QShortcut::activated, this, &QDialog::accept);
    }
    resize(480, 260);
    m_text->moveCursor(QTextCursor::End);
    m_text->setFocus();
}

QString NoteDialog::note() const { return m_text->toPlainText(); }

}  // namespace ladder::ui
