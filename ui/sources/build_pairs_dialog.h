// Build Pairs: rank the workspace's sources into a ladder (drag them into order, strongest first;
// tick one to tie it with the one above; drag a source out to leave it out), check what the ladder
// would give (the preflight report: pairs and drops per tier, lengths, length-bias flags, the held-
// out split, lengths in a chosen model's tokens and the pairs over its max_length), and build
// its pairs. The ladder is saved by Check and Build;
// the building runs on a worker thread.
#pragma once

#include <QDialog>

#include "core/pairs/ladder.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace ladder::ui {

class DataBridge;

class BuildPairsDialog final : public QDialog {
    Q_OBJECT
public:
    explicit BuildPairsDialog(DataBridge* bridge, QWidget* parent = nullptr);

    // The ladder as the lists show it ("A > B = C"); empty when fewer than two ranks.
    [[nodiscard]] QString ladderSpec() const;
    // Loads a stored ladder (or, for a new name, every source in the lists' order).
    void showLadder(const QString& name);
    // Check (write = false) or Build (write = true); the report arrives with reported().
    void run(bool write);

Q_SIGNALS:
    void reported(bool ok, bool written);

private:
    void moveSelected(int by);
    void moveBetweenLists();
    void updateSpec();
    [[nodiscard]] std::vector<std::string> tokens() const;

    DataBridge* m_bridge;
    QComboBox* m_ladder;
    QListWidget* m_ranked;
    QListWidget* m_leftOut;
    QLabel* m_spec;
    QDoubleSpinBox* m_heldout;
    QSpinBox* m_maxChars;
    QLineEdit* m_tokenizer;
    QSpinBox* m_maxTokens;
    QCheckBox* m_dropOver;
    QCheckBox* m_keepIdentical;
    QCheckBox* m_dedupe;
    QPushButton* m_check;
    QPushButton* m_build;
    QPlainTextEdit* m_report;
    bool m_working = false;
};

}  // namespace ladder::ui
