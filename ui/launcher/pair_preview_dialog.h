// The launcher's "Preview Pair": training pairs of the form's data as the model will read them,
// through the form's model (its tokenizer and chat template) and template: the rendered prompt,
// every token of the prompt and both answers after the length caps, special tokens marked and
// the tokens that carry loss coloured. It runs the trainer's own tokenization (format::TextFormat
// through train::previewPair), so what it shows is what a run trains on.
#pragma once

#include <memory>
#include <vector>

#include <QDialog>

#include "core/pairs/training_pairs.h"
#include "core/train/run_config.h"

class QLabel;
class QPushButton;
class QTextBrowser;

namespace ladder::format {
class TextFormat;
}
namespace ladder::tokenizer {
class Tokenizer;
}

namespace ladder::ui {

class RunsBridge;

class PairPreviewDialog final : public QDialog {
    Q_OBJECT
public:
    // Reads the tokenizer and the first pairs of the config's data at once; what fails (no such
    // model folder, no pairs, a template that refuses a conversation) is shown in the dialog.
    PairPreviewDialog(RunsBridge* bridge, const train::RunConfig& config, QWidget* parent = nullptr);
    ~PairPreviewDialog() override;

    [[nodiscard]] int pairCount() const { return static_cast<int>(m_pairs.size()); }
    [[nodiscard]] int current() const { return m_index; }
    void showPair(int index);
    // The shown page as plain text (tests, and Copy).
    [[nodiscard]] QString text() const;

    static constexpr std::size_t kMaxPairs = 200;

private:
    void showError(const QString& message);

    train::RunConfig m_config;
    std::shared_ptr<tokenizer::Tokenizer> m_tokenizer;
    std::shared_ptr<format::TextFormat> m_format;
    std::vector<pairs::TrainingPair> m_pairs;
    int m_index = -1;
    QLabel* m_header = nullptr;
    QTextBrowser* m_view = nullptr;
    QPushButton* m_previous = nullptr;
    QPushButton* m_next = nullptr;
};

}  // namespace ladder::ui
