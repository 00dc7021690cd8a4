// One pair in full: the prompt on top, then the two answers side by side with the words that differ
// marked, each with its source, rank and lengths; below, the decision, note, judges and margins.
// A flipped pair shows its answers the way the next run trains on them.
#pragma once

#include <optional>

#include <QWidget>

#include "core/pairs/pair_query.h"

class QLabel;
class QTextBrowser;

namespace ladder::ui {

class PairDetailView final : public QWidget {
    Q_OBJECT
public:
    explicit PairDetailView(QWidget* parent = nullptr);

    void showPair(const pairs::PairDetail& detail);
    void showNothing(const QString& why);

    [[nodiscard]] const std::optional<pairs::PairDetail>& pair() const { return m_detail; }
    // The texts as shown (for tests): left = what the next run prefers.
    [[nodiscard]] QString leftText() const;
    [[nodiscard]] QString rightText() const;
    [[nodiscard]] QString leftHeader() const;

private:
    std::optional<pairs::PairDetail> m_detail;
    QLabel* m_title = nullptr;
    QTextBrowser* m_prompt = nullptr;
    QLabel* m_leftHeader = nullptr;
    QLabel* m_rightHeader = nullptr;
    QTextBrowser* m_left = nullptr;
    QTextBrowser* m_right = nullptr;
    QLabel* m_facts = nullptr;
};

}  // namespace ladder::ui
