// A layout that places its items left to right and wraps to a new line where the width ends, as
// text does: a row of filters that stays whole in a narrow window instead of being cut. Its
// height follows its width (heightForWidth), so the widgets below move down when it wraps.
#pragma once

#include <QLayout>
#include <QList>

namespace ladder::ui {

class FlowLayout final : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = -1);
    ~FlowLayout() override;

    // Keeps the next item on the line of the one before it (a label and its field).
    void addPair(QWidget* label, QWidget* field);

    void addItem(QLayoutItem* item) override;
    [[nodiscard]] int count() const override { return static_cast<int>(m_items.size()); }
    [[nodiscard]] QLayoutItem* itemAt(int index) const override { return m_items.value(index); }
    QLayoutItem* takeAt(int index) override;
    [[nodiscard]] Qt::Orientations expandingDirections() const override { return {}; }
    [[nodiscard]] bool hasHeightForWidth() const override { return true; }
    [[nodiscard]] int heightForWidth(int width) const override;
    [[nodiscard]] QSize minimumSize() const override;
    [[nodiscard]] QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    // Lays the items out in `rect` (moving them unless dryRun) and returns the height used.
    int arrange(const QRect& rect, bool dryRun) const;
    [[nodiscard]] int gap() const;

    QList<QLayoutItem*> m_items;
    QList<bool> m_keepWithNext;  // per item: the next one goes on the same line
};

}  // namespace ladder::ui
