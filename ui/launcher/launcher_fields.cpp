// The launcher's fields against a run configuration: a config shown in them and read back.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QSpinBox>

#include "ui/launcher/launcher_fields.h"
#include "ui/launcher/scientific_spin_box.h"

namespace ladder::ui {

namespace {

// A value the combo does not list (a hand-edited file) is added and selected: the form keeps it
// and the problems list says what is wrong with it.
void selectOrAdd(QComboBox* combo, const QString& value) {
    if (combo->findData(value) < 0) combo->addItem(value, value);
    combo->setCurrentIndex(combo->findData(value));
}

// LoRA target modules as the form shows them, and back: separated by commas (or spaces).
QString joinModules(const std::vector<std::string>& modules) {
    QStringList names;
    for (const auto& m : modules) names << QString::fromStdString(m);
    return names.join(QStringLiteral(", "));
}

std::vector<std::string> splitModules(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    std::vector<std::string> modules;
    for (const QString& m : text.split(separators, Qt::SkipEmptyParts)) {
        modules.push_back(m.toStdString());
    }
    return modules;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

void selectData(QComboBox* combo, const QVariant& value) {
    const int i = combo->findData(value);
    if (i >= 0) combo->setCurrentIndex(i);
}

void LauncherFields::show(const train::RunConfig& config) {
    name->setText(q(config.name));
    if (method->findData(q(config.method)) < 0) method->addItem(q(config.method), q(config.method));
    selectData(method, q(config.method));
    selectData(modelKind, q(config.model.kind));
    modelFolder->setText(q(config.model.path));
    selectData(templateName, q(config.templateName));
    selectData(reference, q(config.reference));
    maxLength->setValue(config.data.maxLength);
    maxPromptLength->setValue(config.data.maxPromptLength);
    lr->setValue(config.optimizer.lr);
    selectData(decay, q(config.schedule.decay));
    warmup->setValue(config.schedule.warmupSteps);
    minLrRatio->setValue(config.schedule.minLrRatio);
    weightDecay->setValue(config.optimizer.weightDecay);
    gradClip->setValue(config.optimizer.gradClip);
    batch->setValue(config.batchSize);
    gradAccum->setValue(config.gradAccum);
    steps->setValue(config.maxSteps);
    evalEvery->setValue(config.evalEvery);
    evalPairs->setValue(config.evalPairs);
    checkpointEvery->setValue(config.checkpointEvery);
    keep->setValue(config.keepCheckpoints);
    seed->setValue(static_cast<int>(config.seed));
    device->setCurrentText(q(config.device));
    threads->setValue(config.threads);
    selectOrAdd(dtype, q(config.dtype));
    loraRank->setValue(config.lora.rank);
    loraAlpha->setValue(config.lora.alpha);
    loraDropout->setValue(config.lora.dropout);
    loraTargets->setEditText(joinModules(config.lora.targetModules));
    loraSaveMerged->setChecked(config.loraSaveMerged);
    gradientCheckpointing->setChecked(config.gradientCheckpointing);
    selectOrAdd(logitsHead, q(config.logitsHead));
    packedPairs->setChecked(config.packedPairs);
    prefixSharing->setChecked(config.prefixSharing);
    lengthGroups->setValue(config.data.lengthGroups);
    if (winRateJudge->findData(q(config.winRate.judge)) < 0) {
        winRateJudge->addItem(q(config.winRate.judge), q(config.winRate.judge));
    }
    selectData(winRateJudge, q(config.winRate.judge));
    winRateEvery->setValue(config.winRate.every);
    winRatePrompts->setValue(config.winRate.prompts);
}

train::RunConfig LauncherFields::read(const train::RunConfig& base) const {
    train::RunConfig c = base;
    c.name = name->text().trimmed().toStdString();
    c.method = method->currentData().toString().toStdString();
    nlohmann::json loss = nlohmann::json::object();
    for (auto* box : knobs->findChildren<QDoubleSpinBox*>()) {
        loss[box->property("knob").toString().toStdString()] = box->value();
    }
    c.loss = loss;
    c.model.kind = modelKind->currentData().toString().toStdString();
    c.model.path = c.model.kind == "pretrained" ? modelFolder->text().trimmed().toStdString() : "";
    if (c.model.kind == "run") {
        c.model.runId = startRun->currentData().toLongLong();
        if (startRun->currentData().toLongLong() != base.model.runId) c.model.checkpointStep = -1;
    }
    c.templateName = templateName->currentData().toString().toStdString();
    c.reference = reference->currentData().toString().toStdString();
    c.data.ladder = ladder->currentData().toString().toStdString();
    c.data.tiers.clear();
    for (int i = 0; i < tiers->count(); ++i) {
        if (tiers->item(i)->checkState() == Qt::Checked) {
            c.data.tiers.push_back(tiers->item(i)->data(Qt::UserRole).toString().toStdString());
        }
    }
    const QString chosen = curriculum->currentData().toString();
    if (chosen != QLatin1String(kInlineCurriculum)) {
        // "" and "uniform" mean the same; keep the loaded spelling so that configs diff cleanly.
        const bool uniform = chosen.isEmpty();
        const bool baseUniform =
            base.data.curriculumSpec.is_null() &&
            (base.data.curriculum.empty() || base.data.curriculum == "uniform");
        if (!(uniform && baseUniform)) c.data.curriculum = chosen.toStdString();
        c.data.curriculumSpec = nlohmann::json();
    }
    c.data.maxLength = maxLength->value();
    c.data.maxPromptLength = maxPromptLength->value();
    c.optimizer.lr = lr->value();
    c.optimizer.weightDecay = weightDecay->value();
    c.optimizer.gradClip = gradClip->value();
    c.schedule.decay = decay->currentData().toString().toStdString();
    c.schedule.warmupSteps = warmup->value();
    c.schedule.minLrRatio = minLrRatio->value();
    c.batchSize = batch->value();
    c.gradAccum = gradAccum->value();
    c.maxSteps = steps->value();
    c.evalEvery = evalEvery->value();
    c.evalPairs = evalPairs->value();
    c.checkpointEvery = checkpointEvery->value();
    c.keepCheckpoints = keep->value();
    c.seed = seed->value();
    c.device = device->currentText().trimmed().toStdString();
    c.threads = threads->value();
    c.dtype = dtype->currentData().toString().toStdString();
    c.lora.rank = loraRank->value();
    c.lora.alpha = loraAlpha->value();
    c.lora.dropout = loraDropout->value();
    c.lora.targetModules = splitModules(loraTargets->currentText());
    c.loraSaveMerged = loraSaveMerged->isChecked();
    c.gradientCheckpointing = gradientCheckpointing->isChecked();
    c.logitsHead = logitsHead->currentData().toString().toStdString();
    c.packedPairs = packedPairs->isChecked();
    c.prefixSharing = prefixSharing->isChecked();
    c.data.lengthGroups = lengthGroups->value();
    c.winRate.reference = winRateReference->currentData().toString().toStdString();
    c.winRate.judge = winRateJudge->currentData().toString().toStdString();
    c.winRate.every = winRateEvery->value();
    c.winRate.prompts = winRatePrompts->value();
    return c;
}

}  // namespace ladder::ui
