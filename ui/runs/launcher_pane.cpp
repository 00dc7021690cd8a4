#include "ui/runs/launcher_pane.h"

#include <algorithm>
#include <set>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "core/common/log.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/presets.h"
#include "core/eval/judge.h"
#include "core/model/prompt_template.h"
#include "core/pairs/ladder.h"
#include "core/pairs/training_pairs.h"
#include "core/store/runs.h"
#include "core/train/model_folder_check.h"
#include "core/train/run_presets.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/workspace_session.h"
#include "ui/runs/run_text.h"
#include "ui/runs/scientific_spin_box.h"

namespace ladder::ui {

namespace {

constexpr const char* kConfigKey = "launcher/config";
constexpr const char* kConfigPathKey = "launcher/configPath";
constexpr const char* kInlineCurriculum = "\x01inline";
constexpr int kMissingRole = Qt::UserRole + 1;  // an item the config names but the workspace lacks
const QStringList kModelKinds = {"tiny", "pretrained", "run"};

QString q(const std::string& s) { return QString::fromStdString(s); }

QSpinBox* spin(QWidget* parent, int lo, int hi, const QString& name) {
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setObjectName(name);
    s->setKeyboardTracking(false);
    return s;
}

QDoubleSpinBox* dspin(QWidget* parent, double lo, double hi, int decimals, double step,
                      const QString& name) {
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setObjectName(name);
    s->setKeyboardTracking(false);
    return s;
}

void selectData(QComboBox* combo, const QVariant& value) {
    const int i = combo->findData(value);
    if (i >= 0) combo->setCurrentIndex(i);
}

QComboBox* combo(QWidget* parent, const QString& name) {
    auto* c = new QComboBox(parent);
    c->setObjectName(name);
    return c;
}

// A muted, word-wrapped explanation under a field.
QLabel* hint(QWidget* parent, const QString& text) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setEnabled(false);
    return l;
}

}  // namespace

LauncherPane::LauncherPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent)
    : QWidget(parent), m_session(session), m_queue(queue) {
    setObjectName("launcherPane");
    m_losses = train::lossCatalog();
    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150);
    connect(m_validateTimer, &QTimer::timeout, this, &LauncherPane::validateNow);
    buildUi();

    // The last form is remembered; a first start shows the demo SFT preset.
    QSettings settings;
    bool restored = false;
    const QString saved = settings.value(kConfigKey).toString();
    if (!saved.isEmpty()) {
        try {
            setConfig(train::parseRunConfig(nlohmann::json::parse(saved.toStdString()),
                                            "the launcher's last config"));
            m_configPath = settings.value(kConfigPathKey).toString();
            restored = true;
        } catch (const std::exception& e) {
            log::get("ui")->info("the launcher's last config is not usable: {}", e.what());
        }
    }
    if (!restored && !applyPreset("demo-sft")) setConfig(train::RunConfig{});

    connect(m_session, &WorkspaceSession::opened, this, &LauncherPane::reloadWorkspaceLists);
    connect(m_session, &WorkspaceSession::closed, this, &LauncherPane::reloadWorkspaceLists);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &LauncherPane::reloadWorkspaceLists);
    connect(m_queue, &RunQueue::queueChanged, this, &LauncherPane::scheduleValidation);
    connect(m_queue, &RunQueue::runEnded, this, &LauncherPane::reloadWorkspaceLists);
    reloadWorkspaceLists();
}

const train::LossInfo* LauncherPane::methodInfo(const QString& name) const {
    for (const auto& l : m_losses) {
        if (q(l.name) == name) return &l;
    }
    return nullptr;
}

