#include "ui/runs/process_launch.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
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

ProcessLaunch launchInProcesses(const train::JobRequest& request, int processes) {
    const QString program = ladderCliProgram();
    if (program.isEmpty()) {
        throw Error("ladder-cli is neither beside this program nor on PATH: a run on several "
                    "processes runs in it (build or install it, or train on 1 process)");
    }
    const QFileInfo workspace(QString::fromStdString(request.workspacePath));
    const QDir folder(workspace.absolutePath() + QLatin1Char('/') + workspace.completeBaseName() +
                      QStringLiteral(".launches"));
    if (!folder.mkpath(QStringLiteral("."))) {
        throw Error("cannot make the folder " + folder.absolutePath().toStdString() +
                    " for the run's config and log: check that the workspace's folder is writable");
    }
    // Unique to the millisecond: two starts in one second keep their own files.
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    ProcessLaunch launch;
    launch.config = folder.filePath(stamp + QStringLiteral(".json"));
    launch.log = folder.filePath(stamp + QStringLiteral(".log"));
    train::saveRunConfig(request.config, launch.config.toStdString());
    std::vector<std::string> command = {program.toStdString(), "train", "-w",
                                        workspace.absoluteFilePath().toStdString(),
                                        "-c", launch.config.toStdString(), "--nproc-per-node",
                                        std::to_string(processes)};
    if (request.judgeProgramApproved) command.emplace_back("--allow-judge-program");
    if (request.withoutWinRate) command.emplace_back("--no-win-rate");
    launch.pid = dist::startDetached(command, launch.log.toStdString());
    return launch;
}

}  // namespace ladder::ui
