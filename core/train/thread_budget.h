// How many CPU threads a training run takes on this machine. Two runs that each take every core
// run several times slower together than one after the other (3 min 04 s each against 21 s alone
// on 2 cores), so a run with threads = 0 (auto) takes the cores no other Ladder run of this user
// claims, and says so. Each run claims its threads with a lock file in a per-user folder
// (<runtime dir>/ladder/threads/); the kernel drops a claim when its process ends, however it ends.
// No LibTorch here: the launcher asks it too.
#pragma once

#include <string>

namespace ladder::train {

struct ThreadUse {
    int cores = 1;         // usable by this process (its CPU affinity)
    int otherRuns = 0;     // other Ladder runs training on this machine now
    int otherThreads = 0;  // the threads they claim
};

// What the other runs of this user on this machine use now.
[[nodiscard]] ThreadUse threadUse();

// "1 other Ladder run uses 2 of the 2 cores" (empty when no other run trains).
[[nodiscard]] std::string describeOtherRuns(const ThreadUse& use);

class ThreadClaim {
public:
    ThreadClaim() = default;
    ~ThreadClaim();
    ThreadClaim(ThreadClaim&& other) noexcept;
    ThreadClaim& operator=(ThreadClaim&& other) noexcept;
    ThreadClaim(const ThreadClaim&) = delete;
    ThreadClaim& operator=(const ThreadClaim&) = delete;

    // Chooses the threads (`configured`, or for 0 the cores the other runs leave free, at least
    // one) and claims them until this object goes away. Never throws: without a place for the
    // claim file it still chooses, and only cannot be seen by others.
    [[nodiscard]] static ThreadClaim make(int configured);

    [[nodiscard]] int threads() const { return m_threads; }
    // What a user should be told: the other runs and what this run took ("" when alone).
    [[nodiscard]] const std::string& note() const { return m_note; }

private:
    void drop();  // gives the claim up

    int m_threads = 1;
    int m_fd = -1;
    std::string m_file;
    std::string m_note;
};

}  // namespace ladder::train