void LauncherPane::buildUi() {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Preset:"), this));
    m_preset = combo(this, "launcherPreset");
    m_preset->setMinimumContentsLength(30);
    m_preset->addItem(tr("(choose a preset)"), QString());
    for (const auto& p : train::listRunPresets()) {
        m_preset->addItem(q(p.title), q(p.name));
        m_preset->setItemData(m_preset->count() - 1, q(p.path.string()), Qt::ToolTipRole);
    }
    top->addWidget(m_preset);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        const QString name = m_preset->itemData(index).toString();
        if (!name.isEmpty()) applyPreset(name);
    });
    top->addStretch();
    auto* load = new QPushButton(tr("Load..."), this);
    auto* save = new QPushButton(tr("Save..."), this);
    auto* copy = new QPushButton(tr("Copy Command"), this);
    copy->setObjectName("launcherCopyCommand");
    copy->setToolTip(tr("Copy the ladder-cli line that trains this config (saved as a JSON file) "
                        "in another process or on another machine"));
    top->addWidget(load);
    top->addWidget(save);
    top->addWidget(copy);

    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(buildRunGroup());
    left->addWidget(buildModelGroup());
    left->addStretch();
    auto* middle = new QVBoxLayout;
    middle->addWidget(buildDataGroup());
    middle->addWidget(buildWinRateGroup());
    middle->addStretch();
    auto* right = new QVBoxLayout;
    right->addWidget(buildOptimiserGroup());
    right->addWidget(buildRunningGroup());
    right->addStretch();
    columns->addLayout(left, 1);
    columns->addLayout(middle, 1);
    columns->addLayout(right, 1);
    auto* form = new QWidget(this);
    form->setLayout(columns);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_problemsLabel = new QLabel(this);
    m_problemsLabel->setObjectName("launcherProblems");
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->setTextFormat(Qt::RichText);
    m_queueLabel = new QLabel(this);
    m_queueLabel->setObjectName("launcherQueue");
    m_startButton = new QPushButton(tr("Start Run"), this);
    m_startButton->setObjectName("launcherStart");
    m_startButton->setDefault(true);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_problemsLabel, 1);
    bottom->addWidget(m_queueLabel);
    bottom->addWidget(m_startButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);

    auto makeAction = [this](const QString& text, const QKeySequence& keys, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setProperty("shortcutArea", tr("Launcher"));
        connect(a, &QAction::triggered, this, slot);
        QWidget::addAction(a);
        return a;
    };
    QAction* startAction = makeAction(tr("Start run"), QKeySequence(Qt::CTRL | Qt::Key_Return),
                                     [this] { start(); });
    QAction* saveAction = makeAction(tr("Save run config..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Run Config"), m_configPath.isEmpty() ? QStringLiteral("run.json") : m_configPath,
            tr("Run configs (*.json)"));
        if (path.isEmpty()) return;
        QString error;
        if (!saveConfigFile(path, &error)) QMessageBox::warning(this, tr("Save failed"), error);
    });
    QAction* loadAction = makeAction(tr("Load run config..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load Run Config"), m_configPath,
                                                          tr("Run configs (*.json)"));
        if (path.isEmpty()) return;
        QString error;
        if (!loadConfigFile(path, &error)) QMessageBox::warning(this, tr("Cannot load"), error);
    });
    QAction* copyAction = makeAction(tr("Copy ladder-cli command"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                                    [this] { copyCommand(); });
    connect(m_startButton, &QPushButton::clicked, startAction, &QAction::trigger);
    connect(save, &QPushButton::clicked, saveAction, &QAction::trigger);
    connect(load, &QPushButton::clicked, loadAction, &QAction::trigger);
    connect(copy, &QPushButton::clicked, copyAction, &QAction::trigger);

    // Every field re-checks the config (debounced) and is remembered.
    for (auto* w : findChildren<QSpinBox*>()) {
        connect(w, &QSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QDoubleSpinBox*>()) {
        connect(w, &QDoubleSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QComboBox*>()) {
        if (w == m_preset) continue;
        connect(w, &QComboBox::currentIndexChanged, this, &LauncherPane::scheduleValidation);
        if (w->isEditable()) connect(w, &QComboBox::editTextChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QLineEdit*>()) {
        if (qobject_cast<QComboBox*>(w->parent()) || qobject_cast<QAbstractSpinBox*>(w->parent())) continue;
        connect(w, &QLineEdit::textChanged, this, &LauncherPane::scheduleValidation);
    }
    connect(m_prefixSharing, &QCheckBox::toggled, this, &LauncherPane::scheduleValidation);
    connect(m_tiers, &QListWidget::itemChanged, this, &LauncherPane::scheduleValidation);
}

QWidget* LauncherPane::buildRunGroup() {
    auto* box = new QGroupBox(tr("Run"), this);
    auto* form = new QFormLayout(box);
    m_name = new QLineEdit(box);
    m_name->setObjectName("launcherName");
    m_name->setPlaceholderText(tr("method and start time"));
    form->addRow(tr("Name:"), m_name);
    m_method = combo(box, "launcherMethod");
    for (const auto& l : m_losses) {
        m_method->addItem(q(l.name), q(l.name));
        m_method->setItemData(m_method->count() - 1, q(l.description), Qt::ToolTipRole);
    }
    form->addRow(tr("Method:"), m_method);
    m_methodInfo = hint(box, QString());
    form->addRow(QString(), m_methodInfo);
    m_knobs = new QWidget(box);
    m_knobsForm = new QFormLayout(m_knobs);
    m_knobsForm->setContentsMargins(0, 0, 0, 0);
    form->addRow(m_knobs);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filling) return;
        rebuildKnobs(m_base.loss);
        updateModelKind();
    });
    return box;
}

