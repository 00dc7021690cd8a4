#include "ui/chat/chat_pane.h"

#include <algorithm>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "ui/bridge/chat_engine.h"
#include "ui/bridge/source_generation_job.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {
namespace {

constexpr int kFolderItem = -1;  // the combo's "Model folder..." entry

QString turnHtml(const QString& role, const QString& text, const QString& colour) {
    return QStringLiteral("<p style=\"margin:6px 0\"><b style=\"color:%1\">%2</b><br>%3</p>")
        .arg(colour, role.toHtmlEscaped(), text.toHtmlEscaped().replace('\n', QStringLiteral("<br>")));
}

}  // namespace

ChatPane::ChatPane(WorkspaceSession* session, QWidget* parent) : QWidget(parent), m_session(session) {
    setObjectName("chatPane");
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter = splitter;
    splitter->addWidget(buildSide(0));
    m_right = buildSide(1);
    splitter->addWidget(m_right);

    m_message = new QPlainTextEdit(this);
    m_message->setObjectName("chatMessage");
    m_message->setPlaceholderText(tr("A message (Ctrl+Return sends it)"));
    m_message->setMaximumHeight(90);
    m_send = new QPushButton(tr("&Send"), this);
    m_send->setObjectName("chatSend");
    m_send->setToolTip(tr("Send the message to the model, and to the second one when comparing (Ctrl+Return)"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName("chatStop");
    auto* clear = new QPushButton(tr("New Conversation"), this);
    clear->setObjectName("chatClear");
    m_compare = new QCheckBox(tr("Compare with a second model"), this);
    m_compare->setObjectName("chatCompare");
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setObjectName("chatTemperature");
    m_temperature->setRange(0, 2);
    m_temperature->setSingleStep(0.1);
    m_temperature->setSpecialValueText(tr("greedy"));
    m_temperature->setToolTip(tr("0: the most likely token each time (the same answer every "
                                 "time); above 0: sampled"));
    m_topP = new QDoubleSpinBox(this);
    m_topP->setObjectName("chatTopP");
    m_topP->setRange(0.05, 1);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(1.0);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setObjectName("chatMaxTokens");
    m_maxTokens->setRange(1, 8192);
    m_maxTokens->setValue(128);
    m_status = new QLabel(this);
    m_status->setObjectName("chatStatus");
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* settings = new QHBoxLayout;
    settings->addWidget(m_compare);
    settings->addSpacing(12);
    settings->addWidget(new QLabel(tr("Temperature"), this));
    settings->addWidget(m_temperature);
    settings->addWidget(new QLabel(tr("Top-p"), this));
    settings->addWidget(m_topP);
    settings->addWidget(new QLabel(tr("Max tokens"), this));
    settings->addWidget(m_maxTokens);
    settings->addWidget(m_status, 1);
    auto* input = new QHBoxLayout;
    input->addWidget(m_message, 1);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(m_send);
    buttons->addWidget(m_stop);
    buttons->addWidget(clear);
    input->addLayout(buttons);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(settings);
    layout->addLayout(input);

    auto* sendAction = new QAction(tr("Send"), this);
    sendAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    sendAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    sendAction->setProperty("shortcutArea", tr("Chat"));
    addAction(sendAction);
    connect(sendAction, &QAction::triggered, this, [this] { send(); });
    connect(m_send, &QPushButton::clicked, this, [this] { send(); });
    connect(m_stop, &QPushButton::clicked, this, &ChatPane::stop);
    connect(clear, &QPushButton::clicked, this, &ChatPane::clearConversations);
    connect(m_compare, &QCheckBox::toggled, this, &ChatPane::setCompare);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, &ChatPane::updateButtons);
    connect(m_session, &WorkspaceSession::opened, this, [this] {
        clearConversations();
        reloadModels();
    });
    connect(m_session, &WorkspaceSession::contentsChanged, this, &ChatPane::reloadModels);
    setCompare(false);
    reloadModels();
}

QWidget* ChatPane::buildSide(int index) {
    Side& side = m_sides[index];
    auto* box = new QWidget(this);
    side.model = new QComboBox(box);
    side.model->setObjectName(index == 0 ? "chatModelLeft" : "chatModelRight");
    side.model->setToolTip(tr("A finished run's latest checkpoint, or a Hugging Face model folder"));
    side.view = new QTextBrowser(box);
    side.view->setObjectName(index == 0 ? "chatViewLeft" : "chatViewRight");
    side.info = new QLabel(box);
    side.info->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    side.engine = new ChatEngine(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(side.model);
    layout->addWidget(side.view, 1);
    layout->addWidget(side.info);
    connect(side.model, &QComboBox::activated, this, [this, index](int row) {
        Side& s = m_sides[index];
        if (s.model->itemData(row).toLongLong() != kFolderItem) return;
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Model Folder"));
        if (!folder.isEmpty()) chooseFolder(index, folder);
    });
    connect(side.engine, &ChatEngine::partial, this, [this, index](const QString& text) {
        m_sides[index].streaming = text;
        render(index);
    });
    connect(side.engine, &ChatEngine::finished, this,
            [this, index](bool ok, const QString& text, const QString& info) {
                Side& s = m_sides[index];
                s.busy = false;
                s.streaming.clear();
                if (ok) {
                    s.messages.push_back({"assistant", text.toStdString()});
                    s.info->setText(info);
                } else {
                    s.messages.pop_back();  // the user's turn goes back to the message box
                    s.info->setText(tr("Failed: %1").arg(text));
                }
                render(index);
                updateButtons();
            });
    return box;
}

void ChatPane::reloadModels() {
    for (auto& side : m_sides) {
        const QVariant current = side.model->currentData();
        const QString folder = side.model->currentData(Qt::ToolTipRole).toString();
        side.model->clear();
        for (const auto& run : finishedRuns(m_session)) {
            side.model->addItem(run.label, static_cast<qlonglong>(run.id));
        }
        if (current.toLongLong() == 0 && !folder.isEmpty()) {
            side.model->addItem(QFileInfo(folder).fileName(), 0LL);
            side.model->setItemData(side.model->count() - 1, folder, Qt::ToolTipRole);
        }
        side.model->addItem(tr("Model folder..."), static_cast<qlonglong>(kFolderItem));
        const int again = current.isValid() ? side.model->findData(current) : -1;
        side.model->setCurrentIndex(again >= 0 && current.toLongLong() != kFolderItem ? again : 0);
    }
    updateButtons();
}

void ChatPane::chooseRun(int side, std::int64_t runId) {
    auto* combo = m_sides[side].model;
    const int row = combo->findData(static_cast<qlonglong>(runId));
    if (row >= 0) combo->setCurrentIndex(row);
    updateButtons();
}

void ChatPane::chooseNewestRuns() {
    const auto runs = finishedRuns(m_session);
    std::vector<std::int64_t> ids;
    for (const auto& r : runs) ids.push_back(r.id);
    std::sort(ids.rbegin(), ids.rend());
    for (int side = 0; side < 2 && side < static_cast<int>(ids.size()); ++side) chooseRun(side, ids[side]);
}

void ChatPane::chooseFolder(int side, const QString& folder) {
    auto* combo = m_sides[side].model;
    combo->insertItem(combo->count() - 1, QFileInfo(folder).fileName(), 0LL);
    combo->setItemData(combo->count() - 2, folder, Qt::ToolTipRole);
    combo->setCurrentIndex(combo->count() - 2);
    updateButtons();
}

void ChatPane::setCompare(bool on) {
    if (m_compare->isChecked() != on) m_compare->setChecked(on);
    m_right->setVisible(on);
    if (on) m_splitter->setSizes({1, 1});  // half each
    updateButtons();
}

bool ChatPane::send() {
    const QString text = m_message->toPlainText().trimmed();
    const auto refuse = [this](const QString& why) {
        m_status->setText(why);
        return false;
    };
    if (!m_session->isOpen()) return refuse(tr("Open a workspace first."));
    if (text.isEmpty()) return refuse(tr("Write a message first."));
    const int sides = m_compare->isChecked() ? 2 : 1;
    for (int i = 0; i < sides; ++i) {
        if (m_sides[i].busy) return refuse(tr("An answer is in progress: wait for it, or Stop."));
        const qlonglong id = m_sides[i].model->currentData().toLongLong();
        if (id == kFolderItem || (id == 0 && m_sides[i].model->currentData(Qt::ToolTipRole).toString().isEmpty())) {
            return refuse(tr("Choose a model (a finished run, or a model folder) first."));
        }
    }
    for (int i = 0; i < sides; ++i) {
        Side& s = m_sides[i];
        ChatRequest request;
        request.workspacePath = m_session->path();
        request.runId = s.model->currentData().toLongLong();
        if (request.runId == 0) request.modelDir = s.model->currentData(Qt::ToolTipRole).toString();
        s.messages.push_back({"user", text.toStdString()});
        request.messages = s.messages;
        request.temperature = m_temperature->value();
        request.topP = m_topP->value();
        request.maxNewTokens = m_maxTokens->value();
        QString error;
        if (!s.engine->ask(request, &error)) {
            s.messages.pop_back();
            return refuse(error);
        }
        s.busy = true;
        s.info->setText(tr("Answering..."));
        render(i);
    }
    m_message->clear();
    m_status->clear();
    updateButtons();
    return true;
}

void ChatPane::stop() {
    for (auto& side : m_sides) side.engine->stop();
}

void ChatPane::clearConversations() {
    for (int i = 0; i < 2; ++i) {
        if (m_sides[i].busy) continue;
        m_sides[i].messages.clear();
        m_sides[i].info->clear();
        render(i);
    }
}

QString ChatPane::transcript(int side) const { return m_sides[side].view->toPlainText(); }

void ChatPane::render(int index) {
    Side& s = m_sides[index];
    QString html;
    for (const auto& m : s.messages) {
        const bool user = m.role == "user";
        html += turnHtml(user ? tr("You") : tr("Model"), QString::fromStdString(m.content),
                         user ? QStringLiteral("#1565c0") : QStringLiteral("#2e7d32"));
    }
    if (s.busy) html += turnHtml(tr("Model"), s.streaming + QChar(0x258F), QStringLiteral("#2e7d32"));
    s.view->setHtml(html);
    s.view->verticalScrollBar()->setValue(s.view->verticalScrollBar()->maximum());
}

void ChatPane::updateButtons() {
    const bool busy = m_sides[0].busy || m_sides[1].busy;
    m_send->setEnabled(m_session->isOpen() && !busy);
    m_stop->setEnabled(busy);
    m_topP->setEnabled(m_temperature->value() > 0);
}

}  // namespace ladder::ui
