// The Launcher pane's form against a run configuration and the workspace: filling the form from a
// config and reading one back, the workspace's ladders, tiers, curricula and runs in its lists,
// the checks that keep Start disabled, presets, config files and starting the run. The widgets
// themselves are built in launcher_pane.cpp.
#include <algorithm>
#include <functional>
#include <set>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>

#include "core/common/log.h"
#include "core/curriculum/presets.h"
#include "core/train/memory_estimate.h"
#include "core/train/model_folder_check.h"
#include "core/train/run_presets.h"
#include "ui/bridge/process_launch.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/runs_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/launcher/judge_program_prompt.h"
#include "ui/launcher/launcher_pane.h"
#include "ui/launcher/scientific_spin_box.h"
#include "ui/runs/run_text.h"

namespace ladder::ui {

void LauncherPane::setConfig(const train::RunConfig& config) {
    m_filling = true;
    m_base = config;
    {
        // Another run's settings (Duplicate) or a file are no preset: applyPreset names its own
        // after this.
        const QSignalBlocker block(m_preset);
        m_preset->setCurrentIndex(0);
    }
    m_f.show(config);
    rebuildKnobs(config.loss);
    updateMemoryEnabled();
    m_filling = false;
    fillWorkspaceLists(config);  // ladder, tiers, curricula and runs, selected as the config says
    updateModelKind();
    checkModelFolder();
    validateNow();
}

train::RunConfig LauncherPane::config() const {
    return m_f.read(m_base);
}

void LauncherPane::reloadWorkspaceLists() {
    fillWorkspaceLists(config());
}

void LauncherPane::fillWorkspaceLists(const train::RunConfig& wanted) {
    const bool wasFilling = m_filling;
    m_filling = true;

    m_f.ladder->clear();
    const std::vector<pairs::Ladder> ladders = m_bridge->ladders();
    m_ladderSources.clear();
    for (const auto& l : ladders) {
        m_f.ladder->addItem(q(l.name + "  (" + l.describe() + ")"), q(l.name));
        QStringList& sources = m_ladderSources[q(l.name)];
        for (const auto& rung : l.rungs) sources << q(rung.source);
    }
    if (!wanted.data.ladder.empty() && m_f.ladder->findData(q(wanted.data.ladder)) < 0) {
        m_f.ladder->addItem(tr("%1 (not in this workspace)").arg(q(wanted.data.ladder)),
                            q(wanted.data.ladder));
        m_f.ladder->setItemData(m_f.ladder->count() - 1, true, kMissingRole);
    }
    selectData(m_f.ladder, q(wanted.data.ladder));

    m_f.curriculum->clear();
    m_f.curriculum->addItem(tr("uniform mix (no curriculum)"), QString());
    for (const auto& name : curriculum::presetNames()) {
        if (name == "uniform") continue;
        m_f.curriculum->addItem(tr("%1 (preset)").arg(q(name)), q(name));
    }
    for (const auto& c : m_bridge->curricula()) {
        m_f.curriculum->addItem(
            tr("%1 (%n stage(s), saved)", nullptr, static_cast<int>(c.stages.size()))
                .arg(q(c.name)),
            q(c.name));
    }
    if (!wanted.data.curriculumSpec.is_null()) {
        m_f.curriculum->addItem(tr("(the loaded config's own curriculum)"),
                                QString(kInlineCurriculum));
        selectData(m_f.curriculum, QString(kInlineCurriculum));
    } else {
        const QString name =
            wanted.data.curriculum == "uniform" ? QString() : q(wanted.data.curriculum);
        if (m_f.curriculum->findData(name) < 0) {
            m_f.curriculum->addItem(tr("%1 (not in this workspace)").arg(name), name);
            m_f.curriculum->setItemData(m_f.curriculum->count() - 1, true, kMissingRole);
        }
        selectData(m_f.curriculum, name);
    }

    m_f.startRun->clear();
    m_f.startRun->addItem(tr("The latest finished SFT run"),
                          QVariant::fromValue<qlonglong>(train::kLatestSftRun));
    for (const auto& r : m_bridge->runsWithCheckpoints()) {
        m_f.startRun->addItem(QStringLiteral("%1  (%2, %3)")
                                  .arg(runLabel(r), q(r.method), q(store::toString(r.status))),
                              QVariant::fromValue<qlonglong>(r.id));
    }
    if (m_f.startRun->findData(QVariant::fromValue<qlonglong>(wanted.model.runId)) < 0) {
        m_f.startRun->addItem(tr("run #%1 (not in this workspace)").arg(wanted.model.runId),
                              QVariant::fromValue<qlonglong>(wanted.model.runId));
    }
    selectData(m_f.startRun, QVariant::fromValue<qlonglong>(wanted.model.runId));
    m_filling = wasFilling;
    reloadTiers(wanted.data.tiers);
    reloadWinRateSources(wanted.winRate.reference);
    scheduleValidation();
}

void LauncherPane::reloadTiers(const std::vector<std::string>& wantedTiers) {
    const std::set<std::string> checked(wantedTiers.begin(), wantedTiers.end());
    const QSignalBlocker block(m_f.tiers);
    m_f.tiers->clear();
    const std::vector<pairs::TierCount> counts =
        m_f.ladder->count() > 0
            ? m_bridge->tierCounts(m_f.ladder->currentData().toString().toStdString())
            : std::vector<pairs::TierCount>{};
    std::set<std::string> listed;
    for (const auto& t : counts) {
        auto* item =
            new QListWidgetItem(tr("%1\n%2 train \u00b7 %3 held out")
                                    .arg(q(t.tier))
                                    .arg(QLocale().toString(static_cast<qlonglong>(t.train)))
                                    .arg(QLocale().toString(static_cast<qlonglong>(t.heldout))),
                                m_f.tiers);
        item->setToolTip(item->text().replace('\n', QStringLiteral(": ")));
        item->setData(Qt::UserRole, q(t.tier));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.count(t.tier) ? Qt::Checked : Qt::Unchecked);
        listed.insert(t.tier);
    }
    for (const auto& t : checked) {
        if (listed.count(t)) continue;
        auto* item = new QListWidgetItem(tr("%1   (no pairs in this ladder)").arg(q(t)), m_f.tiers);
        item->setData(Qt::UserRole, q(t));
        item->setData(kMissingRole, true);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    // Every tier shown (up to six; more scroll), so none is cut off at the bottom.
    const int rows = std::clamp(m_f.tiers->count(), 1, 6);
    const int rowHeight = m_f.tiers->count() > 0 ? m_f.tiers->sizeHintForRow(0)
                                                 : 2 * m_f.tiers->fontMetrics().lineSpacing();
    m_f.tiers->setFixedHeight(rows * rowHeight + 2 * m_f.tiers->frameWidth() + 4);
    scheduleValidation();
}

void LauncherPane::checkModelFolder() {
    const QString folder = m_f.modelFolder->text().trimmed();
    if (folder.isEmpty() || m_f.modelKind->currentData().toString() != "pretrained") {
        m_modelCheck->clear();
        m_modelFolderOk = true;
        scheduleValidation();
        return;
    }
    const auto check = train::checkModelFolder(folder.toStdString());
    m_modelFolderOk = check.ok;
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QString good = dark ? "#7ee787" : "#1a7f37";
    const QString bad = dark ? "#ff7b72" : "#b42318";
    QString html = check.summary.empty() ? QString() : q(check.summary).toHtmlEscaped();
    if (check.ok) {
        html = QStringLiteral("<span style='color:%1'>&#10003;</span> ").arg(good) + html;
    }
    for (const auto& p : check.problems) {
        html += QStringLiteral("<br><span style='color:%1'>&#10007; %2</span>")
                    .arg(bad, q(p).toHtmlEscaped());
    }
    m_modelCheck->setText(html);
    scheduleValidation();
}

void LauncherPane::scheduleValidation() {
    if (m_filling) return;
    m_validateTimer->start();
}

void LauncherPane::validateNow() {
    if (m_filling) return;
    const train::RunConfig c = config();
    QStringList problems;
    // validate() is what the trainer checks first, the loss's knob limits included
    // (train::lossProblems): what is listed here is what would fail the run.
    for (const auto& p : train::validate(c)) problems << q(p);
    const train::LossInfo* info = methodInfo(q(c.method));
    if (info && info->needsReference && c.reference == "none") {
        problems
            << tr("%1 compares with a reference model: choose cache or frozen").arg(q(c.method));
    }
    if (c.model.kind == "pretrained" && !c.model.path.empty() && !m_modelFolderOk) {
        problems << tr("the model folder does not pass its check (see above)");
    }
    const bool open = m_bridge->isOpen();
    QString laterSft;  // a note: the run starts from an SFT run older than one still training
    if (!open) {
        problems << tr("open a workspace first (File > Open, or ladder --demo)");
    } else if (m_session->isReadOnly()) {
        problems << tr("the workspace is open read-only: a run cannot be recorded in it");
    } else {
        if (!c.data.ladder.empty() && m_f.ladder->currentData(kMissingRole).toBool()) {
            problems << tr("the workspace has no ladder '%1'").arg(q(c.data.ladder));
        }
        if (m_f.curriculum->currentData(kMissingRole).toBool()) {
            problems << tr("the workspace has no curriculum '%1' (the Curriculum pane makes one)")
                            .arg(m_f.curriculum->currentData().toString());
        }
        for (int i = 0; i < m_f.tiers->count(); ++i) {
            if (m_f.tiers->item(i)->checkState() == Qt::Checked &&
                m_f.tiers->item(i)->data(kMissingRole).toBool()) {
                problems << tr("tier %1 has no pairs in this ladder")
                                .arg(m_f.tiers->item(i)->data(Qt::UserRole).toString());
            }
        }
        if (c.model.kind == "run") {
            if (c.model.runId == train::kLatestSftRun) {
                // An SFT run training in another process (a ladder-cli of its own): a run from
                // the latest finished SFT run starts from the one before it, or cannot start yet.
                std::optional<store::RunRecord> training;
                for (const auto& r : m_bridge->runs()) {
                    if (r.method == "sft" && store::isActive(r.status) &&
                        !m_queue->isTraining(m_session->path(), r.id) &&
                        m_bridge->liveness(r) != store::Liveness::Stale) {
                        training = r;
                        break;
                    }
                }
                const auto finished = m_bridge->latestFinishedRun("sft");
                // One that comes in this window's queue: this run waits behind it there (start()).
                const bool waitsHere = sftComingHere() && m_f.processes->value() <= 1;
                if (!finished && !waitsHere) {
                    problems
                        << (training
                                ? tr("there is no finished SFT run to start from yet (run #%1 is "
                                     "still "
                                     "training: start this one when it has finished)")
                                      .arg(training->id)
                                : tr("there is no finished SFT run to start from yet: start an SFT "
                                     "run first (the demo-sft preset); it may be queued before "
                                     "this one"));
                } else if (finished && training && !waitsHere) {
                    laterSft =
                        tr("SFT run #%1 is still training in another process: this run starts from "
                           "run #%2, the latest finished one (start it when #%1 has finished to "
                           "start from that)")
                            .arg(training->id)
                            .arg(finished->id);
                }
            } else if (!m_bridge->run(c.model.runId)) {
                problems << tr("there is no run #%1 in this workspace").arg(c.model.runId);
            }
        }
    }
    // The memory estimate at the caps; a run over the free memory of its device (the CPU's, or
    // the CUDA device's as its driver reports it) would stop before its first step
    // (Trainer::checkMemoryFits), so it is a problem here already.
    QString estimateText = tr("(choose a model)");
    if (const auto memory = m_bridge->memory(c)) {
        estimateText = q(memory->estimate);
        if (memory->free > 0)
            estimateText += tr(" (%1 free)").arg(q(train::bytesText(memory->free)));
        if (!memory->advice.empty()) {
            problems << (c.device == "cpu"
                             ? tr("the run will not fit in memory: %1").arg(q(memory->advice))
                             : tr("the run will not fit in %1's memory: %2")
                                   .arg(q(c.device), q(memory->advice)));
        }
    }
    m_memoryEstimate->setText(estimateText);
    planData(c);
    // Notes do not stop a run; the trainer says them again before step 1 (run_notes.h).
    QStringList notes;
    if (!laterSft.isEmpty()) notes << laterSft;
    for (const auto& n : m_bridge->runNotes(c)) notes << q(n);
    m_problems = problems;
    m_notes = notes;
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QString html;
    if (problems.isEmpty()) {
        html =
            QStringLiteral("<span style='color:%1'>%2</span><br>")
                .arg(dark ? "#7ee787" : "#1a7f37",
                     tr("Ready: %1 on %2, %3 steps").arg(q(c.method), q(c.device)).arg(c.maxSteps));
    } else {
        html = QStringLiteral("<span style='color:%1'>").arg(dark ? "#ff7b72" : "#b42318");
        for (const QString& p : problems)
            html += QStringLiteral("&bull; %1<br>").arg(p.toHtmlEscaped());
        html += "</span>";
    }
    if (!notes.isEmpty()) {
        html += QStringLiteral("<span style='color:%1'>").arg(dark ? "#e3b341" : "#9a6700");
        for (const QString& n : notes) {
            html += QStringLiteral("&#9888; %1<br>").arg(tr("Note: %1").arg(n).toHtmlEscaped());
        }
        html += "</span>";
    }
    if (html.endsWith("<br>")) html.chop(4);
    m_problemsLabel->setText(html);
    m_startButton->setEnabled(problems.isEmpty());
    m_startButton->setText(m_queue->busy() && !ownProcess() ? tr("Queue Run") : tr("Start Run"));
    const int waiting = static_cast<int>(m_queue->pending().size());
    m_queueLabel->setText(
        m_queue->busy()
            ? tr("training #%1, %n waiting", nullptr, waiting).arg(m_queue->activeRunId())
            : QString());
    rememberConfig();
}

void LauncherPane::planData(const train::RunConfig& c) {
    if (!m_bridge->isOpen() || c.data.ladder.empty()) {
        m_plannedKey.clear();
        ++m_planGeneration;
        m_dataPlan->setText(tr("(choose a ladder)"));
        return;
    }
    // What the plan depends on: the config (not its name) and the workspace's pairs.
    const std::string planned = m_bridge->dataPlanKey(c);
    if (planned == m_plannedKey) return;
    m_plannedKey = planned;
    const int generation = ++m_planGeneration;
    m_dataPlan->setText(tr("tokenising the training pairs..."));
    m_bridge->dataPlanAsync(c, [this, generation](const QString& text, bool ok) {
        if (generation != m_planGeneration) return;  // a newer plan is coming
        const bool dark = palette().color(QPalette::Window).lightness() < 128;
        m_dataPlan->setText(ok ? text.toHtmlEscaped()
                               : QStringLiteral("<span style='color:%1'>%2</span>")
                                     .arg(dark ? "#ff7b72" : "#b42318", text.toHtmlEscaped()));
    });
}

QStringList LauncherPane::problems() {
    if (m_validateTimer->isActive()) {
        m_validateTimer->stop();
        validateNow();
    }
    return m_problems;
}

QStringList LauncherPane::notes() {
    (void)problems();  // a check still waiting for its debounce runs first
    return m_notes;
}

bool LauncherPane::canStart() const {
    return m_problems.isEmpty() && m_startButton->isEnabled();
}

void LauncherPane::reloadWinRateSources(const std::string& wantedReference) {
    const QSignalBlocker block(m_f.winRateReference);
    m_f.winRateReference->clear();
    m_f.winRateReference->addItem(tr("off"), QString());
    const auto sources = m_ladderSources.find(m_f.ladder->currentData().toString());
    if (sources != m_ladderSources.end()) {
        for (const QString& s : sources->second) m_f.winRateReference->addItem(s, s);
    }
    const QString wanted = q(wantedReference);
    if (m_f.winRateReference->findData(wanted) < 0) {
        m_f.winRateReference->addItem(tr("%1 (not in this ladder)").arg(wanted), wanted);
        m_f.winRateReference->setItemData(m_f.winRateReference->count() - 1, true, kMissingRole);
    }
    selectData(m_f.winRateReference, wanted);
    updateWinRateEnabled();
}

bool LauncherPane::applyPreset(const QString& name) {
    for (const auto& p : train::listRunPresets()) {
        if (q(p.name) != name) continue;
        try {
            setConfig(train::loadRunConfig(p.path.string()));
            m_configPath.clear();  // Save never overwrites a shipped preset unasked
            const QSignalBlocker block(m_preset);
            selectData(m_preset, name);
            return true;
        } catch (const std::exception& e) {
            log::get("ui")->warn("preset {}: {}", name.toStdString(), e.what());
            return false;
        }
    }
    return false;
}

bool LauncherPane::loadConfigFile(const QString& path, QString* error) {
    return useConfigFile(path, error,
                         [this, &path] { setConfig(train::loadRunConfig(path.toStdString())); });
}

bool LauncherPane::saveConfigFile(const QString& path, QString* error) {
    return useConfigFile(path, error,
                         [this, &path] { train::saveRunConfig(config(), path.toStdString()); });
}

// Reads or writes a config file; on success the file becomes the form's path (Copy Command
// names it) and is remembered for the next session; on failure `error` says why.
bool LauncherPane::useConfigFile(const QString& path, QString* error,
                                 const std::function<void()>& io) {
    try {
        io();
        m_configPath = path;
        rememberConfig();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = q(e.what());
        return false;
    }
}

QString LauncherPane::copyCommand() {
    // The command names a file that holds this very config: one that was saved or loaded and
    // still matches the form, else one saved now, where the user says.
    bool current = false;
    if (!m_configPath.isEmpty()) {
        try {
            current = train::toJson(train::loadRunConfig(m_configPath.toStdString())) ==
                      train::toJson(config());
        } catch (const std::exception&) {
            current = false;  // gone or changed on disk: save it again
        }
    }
    if (!current) {
        QString suggested = m_configPath;
        if (suggested.isEmpty()) {
            const QString folder = m_session->isOpen() ? QFileInfo(m_session->path()).absolutePath()
                                                       : QDir::currentPath();
            QString stem = m_f.name->text().trimmed();
            stem.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")),
                         QStringLiteral("-"));
            suggested =
                QDir(folder).filePath((stem.isEmpty() ? QStringLiteral("run") : stem) + ".json");
        }
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save the Run Config the Command Reads"),
                                         suggested, tr("Run configs (*.json)"));
        if (path.isEmpty()) {
            m_queueLabel->setText(tr("Not copied: the command needs the config saved as a file"));
            return {};
        }
        QString error;
        if (!saveConfigFile(path, &error)) {
            QMessageBox::warning(this, tr("Save failed"), error);
            return {};
        }
    }
    const QString workspace =
        m_session->isOpen() ? m_session->path() : QStringLiteral("WORKSPACE.ladder");
    QString line =
        q(train::cliCommand(workspace.toStdString(), m_configPath.toStdString(), config()));
    if (m_f.processes->value() > 1)
        line += QStringLiteral(" --nproc-per-node %1").arg(m_f.processes->value());
    QApplication::clipboard()->setText(line);
    m_queueLabel->setText(tr("Copied; it reads %1").arg(QFileInfo(m_configPath).fileName()));
    return line;
}