QWidget* LauncherPane::buildModelGroup() {
    auto* box = new QGroupBox(tr("Model"), this);
    auto* form = new QFormLayout(box);
    m_modelKind = combo(box, "launcherModelKind");
    m_modelKind->addItem(tr("Built-in tiny model (from scratch)"), "tiny");
    m_modelKind->addItem(tr("Hugging Face folder"), "pretrained");
    m_modelKind->addItem(tr("Checkpoint of an earlier run"), "run");
    form->addRow(tr("Start from:"), m_modelKind);
    m_modelStack = new QStackedWidget(box);
    m_modelStack->addWidget(
        hint(box, tr("A small Llama-style model over bytes: a CPU run takes minutes.")));
    auto* folderPage = new QWidget(box);
    auto* folderLayout = new QVBoxLayout(folderPage);
    folderLayout->setContentsMargins(0, 0, 0, 0);
    auto* folderRow = new QHBoxLayout;
    m_modelFolder = new QLineEdit(folderPage);
    m_modelFolder->setObjectName("launcherModelFolder");
    m_modelFolder->setPlaceholderText(tr("folder with config.json, weights, tokenizer.json"));
    auto* browse = new QPushButton(tr("Browse..."), folderPage);
    folderRow->addWidget(m_modelFolder, 1);
    folderRow->addWidget(browse);
    folderLayout->addLayout(folderRow);
    m_modelCheck = new QLabel(folderPage);
    m_modelCheck->setObjectName("launcherModelCheck");
    m_modelCheck->setWordWrap(true);
    m_modelCheck->setTextFormat(Qt::RichText);
    folderLayout->addWidget(m_modelCheck);
    m_modelStack->addWidget(folderPage);
    m_startRun = combo(box, "launcherStartRun");
    m_modelStack->addWidget(m_startRun);
    form->addRow(m_modelStack);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Hugging Face Model Folder"),
                                                                 m_modelFolder->text());
        if (!folder.isEmpty()) m_modelFolder->setText(folder);
    });
    connect(m_modelFolder, &QLineEdit::editingFinished, this, &LauncherPane::checkModelFolder);
    connect(m_modelFolder, &QLineEdit::textChanged, this, [this] {
        m_modelCheck->clear();
        m_modelFolderOk = true;
        if (!m_filling) QTimer::singleShot(0, this, &LauncherPane::checkModelFolder);
    });
    connect(m_modelKind, &QComboBox::currentIndexChanged, this, &LauncherPane::updateModelKind);

    m_template = combo(box, "launcherTemplate");
    for (const auto& t : model::PromptTemplate::names()) m_template->addItem(q(t), q(t));
    form->addRow(tr("Template:"), m_template);
    m_reference = combo(box, "launcherReference");
    m_reference->addItem(tr("cache (computed once, kept in the workspace)"), "cache");
    m_reference->addItem(tr("frozen (a copy of the model in memory)"), "frozen");
    m_reference->addItem(tr("none (reference-free loss)"), "none");
    form->addRow(tr("Reference:"), m_reference);
    return box;
}

QWidget* LauncherPane::buildDataGroup() {
    auto* box = new QGroupBox(tr("Data"), this);
    auto* form = new QFormLayout(box);
    m_ladder = combo(box, "launcherLadder");
    form->addRow(tr("Ladder:"), m_ladder);
    m_tiers = new QListWidget(box);
    m_tiers->setObjectName("launcherTiers");
    m_tiers->setMinimumHeight(90);
    m_tiers->setToolTip(tr("Train on the checked tiers only; none checked trains on every tier"));
    form->addRow(tr("Tiers:"), m_tiers);
    form->addRow(QString(), hint(box, tr("None checked: every tier.")));
    m_curriculum = combo(box, "launcherCurriculum");
    form->addRow(tr("Curriculum:"), m_curriculum);
    m_maxLength = spin(box, 8, 32768, "launcherMaxLength");
    form->addRow(tr("Max length:"), m_maxLength);
    m_maxPromptLength = spin(box, 1, 32767, "launcherMaxPromptLength");
    form->addRow(tr("Max prompt length:"), m_maxPromptLength);
    connect(m_ladder, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filling) return;
        const auto c = config();
        reloadTiers(c.data.tiers);
        reloadWinRateSources(c.winRate.reference);
    });
    return box;
}

