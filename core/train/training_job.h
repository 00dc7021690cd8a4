// A training run on its own thread: start it, send it commands (pause, resume, stop, checkpoint
// now: atomics the worker checks between steps), and read what it reports from its event queue.
// No LibTorch here: the window and the CLI hold jobs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/dist/world.h"
#include "core/train/event_queue.h"
#include "core/train/run_config.h"

namespace ladder::train {

struct JobRequest {
    std::string workspacePath;
    RunConfig config;              // the configuration of a new run
    std::int64_t resumeRunId = 0;  // > 0: continue that run from its latest checkpoint instead
    // The user on this machine approved the program the config's win-rate judge runs
    // (judgeProgram()): they named it on the command line or confirmed it in the window. A run
    // whose judge runs a program without this fails before it runs anything.
    bool judgeProgramApproved = false;
    bool withoutWinRate = false;  // leave the config's win rate out (not stored in the run)
    // This process's place in a data-parallel run (ladder-cli train --nproc-per-node, torchrun,
    // SLURM); one process by default. Rank 0 makes or resumes the run and alone writes the
    // workspace; the others follow it.
    dist::WorldSpec world;
};

// What the owner of a job and the worker share.
struct TrainingControls {
    std::atomic<bool> stopRequested{false};
    std::atomic<bool> pauseRequested{false};
    std::atomic<bool> checkpointRequested{false};
    std::atomic<std::int64_t> runId{0};
    std::mutex mutex;  // with wake: a paused worker sleeps until resumed or stopped
    std::condition_variable wake;
};

// The worker's entry point (core/train/trainer.cpp). Never throws: failures become a Failed event
// and the run's status in the workspace.
void runTraining(const JobRequest& request, TrainingControls& controls, EventQueue& events);

class TrainingJob {
public:
    explicit TrainingJob(JobRequest request, std::size_t queueCapacity = 4096);
    ~TrainingJob();  // stops the run (it writes a checkpoint) and waits for the thread
    TrainingJob(const TrainingJob&) = delete;
    TrainingJob& operator=(const TrainingJob&) = delete;

    void start();
    void pause();
    void resume();
    void stop();           // takes effect within one step; the run writes a checkpoint first
    void checkpointNow();  // a checkpoint after the current step
    void wait();           // until the worker thread has ended

    [[nodiscard]] bool isRunning() const { return m_running.load(); }
    [[nodiscard]] bool isPaused() const { return m_controls->pauseRequested.load(); }
    [[nodiscard]] std::int64_t runId() const { return m_controls->runId.load(); }
    [[nodiscard]] const JobRequest& request() const { return m_request; }
    [[nodiscard]] EventQueue& events() { return *m_events; }

private:
    JobRequest m_request;
    std::shared_ptr<TrainingControls> m_controls;
    std::shared_ptr<EventQueue> m_events;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

}  // namespace ladder::train
