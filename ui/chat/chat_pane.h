// The Chat pane (issue 16): talk to a run's checkpoint or a model folder through its chat
// template, the answer streamed token by token; a second model beside it answers the same message
// (each keeps its own conversation). Greedy by default; temperature and top-p sample. What
// `ladder-cli generate-source` does for a prompt set, here for a conversation.
#pragma once

#include <vector>

#include <QWidget>

#include "core/data/conversation.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTextBrowser;

namespace ladder::ui {

class ChatEngine;
class WorkspaceSession;

class ChatPane final : public QWidget {
    Q_OBJECT
public:
    explicit ChatPane(WorkspaceSession* session, QWidget* parent = nullptr);

    // The model of a side (0 left, 1 right): a run of the workspace, or a folder.
    void chooseRun(int side, std::int64_t runId);
    void chooseFolder(int side, const QString& folder);
    // The two newest finished runs, the newest on the left (the SFT and DPO runs of a study).
    void chooseNewestRuns();
    void setCompare(bool on);
    // Sends the message box's text to the model(s); false (with the reason in the status line)
    // when it cannot.
    bool send();
    void stop();
    void clearConversations();

    [[nodiscard]] ChatEngine* engine(int side) const { return m_sides[side].engine; }
    // A side's conversation, the streamed answer in progress last.
    [[nodiscard]] const std::vector<data::Message>& conversation(int side) const {
        return m_sides[side].messages;
    }
    [[nodiscard]] QString transcript(int side) const;

private:
    struct Side {
        QComboBox* model = nullptr;
        QTextBrowser* view = nullptr;
        QLabel* info = nullptr;
        ChatEngine* engine = nullptr;
        std::vector<data::Message> messages;
        QString streaming;  // the answer in progress
        bool busy = false;
    };
    QWidget* buildSide(int side);
    void reloadModels();
    void render(int side);
    void updateButtons();

    WorkspaceSession* m_session;
    Side m_sides[2];
    QSplitter* m_splitter = nullptr;
    QWidget* m_right = nullptr;
    QCheckBox* m_compare = nullptr;
    QPlainTextEdit* m_message = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QPushButton* m_send = nullptr;
    QPushButton* m_stop = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace ladder::ui
