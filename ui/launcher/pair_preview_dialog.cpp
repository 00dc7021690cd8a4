#include "ui/launcher/pair_preview_dialog.h"

#include <algorithm>

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/format/text_format.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/pair_preview.h"
#include "ui/bridge/runs_bridge.h"

namespace ladder::ui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// One token as HTML: a shaded box (alternating, so that boundaries show), special tokens bold,
// newlines as a visible mark and a line break.
QString tokenHtml(const train::TokenPiece& piece, bool odd) {
    QString text = q(piece.text).toHtmlEscaped();
    text.replace(QLatin1Char('\n'), QStringLiteral("\u21b5<br>"));
    text.replace(QLatin1Char('\t'), QStringLiteral("\u21e5"));
    const char* background = piece.loss ? (odd ? "#b9e4c3" : "#d7f0dc") : (odd ? "#dcdcdc" : "#efefef");
    QString style = QStringLiteral("background-color:%1;").arg(QLatin1String(background));
    if (piece.special) style += QStringLiteral("color:#8a2c0d;font-weight:bold;");
    return QStringLiteral("<span style=\"%1\" title=\"id %2\">%3</span>")
        .arg(style)
        .arg(piece.id)
        .arg(text.isEmpty() ? QStringLiteral("\u2205") : text);
}

QString tokensHtml(const std::vector<train::TokenPiece>& pieces) {
    QString out;
    for (std::size_t i = 0; i < pieces.size(); ++i) out += tokenHtml(pieces[i], i % 2 == 1);
    return QStringLiteral("<div style=\"white-space:pre-wrap;font-family:monospace\">%1</div>")
        .arg(out);
}

int specialCount(const std::vector<train::TokenPiece>& pieces) {
    int n = 0;
    for (const auto& p : pieces) n += p.special ? 1 : 0;
    return n;
}

}  // namespace

PairPreviewDialog::PairPreviewDialog(RunsBridge* bridge, const train::RunConfig& config, QWidget* parent)
    : QDialog(parent), m_config(config) {
    setObjectName("pairPreviewDialog");
    setWindowTitle(tr("Pairs as the Model Reads Them"));
    m_header = new QLabel(this);
    m_header->setObjectName("pairPreviewHeader");
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view = new QTextBrowser(this);
    m_view->setObjectName("pairPreviewView");
    m_previous = new QPushButton(tr("Previous"), this);
    m_next = new QPushButton(tr("Next"), this);
    m_previous->setObjectName("pairPreviewPrevious");
    m_next->setObjectName("pairPreviewNext");
    m_previous->setToolTip(tr("The previous pair (Page Up)"));
    m_next->setToolTip(tr("The next pair (Page Down)"));
    auto* legend = new QLabel(
        tr("<span style=\"background-color:#e6e6e6\">&nbsp;prompt: no loss&nbsp;</span> "
           "<span style=\"background-color:#c8eacf\">&nbsp;answer: loss&nbsp;</span> "
           "<span style=\"color:#8a2c0d;font-weight:bold\">special token</span> &middot; "
           "shades alternate at token boundaries; hover a token for its id"),
        this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* nav = new QHBoxLayout;
    nav->addWidget(m_previous);
    nav->addWidget(m_next);
    nav->addWidget(legend, 1);
    nav->addWidget(buttons);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    layout->addLayout(nav);
    resize(860, 620);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_previous, &QPushButton::clicked, this, [this] { showPair(m_index - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { showPair(m_index + 1); });
    new QShortcut(QKeySequence(Qt::Key_PageUp), this, [this] { showPair(m_index - 1); });
    new QShortcut(QKeySequence(Qt::Key_PageDown), this, [this] { showPair(m_index + 1); });

    QString error;
    auto data = bridge->pairPreview(config, kMaxPairs, &error);
    if (!data) {
        showError(error);
        return;
    }
    m_tokenizer = std::move(data->tokenizer);
    m_format = std::move(data->format);
    m_pairs = std::move(data->pairs);
    if (m_pairs.empty()) {
        showError(tr("The form's data has no training pairs: choose a ladder with pairs (or an "
                     "imported pairs dataset)."));
        return;
    }
    showPair(0);
}

PairPreviewDialog::~PairPreviewDialog() = default;

void PairPreviewDialog::showError(const QString& message) {
    m_header->setText(tr("No preview: %1").arg(message.toHtmlEscaped()));
    m_view->clear();
    m_previous->setEnabled(false);
    m_next->setEnabled(false);
}

void PairPreviewDialog::showPair(int index) {
    if (m_pairs.empty() || !m_format) return;
    index = std::clamp(index, 0, pairCount() - 1);
    m_index = index;
    m_previous->setEnabled(index > 0);
    m_next->setEnabled(index + 1 < pairCount());
    const pairs::TrainingPair& pair = m_pairs[static_cast<std::size_t>(index)];
    train::PairPreview preview;
    try {
        preview = train::previewPair(pair, *m_format, *m_tokenizer,
                                     train::LengthCaps{m_config.data.maxLength,
                                                       m_config.data.maxPromptLength});
    } catch (const std::exception& e) {
        m_header->setText(tr("Pair %1 of %2 (id %3): %4")
                              .arg(index + 1)
                              .arg(pairCount())
                              .arg(pair.pairId)
                              .arg(q(e.what()).toHtmlEscaped()));
        m_view->clear();
        return;
    }
    const QString more = pairCount() == static_cast<int>(kMaxPairs) ? tr(" (the first %1)").arg(kMaxPairs)
                                                                    : QString();
    m_header->setText(tr("Pair %1 of %2%3 &middot; id %4 &middot; tier %5%6 &middot; %7 &middot; "
                         "tokenizer %8")
                          .arg(index + 1)
                          .arg(pairCount())
                          .arg(more)
                          .arg(pair.pairId)
                          .arg(q(pair.tier).toHtmlEscaped())
                          .arg(pair.messages.empty()
                                   ? QString()
                                   : tr(" &middot; a conversation of %1 messages")
                                         .arg(pair.messages.size()))
                          .arg(q(preview.format).toHtmlEscaped())
                          .arg(q(m_tokenizer->source()).toHtmlEscaped()));
    const auto section = [](const QString& title, const std::vector<train::TokenPiece>& pieces,
                            const QString& note) {
        return QStringLiteral("<h4>%1 &mdash; %2</h4>%3")
                   .arg(title, note, tokensHtml(pieces));
    };
    QString html;
    html += section(tr("Prompt"), preview.prompt,
                    tr("%1 tokens (%2 special), no loss%3")
                        .arg(preview.prompt.size())
                        .arg(specialCount(preview.prompt))
                        .arg(preview.promptCut ? tr("; its start was cut to %1 tokens (max prompt "
                                                    "length)")
                                                     .arg(m_config.data.maxPromptLength)
                                               : QString()));
    const QString cut = preview.answerCut
                            ? tr("; cut at the end to fit %1 tokens (max length)")
                                  .arg(m_config.data.maxLength)
                            : QString();
    html += section(tr("Chosen"), preview.chosen,
                    tr("%1 tokens carry loss%2").arg(preview.chosen.size()).arg(cut));
    html += section(tr("Rejected"), preview.rejected,
                    tr("%1 tokens carry loss%2").arg(preview.rejected.size()).arg(cut));
    m_view->setHtml(html);
}

QString PairPreviewDialog::text() const {
    QTextDocument header;
    header.setHtml(m_header->text());
    return header.toPlainText() + QLatin1Char('\n') + m_view->toPlainText();
}

}  // namespace ladder::ui
