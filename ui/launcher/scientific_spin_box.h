// A number field for values that span orders of magnitude (learning rates: 5e-7 .. 3e-3): shown in
// the shortest form ("0.0005", "5e-07"), typed as any number, stepped by factors of two.
#pragma once

#include <QDoubleSpinBox>

namespace ladder::ui {

class ScientificSpinBox final : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit ScientificSpinBox(QWidget* parent = nullptr);

    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void stepBy(int steps) override;
};

}  // namespace ladder::ui