bool LauncherPane::sftComingHere() const {
    for (const auto& p : m_queue->pending()) {
        if (p.request.resumeRunId == 0 && p.request.config.method == "sft") return true;
    }
    // The running job counts from its start, before its run row exists.
    if (const auto* active = m_queue->activeRequest()) {
        if (active->resumeRunId == 0) return active->config.method == "sft";
        if (const auto resumed = m_bridge->run(active->resumeRunId))
            return resumed->method == "sft";
    }
    return false;
}

bool LauncherPane::ownProcess() const {
    return m_f.processes->value() > 1 ||
           (m_f.ownProcess->isEnabled() && m_f.ownProcess->isChecked());
}

void LauncherPane::setOwnProcess(bool on) {
    m_f.ownProcess->setChecked(on);
}

bool LauncherPane::start() {
    validateNow();
    if (!canStart()) return false;
    train::JobRequest request;
    request.workspacePath = m_session->path().toStdString();
    request.config = config();
    if (!approveJudgeProgram(this, request.config, request)) return false;
    // A run from the latest SFT run while that one is still queued or training in this window
    // waits behind it here: a process of its own would start before it and find no SFT run.
    const bool behindHere = request.config.model.kind == "run" &&
                            request.config.model.runId == train::kLatestSftRun &&
                            m_f.processes->value() <= 1 && sftComingHere();
    if (ownProcess() && !behindHere) {
        try {
            const int processes = m_f.processes->value();
            const auto launch = launchInProcesses(request, processes);
            const QString where =
                processes > 1 ? tr("on %1 processes").arg(processes) : tr("in its own process");
            m_queueLabel->setText(tr("Started %1 (ladder-cli, pid %2); it goes on when the window "
                                     "closes. Log: %3")
                                      .arg(where)
                                      .arg(launch.pid)
                                      .arg(QDir::toNativeSeparators(launch.log)));
            m_queueLabel->setToolTip(launch.log);
            log::get("ui")->info("run started {}: ladder-cli pid {}, log {}", where.toStdString(),
                                 launch.pid, launch.log.toStdString());
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Start Run"), QString::fromStdString(e.what()));
            return false;
        }
        Q_EMIT runQueued();
        return true;
    }
    m_queue->enqueue(std::move(request));
    Q_EMIT runQueued();
    validateNow();
    if (behindHere && ownProcess()) {
        m_queueLabel->setText(
            tr("Queued in this window behind the SFT run it starts from (it trains "
               "here, so it stops when the window closes)"));
    }
    return true;
}

}  // namespace ladder::ui
