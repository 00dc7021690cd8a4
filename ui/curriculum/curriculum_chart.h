// Each tier's share of the batch over the training steps, as stacked areas (easiest tier at the
// bottom), with the stage boundaries as vertical lines that the mouse drags to change a stage's
// length. Draws a curriculum whose stages all have steps (see CurriculumEditor's preview).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ui/qcustomplot_wrapper.h"

#include "core/curriculum/curriculum.h"

namespace ladder::ui {

class CurriculumChart final : public QCustomPlot {
    Q_OBJECT
public:
    explicit CurriculumChart(QWidget* parent = nullptr);

    // stageIndex[i]: the editor's index of the preview's stage i (stages without a length are
    // left out of the preview). An empty curriculum shows `emptyText`.
    void setCurriculum(const curriculum::Curriculum& preview, const std::vector<std::string>& tiers,
                       const std::vector<int>& stageIndex, const QString& emptyText = {});

    [[nodiscard]] int boundaryCount() const { return static_cast<int>(m_boundaries.size()); }
    [[nodiscard]] double boundaryStep(int i) const;   // the step where stage i ends
    [[nodiscard]] QPoint boundaryPixel(int i) const;  // a point on its line (for tests)
    [[nodiscard]] bool isDragging() const { return m_drag >= 0; }
    // The stacked top of tier `tier` (0-based in the drawn order) at a step: the sum of the shares
    // of that tier and those below it.
    [[nodiscard]] double stackedValueAt(int tier, double step) const;
    [[nodiscard]] int tierCount() const { return graphCount(); }

Q_SIGNALS:
    // While dragging: the new length in steps of the stage (editor's index) whose end is dragged.
    void boundaryMoved(int stage, std::int64_t steps);
    // The drag ended (also when the length did not change).
    void boundaryReleased(int stage, std::int64_t steps);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    [[nodiscard]] int boundaryNear(const QPointF& pos) const;
    [[nodiscard]] std::int64_t stepsAt(const QPointF& pos) const;

    struct Boundary {
        QCPItemStraightLine* line = nullptr;
        double start = 0;  // the step where the stage starts
        double end = 0;
        int stage = 0;  // editor's index
    };
    std::vector<Boundary> m_boundaries;
    std::vector<QCPItemText*> m_labels;
    QCPItemText* m_empty = nullptr;
    int m_drag = -1;
};

}  // namespace ladder::ui
