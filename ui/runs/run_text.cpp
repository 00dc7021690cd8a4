#include "ui/runs/run_text.h"

#include <cmath>

#include <QObject>
#include <QStringList>

#include "core/common/clock.h"
#include "core/train/memory_estimate.h"

namespace ladder::ui {

QString runLabel(const store::RunRecord& run) {
    return QStringLiteral("#%1 %2").arg(run.id).arg(QString::fromStdString(run.name));
}

QString statusText(const store::RunRecord& run, store::Liveness liveness) {
    const QString status = QString::fromUtf8(store::toString(run.status));
    switch (liveness) {
        case store::Liveness::Stale: return QObject::tr("%1 (stale)").arg(status);
        case store::Liveness::Quiet: return QObject::tr("%1 (quiet)").arg(status);
        default: return status;
    }
}

QString resourcesText(std::optional<double> tokensPerSecond, std::optional<double> residentBytes,
                      std::optional<double> gpuUsedBytes, std::optional<double> processes) {
    QStringList parts;
    if (processes && *processes > 1) parts << QObject::tr("%1 processes").arg(std::lround(*processes));
    if (tokensPerSecond && *tokensPerSecond > 0) {
        parts << QObject::tr("%1 tok/s").arg(*tokensPerSecond >= 100 ? QString::number(std::lround(*tokensPerSecond))
                                                                      : QString::number(*tokensPerSecond, 'f', 1));
    }
    if (residentBytes && *residentBytes > 0) {
        parts << QString::fromStdString(train::bytesText(static_cast<std::int64_t>(*residentBytes)));
    }
    if (gpuUsedBytes && *gpuUsedBytes > 0) {
        parts << QObject::tr("GPU %1").arg(QString::fromStdString(train::bytesText(static_cast<std::int64_t>(*gpuUsedBytes))));
    }
    return parts.join(QStringLiteral(" \u00b7 "));
}

QString trainingStatusText(const train::TrainingEvent& step) {
    const auto metric = [&step](const char* name) -> std::optional<double> {
        const double v = step.metric(name, std::nan(""));
        return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
    };
    QString text = QObject::tr("Training #%1: step %2 / %3").arg(step.runId).arg(step.step).arg(step.totalSteps);
    const QString resources = resourcesText(metric("tokens_per_second"), metric("system/resident_bytes"),
                                            metric("system/gpu_used_bytes"), metric("system/processes"));
    if (!resources.isEmpty()) text += QStringLiteral(" \u00b7 ") + resources;
    if (step.etaSeconds >= 0) text += QObject::tr(" \u00b7 %1 left").arg(durationText(step.etaSeconds));
    return text;
}

QString durationText(double seconds) {
    if (seconds < 0) return {};
    return QString::fromStdString(clock::formatDuration(seconds));
}

QString winRateText(double winRate, double stdError) {
    const QString rate = QString::number(winRate * 100, 'f', 1);
    if (!std::isfinite(stdError)) return rate + '%';
    return QStringLiteral("%1 \u00b1 %2%").arg(rate, QString::number(stdError * 100, 'f', 1));
}

QString headerLabel(const QString& label, int width) {
    QStringList lines{QString()};
    for (const QString& word : label.split(' ', Qt::SkipEmptyParts)) {
        QString& line = lines.last();
        if (line.isEmpty() || line.size() + 1 + word.size() <= width) {
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        } else if (lines.size() < 2) {
            lines << word;
        } else {
            line += QStringLiteral(" ") + word;
        }
    }
    for (QString& line : lines) {
        if (line.size() > width) line = line.left(width - 1) + QChar(0x2026);
    }
    return lines.join('\n');
}

}  // namespace ladder::ui