QWidget* LauncherPane::buildWinRateGroup() {
    auto* box = new QGroupBox(tr("Win rate while training"), this);
    box->setToolTip(tr("The policy's answers to held-out prompts against a reference source's "
                       "answers, decided by a judge (as ladder-cli eval does)"));
    auto* form = new QFormLayout(box);
    m_winRateReference = combo(box, "launcherWinRateReference");
    form->addRow(tr("Against:"), m_winRateReference);
    m_winRateJudge = combo(box, "launcherWinRateJudge");
    for (const auto& j : eval::judgeRegistry().entries()) {
        m_winRateJudge->addItem(q(j.name), q(j.name));
        m_winRateJudge->setItemData(m_winRateJudge->count() - 1, q(j.description), Qt::ToolTipRole);
    }
    form->addRow(tr("Judge:"), m_winRateJudge);
    m_winRateEvery = spin(box, 0, 10000000, "launcherWinRateEvery");
    m_winRateEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Every:"), m_winRateEvery);
    m_winRatePrompts = spin(box, 1, 100000, "launcherWinRatePrompts");
    form->addRow(tr("Prompts:"), m_winRatePrompts);
    connect(m_winRateReference, &QComboBox::currentIndexChanged, this, [this] {
        updateWinRateEnabled();
        scheduleValidation();
    });
    return box;
}

void LauncherPane::updateWinRateEnabled() {
    const bool on = !m_winRateReference->currentData().toString().isEmpty();
    for (QWidget* w : {static_cast<QWidget*>(m_winRateJudge), static_cast<QWidget*>(m_winRateEvery),
                       static_cast<QWidget*>(m_winRatePrompts)}) {
        w->setEnabled(on);
    }
}

void LauncherPane::reloadWinRateSources(const std::string& wantedReference) {
    const QSignalBlocker block(m_winRateReference);
    m_winRateReference->clear();
    m_winRateReference->addItem(tr("off"), QString());
    const auto sources = m_ladderSources.find(m_ladder->currentData().toString());
    if (sources != m_ladderSources.end()) {
        for (const QString& s : sources->second) m_winRateReference->addItem(s, s);
    }
    const QString wanted = q(wantedReference);
    if (m_winRateReference->findData(wanted) < 0) {
        m_winRateReference->addItem(tr("%1 (not in this ladder)").arg(wanted), wanted);
        m_winRateReference->setItemData(m_winRateReference->count() - 1, true, kMissingRole);
    }
    selectData(m_winRateReference, wanted);
    updateWinRateEnabled();
}

QWidget* LauncherPane::buildOptimiserGroup() {
    auto* box = new QGroupBox(tr("Optimisation"), this);
    auto* form = new QFormLayout(box);
    m_lr = new ScientificSpinBox(box);
    m_lr->setObjectName("launcherLearningRate");
    m_lr->setRange(0, 1);
    form->addRow(tr("Learning rate:"), m_lr);
    m_decay = combo(box, "launcherDecay");
    for (const char* d : {"cosine", "linear", "constant"}) m_decay->addItem(d, d);
    form->addRow(tr("Schedule:"), m_decay);
    m_warmup = spin(box, 0, 1000000, "launcherWarmup");
    form->addRow(tr("Warmup steps:"), m_warmup);
    m_minLrRatio = dspin(box, 0, 1, 3, 0.05, "launcherMinLrRatio");
    form->addRow(tr("Final lr ratio:"), m_minLrRatio);
    m_weightDecay = dspin(box, 0, 10, 4, 0.01, "launcherWeightDecay");
    form->addRow(tr("Weight decay:"), m_weightDecay);
    m_gradClip = dspin(box, 0, 1000, 2, 0.5, "launcherGradClip");
    m_gradClip->setSpecialValueText(tr("off"));
    form->addRow(tr("Gradient clip:"), m_gradClip);
    m_batch = spin(box, 1, 4096, "launcherBatch");
    form->addRow(tr("Batch (pairs):"), m_batch);
    m_gradAccum = spin(box, 1, 1024, "launcherGradAccum");
    form->addRow(tr("Accumulation:"), m_gradAccum);
    m_steps = spin(box, 1, 10000000, "launcherSteps");
    form->addRow(tr("Steps:"), m_steps);
    return box;
}

QWidget* LauncherPane::buildRunningGroup() {
    auto* box = new QGroupBox(tr("Evaluation and running"), this);
    auto* form = new QFormLayout(box);
    m_evalEvery = spin(box, 0, 10000000, "launcherEvalEvery");
    m_evalEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Evaluate every:"), m_evalEvery);
    m_evalPairs = spin(box, 0, 1000000, "launcherEvalPairs");
    form->addRow(tr("Held-out pairs:"), m_evalPairs);
    m_checkpointEvery = spin(box, 0, 10000000, "launcherCheckpointEvery");
    m_checkpointEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Checkpoint every:"), m_checkpointEvery);
    m_keep = spin(box, 1, 1000, "launcherKeep");
    form->addRow(tr("Keep checkpoints:"), m_keep);
    m_seed = spin(box, 0, 2147483647, "launcherSeed");
    form->addRow(tr("Seed:"), m_seed);
    m_device = combo(box, "launcherDevice");
    m_device->setEditable(true);
    for (const char* d : {"cpu", "cuda", "cuda:0", "cuda:1"}) m_device->addItem(d, d);
    form->addRow(tr("Device:"), m_device);
    m_threads = spin(box, 0, 512, "launcherThreads");
    m_threads->setSpecialValueText(tr("auto (%1 here)").arg(RunQueue::defaultThreads()));
    m_threads->setToolTip(tr("LibTorch threads. Auto leaves one core to the window, so that it "
                             "stays responsive while the run trains."));
    form->addRow(tr("CPU threads:"), m_threads);
    m_prefixSharing = new QCheckBox(tr("Share the prompt's forward pass"), box);
    m_prefixSharing->setObjectName("launcherPrefixSharing");
    m_prefixSharing->setToolTip(tr("One forward pass over the prompt serves the chosen and the "
                                   "rejected answer (prefix sharing)"));
    form->addRow(tr("Prefix sharing:"), m_prefixSharing);
    return box;
}

