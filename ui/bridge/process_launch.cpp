#include "ui/bridge/process_launch.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

#include "core/common/error.h"
#include "core/dist/launch.h"
#include "core/train/run_config.h"

namespace ladder::ui {

QString ladderCliProgram() {
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("ladder-cli"));
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable(QStringLiteral("ladder-cli"));
}

namespace {

constexpr const char* kOwnProcessKey = "launcher/ownProcess";

}  // namespace

bool runsInOwnProcess() {
    return !ladderCliProgram().isEmpty() && QSettings().value(kOwnProcessKey, true).toBool();
}

void setRunsInOwnProcess(bool on) { QSettings().setValue(kOwnProcessKey, on); }

namespace {

QDir launchFolder(const QString& workspace) {
    const QFileInfo info(workspace);
    return QDir(info.absolutePath() + QLatin1Char('/') + info.completeBaseName() +
                QStringLiteral(".launches"));
}

}  // namespace

QString launchLogTail(const QString& workspace, std::int64_t runId, int lines) {
    const QDir folder = launchFolder(workspace);
    if (!folder.exists()) return {};
    const QRegularExpression whose(QStringLiteral("\\brun %1 (started|failed)\\b").arg(runId));
    // Newest first: the log of the run's latest start (a resume starts it again).
    for (const QFileInfo& log : folder.entryInfoList({QStringLiteral("*.log")}, QDir::Files, QDir::Time)) {
        QFile file(log.absoluteFilePath());
        if (log.size() > 16 * 1024 * 1024 || !file.open(QIODevice::ReadOnly)) continue;
        const QString text = QString::fromUtf8(file.readAll());
        if (!whose.match(text).hasMatch()) continue;
        // A progress line rewritten with \r counts as its last state.
        QStringList kept;
        for (QString line : text.split(QLatin1Char('\n'))) {
            line = line.section(QLatin1Char('\r'), -1).trimmed();
            if (!line.isEmpty()) kept << line;
        }
        return kept.mid(std::max<qsizetype>(0, kept.size() - lines)).join(QLatin1Char('\n'));
    }
    return {};
}

ProcessLaunch launchInProcesses(const train::JobRequest& request, int processes) {
    const QString program = ladderCliProgram();
    if (program.isEmpty()) {
        throw Error("ladder-cli is neither beside this program nor on PATH: a run in a process of "
                    "its own runs in it (build or install it, or untick In its own process and train "
                    "on 1 process in the window)");
    }
    const QFileInfo workspace(QString::fromStdString(request.workspacePath));
    const QDir folder = launchFolder(workspace.absoluteFilePath());
    if (!folder.mkpath(QStringLiteral("."))) {
        throw Error("cannot make the folder " + folder.absolutePath().toStdString() +
                    " for the run's config and log: check that the workspace's folder is writable");
    }
    // Unique to the millisecond: two starts in one second keep their own files.
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    ProcessLaunch launch;
    launch.log = folder.filePath(stamp + QStringLiteral(".log"));
    std::vector<std::string> command = {program.toStdString(), "train", "-w",
                                        workspace.absoluteFilePath().toStdString()};
    if (request.resumeRunId > 0) {
        // The run's stored config and checkpoint: ladder-cli train --resume.
        command.emplace_back("--resume");
        command.push_back(std::to_string(request.resumeRunId));
    } else {
        launch.config = folder.filePath(stamp + QStringLiteral(".json"));
        train::saveRunConfig(request.config, launch.config.toStdString());
        command.emplace_back("-c");
        command.push_back(launch.config.toStdString());
    }
    if (processes > 1) {
        command.emplace_back("--nproc-per-node");
        command.push_back(std::to_string(processes));
    }
    if (request.judgeProgramApproved) command.emplace_back("--allow-judge-program");
    if (request.withoutWinRate) command.emplace_back("--no-win-rate");
    launch.pid = dist::startDetached(command, launch.log.toStdString());
    return launch;
}

}  // namespace ladder::ui
