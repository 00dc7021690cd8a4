#include "core/train/training_job.h"

#include "core/common/error.h"

namespace ladder::train {

TrainingJob::TrainingJob(JobRequest request, std::size_t queueCapacity)
    : m_request(std::move(request)),
      m_controls(std::make_shared<TrainingControls>()),
      m_events(std::make_shared<EventQueue>(queueCapacity)) {}

TrainingJob::~TrainingJob() {
    stop();
    wait();
}

void TrainingJob::start() {
    if (m_thread.joinable()) throw Error("this training job was already started");
    m_running = true;
    // The thread holds its own references: the job object may be destroyed first only through the
    // destructor, which joins.
    m_thread = std::thread([request = m_request, controls = m_controls, events = m_events,
                            running = &m_running] {
        runTraining(request, *controls, *events);
        running->store(false);
    });
}

void TrainingJob::pause() { m_controls->pauseRequested = true; }

void TrainingJob::resume() {
    {
        std::lock_guard lock(m_controls->mutex);
        m_controls->pauseRequested = false;
    }
    m_controls->wake.notify_all();
}

void TrainingJob::stop() {
    {
        std::lock_guard lock(m_controls->mutex);
        m_controls->stopRequested = true;
    }
    m_controls->wake.notify_all();
}

void TrainingJob::checkpointNow() { m_controls->checkpointRequested = true; }

void TrainingJob::wait() {
    if (m_thread.joinable()) m_thread.join();
}

}  // namespace ladder::train
