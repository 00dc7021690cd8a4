// The note on a pair: a multi-line text that Ctrl+Enter accepts (Enter starts a new line, as in
// any text field), Escape cancels.
#pragma once

#include <cstdint>

#include <QDialog>

class QPlainTextEdit;

namespace ladder::ui {

class NoteDialog final : public QDialog {
    Q_OBJECT
public:
    NoteDialog(std::int64_t pairId, const QString& note, QWidget* parent = nullptr);

    [[nodiscard]] QString note() const;
    [[nodiscard]] QPlainTextEdit* editor() const { return m_text; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QPlainTextEdit* m_text = nullptr;
};

}  // namespace ladder::ui
