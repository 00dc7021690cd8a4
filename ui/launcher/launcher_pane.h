// The Launcher pane: a form over a run configuration (method and its knobs, model, template,
// ladder with tiers or a curriculum, optimiser and schedule, batch, steps, evaluation,
// checkpoints, the in-training win rate, seed, device, threads, reference mode, and what a run
// costs in memory: dtype, LoRA, gradient checkpointing, the logits head, packed pairs, prefix
// sharing, length groups), with the memory estimate and the data plan (the padded share of its
// batches, computed on a worker thread).
// Presets fill it; the config is checked as it is edited and Start stays disabled while something
// is wrong. Start runs it in a ladder-cli process of its own (or queues it in this window); Save
// and Load use the JSON `ladder-cli train --config` reads. The fields themselves: launcher_fields.h.
#pragma once

#include <functional>
#include <map>

#include <QString>
#include <QStringList>
#include <QVariant>
#include <QWidget>

#include "core/train/loss_catalog.h"
#include "core/train/run_config.h"
#include "ui/launcher/launcher_fields.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace ladder::ui {

class PairPreviewDialog;
class RunQueue;
class RunsBridge;
class ScientificSpinBox;
class WorkspaceSession;

class LauncherPane final : public QWidget {
    Q_OBJECT
public:
    LauncherPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent = nullptr);
    // An edit still waiting for its debounced check is remembered all the same.
    ~LauncherPane() override;

    // The form's configuration: the last loaded one with the form's fields applied (settings the
    // form does not show are kept as loaded).
    [[nodiscard]] train::RunConfig config() const;
    void setConfig(const train::RunConfig& config);

    // What stops Start: train::validate's problems plus what the workspace says (no such ladder,
    // no finished SFT run to start from, a model folder that fails its check).
    // The form's problems as it is now: a check still waiting for its debounce runs first.
    [[nodiscard]] QStringList problems();
    // What the run will do that its config does not say outright (a capped warmup, a curriculum
    // cut short): listed beside the problems, in the trainer's words; they do not stop Start.
    [[nodiscard]] QStringList notes();
    [[nodiscard]] bool canStart() const;

    bool applyPreset(const QString& name);  // a preset's file stem; false when absent or broken
    bool loadConfigFile(const QString& path, QString* error);
    bool saveConfigFile(const QString& path, QString* error);
    // The ladder-cli line that trains this config, also put on the clipboard. It names the file
    // last saved or loaded when that still holds the form's config; else it asks where to save
    // one first (empty, nothing copied, when the user cancels).
    QString copyCommand();
    // Starts the run: in a ladder-cli process of its own (the default: it outlives the window,
    // which follows it through the file), or queued in this window (In its own process unticked,
    // or a run from the latest SFT run that is still queued here). False (and nothing started)
    // when there are problems.
    bool start();
    // Whether Start runs the run in ladder-cli's processes; the choice is remembered.
    [[nodiscard]] bool ownProcess() const;
    void setOwnProcess(bool on);

    // The workspace's ladders, tiers, curricula and runs again.
    void reloadWorkspaceLists();
    // Opens the pair preview for the form's model, template and data (non-modal; null without a
    // workspace).
    PairPreviewDialog* previewPairs();

Q_SIGNALS:
    void runQueued();

private:
    static constexpr int kMissingRole = Qt::UserRole + 1;  // an item the config names but the
                                                           // workspace lacks
    static QString q(const std::string& s);
    bool useConfigFile(const QString& path, QString* error, const std::function<void()>& io);

    void buildUi();
    QWidget* buildRunGroup();
    QWidget* buildModelGroup();
    QWidget* buildDataGroup();
    QWidget* buildOptimiserGroup();
    QWidget* buildRunningGroup();
    QWidget* buildWinRateGroup();
    QWidget* buildMemoryGroup();
    void rebuildKnobs(const nlohmann::json& values);
    void fillWorkspaceLists(const train::RunConfig& wanted);
    void reloadTiers(const std::vector<std::string>& wantedTiers);
    void reloadWinRateSources(const std::string& wantedReference);
    void updateWinRateEnabled();
    void updateMemoryEnabled();
    void checkModelFolder();
    void scheduleValidation();
    void validateNow();
    // The run's data plan (train::planRunData: padded share, longest rows, cuts) on a worker
    // thread, when the config or the workspace's pairs changed since the last one.
    void planData(const train::RunConfig& config);
    void updateModelKind();
    void rememberConfig();
    // An SFT run is queued or training in this window's queue.
    [[nodiscard]] bool sftComingHere() const;
    [[nodiscard]] const train::LossInfo* methodInfo(const QString& name) const;

    WorkspaceSession* m_session;
    RunsBridge* m_bridge;
    LauncherFields m_f;  // the form's fields
    RunQueue* m_queue;
    train::RunConfig m_base;
    std::vector<train::LossInfo> m_losses;
    QString m_configPath;  // the file last saved or loaded
    bool m_filling = false;

    QComboBox* m_preset = nullptr;
    QLabel* m_methodInfo = nullptr;
    QFormLayout* m_knobsForm = nullptr;
    QStackedWidget* m_modelStack = nullptr;
    QLabel* m_modelCheck = nullptr;
    bool m_modelFolderOk = true;
    QLabel* m_memoryEstimate = nullptr;  // the run's memory estimate (memory_estimate.h)
    QLabel* m_dataPlan = nullptr;        // its data plan (data_plan.h), filled by a worker
    std::string m_plannedKey;            // what the plan shown (or coming) is for
    int m_planGeneration = 0;
    std::map<QString, QStringList> m_ladderSources;  // ladder name -> its sources, by rank
    QLabel* m_problemsLabel = nullptr;
    QLabel* m_queueLabel = nullptr;
    QPushButton* m_startButton = nullptr;
    QTimer* m_validateTimer = nullptr;
    QStringList m_problems;
    QStringList m_notes;
};

}  // namespace ladder::ui