void LauncherPane::rebuildKnobs(const nlohmann::json& values) {
    while (m_knobsForm->rowCount() > 0) m_knobsForm->removeRow(0);
    const train::LossInfo* info = methodInfo(m_method->currentData().toString());
    m_methodInfo->setText(info ? q(info->description) : QString());
    if (!info) return;
    for (const auto& [key, fallback] : info->parameters.items()) {
        auto* box = dspin(m_knobs, 0, 1000, 4, 0.05, "launcherKnob_" + q(key));
        double value = fallback.is_number() ? fallback.get<double>() : 0.0;
        if (values.is_object() && values.contains(key) && values.at(key).is_number()) {
            value = values.at(key).get<double>();
        }
        box->setValue(value);
        box->setProperty("knob", q(key));
        connect(box, &QDoubleSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
        m_knobsForm->addRow(q(key) + ':', box);
    }
}

void LauncherPane::updateModelKind() {
    m_modelStack->setCurrentIndex(std::max(0, m_modelKind->currentIndex()));
    const train::LossInfo* info = methodInfo(m_method->currentData().toString());
    const bool needsReference = info && info->needsReference;
    m_reference->setEnabled(needsReference);
    if (!needsReference) {
        selectData(m_reference, "none");
    } else if (m_reference->currentData().toString() == "none") {
        selectData(m_reference, "cache");
    }
    scheduleValidation();
}

void LauncherPane::setConfig(const train::RunConfig& config) {
    m_filling = true;
    m_base = config;
    m_name->setText(q(config.name));
    if (m_method->findData(q(config.method)) < 0) m_method->addItem(q(config.method), q(config.method));
    selectData(m_method, q(config.method));
    rebuildKnobs(config.loss);
    selectData(m_modelKind, q(config.model.kind));
    m_modelFolder->setText(q(config.model.path));
    selectData(m_template, q(config.templateName));
    selectData(m_reference, q(config.reference));
    m_maxLength->setValue(config.data.maxLength);
    m_maxPromptLength->setValue(config.data.maxPromptLength);
    m_lr->setValue(config.optimizer.lr);
    selectData(m_decay, q(config.schedule.decay));
    m_warmup->setValue(config.schedule.warmupSteps);
    m_minLrRatio->setValue(config.schedule.minLrRatio);
    m_weightDecay->setValue(config.optimizer.weightDecay);
    m_gradClip->setValue(config.optimizer.gradClip);
    m_batch->setValue(config.batchSize);
    m_gradAccum->setValue(config.gradAccum);
    m_steps->setValue(config.maxSteps);
    m_evalEvery->setValue(config.evalEvery);
    m_evalPairs->setValue(config.evalPairs);
    m_checkpointEvery->setValue(config.checkpointEvery);
    m_keep->setValue(config.keepCheckpoints);
    m_seed->setValue(static_cast<int>(config.seed));
    m_device->setCurrentText(q(config.device));
    m_threads->setValue(config.threads);
    m_prefixSharing->setChecked(config.prefixSharing);
    if (m_winRateJudge->findData(q(config.winRate.judge)) < 0) {
        m_winRateJudge->addItem(q(config.winRate.judge), q(config.winRate.judge));
    }
    selectData(m_winRateJudge, q(config.winRate.judge));
    m_winRateEvery->setValue(config.winRate.every);
    m_winRatePrompts->setValue(config.winRate.prompts);
    m_filling = false;
    fillWorkspaceLists(config);  // ladder, tiers, curricula and runs, selected as the config says
    updateModelKind();
    checkModelFolder();
    validateNow();
}

train::RunConfig LauncherPane::config() const {
    train::RunConfig c = m_base;
    c.name = m_name->text().trimmed().toStdString();
    c.method = m_method->currentData().toString().toStdString();
    nlohmann::json loss = nlohmann::json::object();
    for (auto* box : m_knobs->findChildren<QDoubleSpinBox*>()) {
        loss[box->property("knob").toString().toStdString()] = box->value();
    }
    c.loss = loss;
    c.model.kind = m_modelKind->currentData().toString().toStdString();
    c.model.path = c.model.kind == "pretrained" ? m_modelFolder->text().trimmed().toStdString() : "";
    if (c.model.kind == "run") {
        c.model.runId = m_startRun->currentData().toLongLong();
        if (m_startRun->currentData().toLongLong() != m_base.model.runId) c.model.checkpointStep = -1;
    }
    c.templateName = m_template->currentData().toString().toStdString();
    c.reference = m_reference->currentData().toString().toStdString();
    c.data.ladder = m_ladder->currentData().toString().toStdString();
    c.data.tiers.clear();
    for (int i = 0; i < m_tiers->count(); ++i) {
        if (m_tiers->item(i)->checkState() == Qt::Checked) {
            c.data.tiers.push_back(m_tiers->item(i)->data(Qt::UserRole).toString().toStdString());
        }
    }
    const QString curriculum = m_curriculum->currentData().toString();
    if (curriculum != QLatin1String(kInlineCurriculum)) {
        // "" and "uniform" mean the same; keep the loaded spelling so that configs diff cleanly.
        const bool uniform = curriculum.isEmpty();
        const bool baseUniform = m_base.data.curriculumSpec.is_null() &&
                                 (m_base.data.curriculum.empty() || m_base.data.curriculum == "uniform");
        if (!(uniform && baseUniform)) c.data.curriculum = curriculum.toStdString();
        c.data.curriculumSpec = nlohmann::json();
    }
    c.data.maxLength = m_maxLength->value();
    c.data.maxPromptLength = m_maxPromptLength->value();
    c.optimizer.lr = m_lr->value();
    c.optimizer.weightDecay = m_weightDecay->value();
    c.optimizer.gradClip = m_gradClip->value();
    c.schedule.decay = m_decay->currentData().toString().toStdString();
    c.schedule.warmupSteps = m_warmup->value();
    c.schedule.minLrRatio = m_minLrRatio->value();
    c.batchSize = m_batch->value();
    c.gradAccum = m_gradAccum->value();
    c.maxSteps = m_steps->value();
    c.evalEvery = m_evalEvery->value();
    c.evalPairs = m_evalPairs->value();
    c.checkpointEvery = m_checkpointEvery->value();
    c.keepCheckpoints = m_keep->value();
    c.seed = m_seed->value();
    c.device = m_device->currentText().trimmed().toStdString();
    c.threads = m_threads->value();
    c.prefixSharing = m_prefixSharing->isChecked();
    c.winRate.reference = m_winRateReference->currentData().toString().toStdString();
    c.winRate.judge = m_winRateJudge->currentData().toString().toStdString();
    c.winRate.every = m_winRateEvery->value();
    c.winRate.prompts = m_winRatePrompts->value();
    return c;
}

void LauncherPane::reloadWorkspaceLists() { fillWorkspaceLists(config()); }

void LauncherPane::fillWorkspaceLists(const train::RunConfig& wanted) {
    const bool wasFilling = m_filling;
    m_filling = true;
    store::Workspace* ws = m_session->workspace();

    m_ladder->clear();
    std::vector<pairs::Ladder> ladders;
    if (ws) {
        try {
            ladders = pairs::listLadders(ws->db());
        } catch (const std::exception& e) {
            log::get("ui")->warn("cannot list the ladders: {}", e.what());
        }
    }
    m_ladderSources.clear();
    for (const auto& l : ladders) {
        m_ladder->addItem(q(l.name + "  (" + l.describe() + ")"), q(l.name));
        QStringList& sources = m_ladderSources[q(l.name)];
        for (const auto& rung : l.rungs) sources << q(rung.source);
    }
    if (!wanted.data.ladder.empty() && m_ladder->findData(q(wanted.data.ladder)) < 0) {
        m_ladder->addItem(tr("%1 (not in this workspace)").arg(q(wanted.data.ladder)), q(wanted.data.ladder));
        m_ladder->setItemData(m_ladder->count() - 1, true, kMissingRole);
    }
    selectData(m_ladder, q(wanted.data.ladder));

    m_curriculum->clear();
    m_curriculum->addItem(tr("uniform mix (no curriculum)"), QString());
    for (const auto& name : curriculum::presetNames()) {
        if (name == "uniform") continue;
        m_curriculum->addItem(tr("%1 (preset)").arg(q(name)), q(name));
    }
    if (ws) {
        try {
            for (const auto& c : curriculum::listCurricula(ws->db())) {
                m_curriculum->addItem(tr("%1 (%n stage(s), saved)", nullptr,
                                         static_cast<int>(c.stages.size())).arg(q(c.name)),
                                      q(c.name));
            }
        } catch (const std::exception& e) {
            log::get("ui")->warn("cannot list the curricula: {}", e.what());
        }
    }
    if (!wanted.data.curriculumSpec.is_null()) {
        m_curriculum->addItem(tr("(the loaded config's own curriculum)"), QString(kInlineCurriculum));
        selectData(m_curriculum, QString(kInlineCurriculum));
    } else {
        const QString name = wanted.data.curriculum == "uniform" ? QString() : q(wanted.data.curriculum);
        if (m_curriculum->findData(name) < 0) {
            m_curriculum->addItem(tr("%1 (not in this workspace)").arg(name), name);
            m_curriculum->setItemData(m_curriculum->count() - 1, true, kMissingRole);
        }
        selectData(m_curriculum, name);
    }

    m_startRun->clear();
    m_startRun->addItem(tr("The latest finished SFT run"), QVariant::fromValue<qlonglong>(train::kLatestSftRun));
    if (ws) {
        try {
            store::RunStore runs(ws->db());
            for (const auto& r : runs.list()) {
                if (!runs.latestCheckpoint(r.id)) continue;
                m_startRun->addItem(QStringLiteral("%1  (%2, %3)").arg(runLabel(r), q(r.method),
                                                                        q(store::toString(r.status))),
                                    QVariant::fromValue<qlonglong>(r.id));
            }
        } catch (const std::exception& e) {
            log::get("ui")->warn("cannot list the runs: {}", e.what());
        }
    }
    if (m_startRun->findData(QVariant::fromValue<qlonglong>(wanted.model.runId)) < 0) {
        m_startRun->addItem(tr("run #%1 (not in this workspace)").arg(wanted.model.runId),
                            QVariant::fromValue<qlonglong>(wanted.model.runId));
    }
    selectData(m_startRun, QVariant::fromValue<qlonglong>(wanted.model.runId));
    m_filling = wasFilling;
    reloadTiers(wanted.data.tiers);
    reloadWinRateSources(wanted.winRate.reference);
    scheduleValidation();
}

void LauncherPane::reloadTiers(const std::vector<std::string>& wantedTiers) {
    const std::set<std::string> checked(wantedTiers.begin(), wantedTiers.end());
    const QSignalBlocker block(m_tiers);
    m_tiers->clear();
    std::vector<pairs::TierCount> counts;
    if (auto* ws = m_session->workspace(); ws && m_ladder->count() > 0) {
        try {
            pairs::PairSelection selection;
            selection.ladder = m_ladder->currentData().toString().toStdString();
            counts = pairs::tierCounts(ws->db(), selection);
        } catch (const std::exception& e) {
            log::get("ui")->debug("no tiers: {}", e.what());
        }
    }
    std::set<std::string> listed;
    for (const auto& t : counts) {
        auto* item = new QListWidgetItem(tr("%1   %2 train, %3 held out")
                                             .arg(q(t.tier))
                                             .arg(QLocale().toString(static_cast<qlonglong>(t.train)))
                                             .arg(QLocale().toString(static_cast<qlonglong>(t.heldout))),
                                         m_tiers);
        item->setData(Qt::UserRole, q(t.tier));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.count(t.tier) ? Qt::Checked : Qt::Unchecked);
        listed.insert(t.tier);
    }
    for (const auto& t : checked) {
        if (listed.count(t)) continue;
        auto* item = new QListWidgetItem(tr("%1   (no pairs in this ladder)").arg(q(t)), m_tiers);
        item->setData(Qt::UserRole, q(t));
        item->setData(kMissingRole, true);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    scheduleValidation();
}

void LauncherPane::checkModelFolder() {
    const QString folder = m_modelFolder->text().trimmed();
    if (folder.isEmpty() || m_modelKind->currentData().toString() != "pretrained") {
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
    for (const auto& p : train::validate(c)) problems << q(p);
    const train::LossInfo* info = methodInfo(q(c.method));
    if (!info) problems << tr("method %1 is not known here (a plugin's?)").arg(q(c.method));
    if (info && info->needsReference && c.reference == "none") {
        problems << tr("%1 compares with a reference model: choose cache or frozen").arg(q(c.method));
    }
    if (c.model.kind == "pretrained" && !c.model.path.empty() && !m_modelFolderOk) {
        problems << tr("the model folder does not pass its check (see above)");
    }
    store::Workspace* ws = m_session->workspace();
    if (!ws) {
        problems << tr("open a workspace first (File > Open, or ladder --demo)");
    } else if (m_session->isReadOnly()) {
        problems << tr("the workspace is open read-only: a run cannot be recorded in it");
    } else {
        if (!c.data.ladder.empty() && m_ladder->currentData(kMissingRole).toBool()) {
            problems << tr("the workspace has no ladder '%1'").arg(q(c.data.ladder));
        }
        if (m_curriculum->currentData(kMissingRole).toBool()) {
            problems << tr("the workspace has no curriculum '%1' (the Curriculum pane makes one)")
                            .arg(m_curriculum->currentData().toString());
        }
        for (int i = 0; i < m_tiers->count(); ++i) {
            if (m_tiers->item(i)->checkState() == Qt::Checked && m_tiers->item(i)->data(kMissingRole).toBool()) {
                problems << tr("tier %1 has no pairs in this ladder").arg(m_tiers->item(i)->data(Qt::UserRole).toString());
            }
        }
        if (c.model.kind == "run") {
            try {
                store::RunStore runs(ws->db());
                if (c.model.runId == train::kLatestSftRun) {
                    bool sftQueued = false;
                    for (const auto& p : m_queue->pending()) {
                        sftQueued = sftQueued || (p.request.resumeRunId == 0 && p.request.config.method == "sft");
                    }
                    // The running job counts from its start, before its run row exists.
                    if (const auto* active = m_queue->activeRequest()) {
                        if (active->resumeRunId == 0) {
                            sftQueued = sftQueued || active->config.method == "sft";
                        } else if (const auto resumed = runs.find(active->resumeRunId)) {
                            sftQueued = sftQueued || resumed->method == "sft";
                        }
                    }
                    if (!runs.latestFinished("sft") && !sftQueued) {
                        problems << tr("there is no finished SFT run to start from yet: start an SFT "
                                       "run first (the demo-sft preset); it may be queued before this one");
                    }
                } else if (!runs.find(c.model.runId)) {
                    problems << tr("there is no run #%1 in this workspace").arg(c.model.runId);
                }
            } catch (const std::exception& e) {
                problems << q(e.what());
            }
        }
    }
    m_problems = problems;
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    if (problems.isEmpty()) {
        m_problemsLabel->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                     .arg(dark ? "#7ee787" : "#1a7f37",
                                          tr("Ready: %1 on %2, %3 steps").arg(q(c.method), q(c.device)).arg(c.maxSteps)));
    } else {
        QString html = QStringLiteral("<span style='color:%1'>").arg(dark ? "#ff7b72" : "#b42318");
        for (const QString& p : problems) html += QStringLiteral("&bull; %1<br>").arg(p.toHtmlEscaped());
        m_problemsLabel->setText(html + "</span>");
    }
    m_startButton->setEnabled(problems.isEmpty());
    m_startButton->setText(m_queue->busy() ? tr("Queue Run") : tr("Start Run"));
    const int waiting = static_cast<int>(m_queue->pending().size());
    m_queueLabel->setText(m_queue->busy() ? tr("training #%1, %n waiting", nullptr, waiting).arg(m_queue->activeRunId())
                                          : QString());
    rememberConfig();
}

QStringList LauncherPane::problems() {
    if (m_validateTimer->isActive()) {
        m_validateTimer->stop();
        validateNow();
    }
    return m_problems;
}

LauncherPane::~LauncherPane() {
    if (m_validateTimer->isActive()) rememberConfig();
}

bool LauncherPane::canStart() const { return m_problems.isEmpty() && m_startButton->isEnabled(); }

void LauncherPane::rememberConfig() {
    QSettings settings;
    settings.setValue(kConfigKey, q(train::toJson(config()).dump()));
    settings.setValue(kConfigPathKey, m_configPath);
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
    try {
        setConfig(train::loadRunConfig(path.toStdString()));
        m_configPath = path;
        rememberConfig();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = q(e.what());
        return false;
    }
}

bool LauncherPane::saveConfigFile(const QString& path, QString* error) {
    try {
        train::saveRunConfig(config(), path.toStdString());
        m_configPath = path;
        rememberConfig();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = q(e.what());
        return false;
    }
}

QString LauncherPane::copyCommand() {
    const QString configPath = m_configPath.isEmpty() ? QStringLiteral("run.json") : m_configPath;
    const QString workspace = m_session->isOpen() ? m_session->path() : QStringLiteral("WORKSPACE.ladder");
    const QString line = q(train::cliCommand(workspace.toStdString(), configPath.toStdString(), config()));
    QApplication::clipboard()->setText(line);
    m_queueLabel->setText(m_configPath.isEmpty() ? tr("Copied; save the config as run.json first")
                                                 : tr("Copied"));
    return line;
}

bool LauncherPane::start() {
    validateNow();
    if (!canStart()) return false;
    train::JobRequest request;
    request.workspacePath = m_session->path().toStdString();
    request.config = config();
    m_queue->enqueue(std::move(request));
    Q_EMIT runQueued();
    validateNow();
    return true;
}

}  // namespace ladder::ui
