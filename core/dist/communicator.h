// The processes of a data-parallel run talking to each other through LibTorch's c10d: a TCPStore
// on rank 0 for the rendezvous, then a Gloo process group on the CPU or an NCCL one on CUDA
// (the engine torch.distributed runs on). Every collective waits at most the world's timeout;
// one that fails or times out throws ladder::Error naming the ranks that did not arrive.
// No c10d header here: they need Gloo's and NCCL's headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/dist/world.h"

namespace ladder::dist {

class Communicator {
public:
    // Meets the other processes (rank 0 hosts the rendezvous at masterAddr:masterPort) and makes
    // the process group of `device` (backendFor). Waits up to world.timeout for them.
    static std::unique_ptr<Communicator> connect(const WorldSpec& world, const std::string& device);
    virtual ~Communicator();

    [[nodiscard]] const WorldSpec& world() const { return m_world; }
    [[nodiscard]] int rank() const { return m_world.rank; }
    [[nodiscard]] int size() const { return m_world.worldSize; }
    [[nodiscard]] const std::string& backend() const { return m_backend; }

    // Gradients summed over the processes and divided by their number, in place, flattened into
    // buckets of at most bucketBytes (each bucket one all-reduce). Undefined ones count as zero.
    void averageGradients(std::vector<torch::Tensor> grads, std::int64_t bucketBytes = 25 << 20);
    // Rank 0's values into these tensors on every process (a run's starting weights, as
    // DistributedDataParallel broadcasts its module's), in buckets.
    void broadcastTensors(std::vector<torch::Tensor> tensors, std::int64_t bucketBytes = 25 << 20);
    // The sums over all processes, element by element.
    [[nodiscard]] std::vector<double> sum(const std::vector<double>& values);
    // Every process's values (the same count on each), rank 0's first.
    [[nodiscard]] std::vector<double> gather(const std::vector<double>& values);
    // Rank 0's values, on every process.
    [[nodiscard]] std::vector<double> broadcast(const std::vector<double>& values);
    // Throws naming the ranks whose value differs from rank 0's ("the weights after step 20").
    void checkSame(std::uint64_t value, const std::string& what);
    // Waits for every process, up to `timeout` (longer than the world's: rank 0 alone writing a
    // checkpoint or judging answers).
    void barrier(std::chrono::seconds timeout);

    // Bytes this process sent into all-reduces so far (its gradients' and the metrics').
    [[nodiscard]] std::int64_t bytesReduced() const { return m_bytesReduced; }

    // What the process is at, for the message of a failure: "step 12", "the evaluation at step
    // 50". Told to the others too (through the store), so that a rank waiting for this one says
    // what it was doing.
    void setActivity(std::string activity);

    struct Impl;

private:
    Communicator(WorldSpec world, std::string backend, std::unique_ptr<Impl> impl);
    // Runs one collective: marks this process as arrived at it, waits, and turns a failure into
    // an Error naming the ranks that were not there.
    template <typename F>
    void collective(const char* what, F&& run);
    [[nodiscard]] std::string whoIsMissing(std::int64_t sequence);
    // Flattens consecutive tensors of one dtype into buckets of at most bucketBytes, lets `each`
    // change a bucket in place, and copies it back into the tensors.
    template <typename F>
    void inBuckets(std::vector<torch::Tensor>& tensors, std::int64_t bucketBytes, F&& each);

    WorldSpec m_world;
    std::string m_backend;
    std::unique_ptr<Impl> m_impl;
    std::int64_t m_sequence = 0;  // collectives started, the same count on every process
    std::int64_t m_bytesReduced = 0;
    std::string m_activity = "setting up";
};

}  // namespace ladder::dist
