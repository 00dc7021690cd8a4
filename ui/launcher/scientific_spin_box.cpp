#include "ui/launcher/scientific_spin_box.h"

#include <cmath>

namespace ladder::ui {

ScientificSpinBox::ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(15);  // the text is ours; this keeps QDoubleSpinBox from rounding the value
    setRange(0, 1e9);
    setKeyboardTracking(false);
}

QString ScientificSpinBox::textFromValue(double value) const { return QString::number(value, 'g', 6); }

double ScientificSpinBox::valueFromText(const QString& text) const {
    return text.trimmed().toDouble();
}

QValidator::State ScientificSpinBox::validate(QString& text, int&) const {
    const QString t = text.trimmed();
    if (t.isEmpty() || t.endsWith('e') || t.endsWith('-') || t.endsWith('.')) {
        return QValidator::Intermediate;
    }
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok) return QValidator::Invalid;
    return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

void ScientificSpinBox::stepBy(int steps) {
    const double v = value() > 0 ? value() * std::pow(2.0, steps) : singleStep();
    setValue(v);
}

}  // namespace ladder::ui
