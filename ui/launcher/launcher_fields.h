// The Launcher pane's fields: the widgets that hold a run configuration's values, with the config
// shown in them and read back. The pane builds the widgets, fills the lists that come from the
// workspace (ladders, tiers, curricula, runs, win-rate sources) and checks what they say.
#pragma once

#include <QString>
#include <QVariant>

#include "core/train/run_config.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QWidget;

namespace ladder::ui {

class ScientificSpinBox;

// The curriculum combo's item for a config's own (inline) curriculum.
inline constexpr const char* kInlineCurriculum = "\x01inline";

// Selects the combo's item with this data; an absent one leaves the selection as it is.
void selectData(QComboBox* combo, const QVariant& value);

struct LauncherFields {
    QLineEdit* name = nullptr;
    QComboBox* method = nullptr;
    QWidget* knobs = nullptr;
    QComboBox* modelKind = nullptr;
    QLineEdit* modelFolder = nullptr;
    QComboBox* startRun = nullptr;
    QComboBox* templateName = nullptr;
    QComboBox* reference = nullptr;
    QComboBox* ladder = nullptr;
    QListWidget* tiers = nullptr;
    QComboBox* curriculum = nullptr;
    QSpinBox* maxLength = nullptr;
    QSpinBox* maxPromptLength = nullptr;
    ScientificSpinBox* lr = nullptr;
    QComboBox* decay = nullptr;
    QSpinBox* warmup = nullptr;
    QDoubleSpinBox* minLrRatio = nullptr;
    QDoubleSpinBox* weightDecay = nullptr;
    QDoubleSpinBox* gradClip = nullptr;
    QSpinBox* batch = nullptr;
    QSpinBox* gradAccum = nullptr;
    QSpinBox* steps = nullptr;
    QSpinBox* evalEvery = nullptr;
    QSpinBox* evalPairs = nullptr;
    QSpinBox* checkpointEvery = nullptr;
    QSpinBox* keep = nullptr;
    QSpinBox* seed = nullptr;
    QComboBox* device = nullptr;
    QSpinBox* threads = nullptr;
    QSpinBox* processes = nullptr;    // > 1: the run trains in ladder-cli's processes
    QCheckBox* ownProcess = nullptr;  // 1 process, but ladder-cli's: it outlives the window
    QComboBox* dtype = nullptr;
    QSpinBox* loraRank = nullptr;
    ScientificSpinBox* loraAlpha = nullptr;
    QDoubleSpinBox* loraDropout = nullptr;
    QComboBox* loraTargets = nullptr;
    QCheckBox* loraSaveMerged = nullptr;
    QCheckBox* gradientCheckpointing = nullptr;
    QComboBox* logitsHead = nullptr;
    QCheckBox* packedPairs = nullptr;
    QCheckBox* prefixSharing = nullptr;
    QSpinBox* lengthGroups = nullptr;
    QComboBox* winRateReference = nullptr;
    QComboBox* winRateJudge = nullptr;
    QSpinBox* winRateEvery = nullptr;
    QSpinBox* winRatePrompts = nullptr;

    // Shows the config's values. The method, model kind, template, reference, decay and judge
    // combos select what the config names (an unknown method, dtype, logits head or judge is added,
    // so that the problems list can name it); the workspace's lists are the pane's to fill.
    void show(const train::RunConfig& config);
    // `base` with the fields' values: settings the form does not show are kept as they are there.
    [[nodiscard]] train::RunConfig read(const train::RunConfig& base) const;
};

}  // namespace ladder::ui
