#include "ui/curriculum/stage_table_model.h"

#include <algorithm>
#include <climits>

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace ladder::ui {

namespace {

using curriculum::Stage;
using curriculum::Transition;
using Severity = curriculum::ValidationMessage::Severity;

constexpr std::int64_t kDefaultSteps = 1000;  // a stage switched from epochs with no estimate

bool inEpochs(const Stage& s) {
    return s.steps <= 0 && s.epochs > 0;
}

}  // namespace

StageTableModel::StageTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int StageTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_curriculum.stages.size());
}

int StageTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : FirstTier + static_cast<int>(m_tiers.size());
}

QString StageTableModel::tierOf(int column) const {
    const int i = column - FirstTier;
    return i >= 0 && i < static_cast<int>(m_tiers.size())
               ? QString::fromStdString(m_tiers[static_cast<std::size_t>(i)])
               : QString();
}

int StageTableModel::columnOfTier(const std::string& tier) const {
    const auto it = std::find(m_tiers.begin(), m_tiers.end(), tier);
    return it == m_tiers.end() ? -1 : FirstTier + static_cast<int>(it - m_tiers.begin());
}

QString StageTableModel::messagesOf(int stage) const {
    QStringList lines;
    for (const auto& m : m_messages) {
        if (m.stage == stage) {
            lines << (m.severity == Severity::Error ? tr("Error: ") : tr("Warning: ")) +
                         QString::fromStdString(m.text);
        }
    }
    return lines.join(QLatin1Char('\n'));
}

bool StageTableModel::hasError(int stage) const {
    return std::any_of(m_messages.begin(), m_messages.end(), [stage](const auto& m) {
        return m.stage == stage && m.severity == Severity::Error;
    });
}

bool StageTableModel::hasWarning(int stage) const {
    return std::any_of(m_messages.begin(), m_messages.end(), [stage](const auto& m) {
        return m.stage == stage && m.severity == Severity::Warning;
    });
}

QVariant StageTableModel::data(const QModelIndex& index, int role) const {
    if (!isCell(index)) return {};
    const int row = index.row();
    const Stage& s = m_curriculum.stages[static_cast<std::size_t>(row)];
    const int column = index.column();
    const QLocale locale;
    const std::int64_t resolved =
        row < static_cast<int>(m_resolvedSteps.size()) ? m_resolvedSteps[row] : 0;
    auto weight = [&]() -> double {
        const auto it = s.tierWeights.find(tierOf(column).toStdString());
        return it == s.tierWeights.end() ? 0.0 : it->second;
    };
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case NameColumn:
                    return QString::fromStdString(s.name);
                case LengthColumn:
                    if (inEpochs(s)) {
                        const QString e = locale.toString(s.epochs, 'g', 6);
                        return resolved > 0 ? tr("%1 (%2 steps)").arg(e, locale.toString(resolved))
                                            : e;
                    }
                    return locale.toString(s.steps);
                case UnitColumn:
                    return inEpochs(s) ? tr("epochs") : tr("steps");
                case TransitionColumn:
                    return QString::fromLatin1(curriculum::toString(s.transition));
                case BlendColumn:
                    return s.transition == Transition::Blend
                               ? QVariant(locale.toString(s.blendSteps))
                               : QVariant();
                default: {
                    const double w = weight();
                    return w != 0.0 ? QVariant(locale.toString(w, 'g', 6)) : QVariant();
                }
            }
        case Qt::EditRole:
            switch (column) {
                case NameColumn:
                    return QString::fromStdString(s.name);
                case LengthColumn:
                    return inEpochs(s) ? QVariant(s.epochs)
                                       : QVariant(static_cast<int>(
                                             std::clamp<std::int64_t>(s.steps, 0, INT_MAX)));
                case UnitColumn:
                    return inEpochs(s) ? QStringLiteral("epochs") : QStringLiteral("steps");
                case TransitionColumn:
                    return QString::fromLatin1(curriculum::toString(s.transition));
                case BlendColumn:
                    return static_cast<int>(std::clamp<std::int64_t>(s.blendSteps, 0, INT_MAX));
                default:
                    return weight();
            }
        case Qt::ToolTipRole: {
            QString tip = messagesOf(row);
            if (column >= FirstTier) {
                const auto shares = [&] {
                    double sum = 0;
                    for (const auto& [t, w] : s.tierWeights) sum += w > 0 ? w : 0;
                    return sum;
                }();
                const double w = weight();
                if (w > 0 && shares > 0) {
                    const QString share = tr("%1% of this stage's batches")
                                              .arg(locale.toString(100 * w / shares, 'f', 1));
                    tip = tip.isEmpty() ? share : share + QLatin1Char('\n') + tip;
                }
            } else if (column == LengthColumn && inEpochs(s) && resolved > 0) {
                const QString steps =
                    tr("%1 epochs of the stage's tiers are %2 steps at the "
                       "chosen batch size")
                        .arg(locale.toString(s.epochs, 'g', 6), locale.toString(resolved));
                tip = tip.isEmpty() ? steps : steps + QLatin1Char('\n') + tip;
            }
            return tip.isEmpty() ? QVariant() : QVariant(tip);
        }
        case Qt::BackgroundRole:
            if (hasError(row)) return QBrush(QColor(0xfd, 0xdc, 0xdc));
            if (hasWarning(row)) return QBrush(QColor(0xff, 0xf3, 0xc4));
            return {};
        case Qt::ForegroundRole:
            if (hasError(row) || hasWarning(row)) return QBrush(QColor(0x20, 0x20, 0x20));
            return {};
        case Qt::TextAlignmentRole:
            return column == NameColumn || column == UnitColumn || column == TransitionColumn
                       ? QVariant()
                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
    }
}

