// A form of groups (boxes) in side-by-side columns that fold into fewer columns as the widget
// narrows: three columns at full width, two at 1000 px, one in a sliver. Each arrangement is
// given whole (which group goes to which column), so that related groups stay together; the
// widest one whose groups fit at their preferred widths is shown. Its minimum width is that of
// the one-column arrangement, so a scroll area around it never needs to scroll sideways.
#pragma once

#include <vector>

#include <QWidget>

class QHBoxLayout;

namespace ladder::ui {

class ReflowColumns final : public QWidget {
    Q_OBJECT
public:
    using Arrangement = std::vector<std::vector<QWidget*>>;  // columns of groups, top to bottom

    explicit ReflowColumns(QWidget* parent = nullptr);

    // An arrangement in as many columns as it has; every arrangement holds the same groups.
    void addArrangement(Arrangement arrangement);
    [[nodiscard]] int columns() const { return m_shown < 0 ? 0 : static_cast<int>(m_arrangements[static_cast<std::size_t>(m_shown)].size()); }

    [[nodiscard]] QSize minimumSizeHint() const override;
    [[nodiscard]] QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    // The width an arrangement needs with each column as wide as its widest group wants.
    [[nodiscard]] int widthWanted(const Arrangement& a, bool minimum) const;
    void show(std::size_t index);
    void arrangeFor(int width);

    std::vector<Arrangement> m_arrangements;  // fewest columns first
    QHBoxLayout* m_layout = nullptr;
    int m_shown = -1;
};

}  // namespace ladder::ui