QVariant StageTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < rowCount()) return section + 1;
        return {};
    }
    if (section < 0 || section >= columnCount()) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
            case NameColumn:
                return tr("Stage");
            case LengthColumn:
                return tr("Length");
            case UnitColumn:
                return tr("Unit");
            case TransitionColumn:
                return tr("Transition");
            case BlendColumn:
                return tr("Blend");
            default:
                // "strong>weak" on two lines, one source a line: a column per tier stays narrow.
                return tierOf(section).replace(QLatin1Char('>'), QStringLiteral(">\n"));
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case LengthColumn:
                return tr("Length in optimiser steps, or in epochs of its tiers");
            case TransitionColumn:
                return tr(
                    "switch: the stage's mix from its first step; blend: move linearly "
                    "from the previous stage's mix over the blend steps");
            case BlendColumn:
                return tr("Steps over which a blend reaches the stage's mix");
            case NameColumn:
            case UnitColumn:
                return {};
            default: {
                const auto it = m_tierPairs.find(tierOf(section).toStdString());
                const QString pairs =
                    it == m_tierPairs.end()
                        ? tr("not a tier of the chosen ladder")
                        : tr("%1 training pairs")
                              .arg(QLocale().toString(static_cast<qlonglong>(it->second)));
                return tr("Weight of tier %1 (%2); only the ratio within a stage matters")
                    .arg(tierOf(section), pairs);
            }
        }
    }
    return {};
}

Qt::ItemFlags StageTableModel::flags(const QModelIndex& index) const {
    if (!isCell(index)) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const Stage& s = m_curriculum.stages[static_cast<std::size_t>(index.row())];
    if (index.column() != BlendColumn || s.transition == Transition::Blend) f |= Qt::ItemIsEditable;
    return f;
}

bool StageTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable)) return false;
    const int row = index.row();
    curriculum::Curriculum next = m_curriculum;
    Stage& s = next.stages[static_cast<std::size_t>(row)];
    const QString stage = tr("stage %1").arg(row + 1);
    QString what;
    bool ok = true;
    switch (index.column()) {
        case NameColumn:
            s.name = value.toString().trimmed().toStdString();
            what = tr("rename %1").arg(stage);
            break;
        case LengthColumn:
            if (inEpochs(s)) {
                s.epochs = value.toDouble(&ok);
                s.steps = 0;
            } else {
                s.steps = value.toLongLong(&ok);
                s.epochs = 0;
            }
            what = tr("length of %1").arg(stage);
            break;
        case UnitColumn: {
            const QString unit = value.toString();
            if (unit == QLatin1String("epochs") && !inEpochs(s)) {
                s.epochs = 1.0;
                s.steps = 0;
            } else if (unit == QLatin1String("steps") && inEpochs(s)) {
                const std::int64_t resolved =
                    row < static_cast<int>(m_resolvedSteps.size()) ? m_resolvedSteps[row] : 0;
                s.steps = resolved > 0 ? resolved : kDefaultSteps;
                s.epochs = 0;
            } else if (unit != QLatin1String("epochs") && unit != QLatin1String("steps")) {
                ok = false;
            }
            what = tr("unit of %1").arg(stage);
            break;
        }
        case TransitionColumn: {
            const QString t = value.toString();
            if (t == QLatin1String("blend")) {
                s.transition = Transition::Blend;
                if (s.blendSteps <= 0) {
                    const std::int64_t length =
                        s.steps > 0
                            ? s.steps
                            : (row < static_cast<int>(m_resolvedSteps.size()) ? m_resolvedSteps[row]
                                                                              : 0);
                    s.blendSteps = std::max<std::int64_t>(1, length / 4);
                }
            } else if (t == QLatin1String("switch")) {
                s.transition = Transition::Switch;
                s.blendSteps = 0;
            } else {
                ok = false;
            }
            what = tr("transition of %1").arg(stage);
            break;
        }
        case BlendColumn:
            s.blendSteps = value.toLongLong(&ok);
            what = tr("blend of %1").arg(stage);
            break;
        default: {
            const double w = value.toDouble(&ok);
            const std::string tier = tierOf(index.column()).toStdString();
            if (w == 0.0) {
                s.tierWeights.erase(tier);
            } else {
                s.tierWeights[tier] = w;
            }
            what = tr("weight of %1 in %2").arg(QString::fromStdString(tier), stage);
            break;
        }
    }
    if (!ok) return false;
    if (next.toJson() == m_curriculum.toJson()) return true;
    if (m_onEdit) {
        m_onEdit(next, what);
    } else {
        setCurriculum(next);
    }
    return true;
}

void StageTableModel::setCurriculum(const curriculum::Curriculum& c) {
    if (c.stages.size() == m_curriculum.stages.size()) {
        m_curriculum = c;
        if (rowCount() > 0) {
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        }
        return;
    }
    beginResetModel();
    m_curriculum = c;
    endResetModel();
}

void StageTableModel::setTiers(const std::vector<std::string>& tiers,
                               const std::map<std::string, std::int64_t>& tierPairs) {
    beginResetModel();
    m_tiers = tiers;
    m_tierPairs = tierPairs;
    endResetModel();
}

void StageTableModel::setMessages(const std::vector<curriculum::ValidationMessage>& messages) {
    m_messages = messages;
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void StageTableModel::setResolvedSteps(const std::vector<std::int64_t>& steps) {
    m_resolvedSteps = steps;
    if (rowCount() > 0) {
        Q_EMIT dataChanged(index(0, LengthColumn), index(rowCount() - 1, LengthColumn));
    }
}

}  // namespace ladder::ui
