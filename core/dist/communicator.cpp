#include "core/dist/communicator.h"

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
#include <torch/version.h>
#ifdef LADDER_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "core/common/error.h"
#include "core/common/log.h"

namespace ladder::dist {
namespace {

#if TORCH_VERSION_MAJOR >= 2
using Group = c10d::Backend;
#else
using Group = c10d::ProcessGroup;
#endif

auto logger() { return log::get("dist"); }

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

bool isLoopback(const std::string& address) {
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

std::vector<std::uint8_t> bytesOf(const std::string& text) { return {text.begin(), text.end()}; }

}  // namespace

// What the pulse thread publishes, shared with it: it may outlive the Communicator (detached, when
// the store stopped answering), so it holds no pointer into it.
struct PulseState {
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::string where;  // "<collective number> at <activity>", published with each pulse
    std::atomic<bool> done{false};
};

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<Group> group;
    torch::Device device{torch::kCPU};
    // Every half second a thread of its own (with its own store connection) adds a pulse and
    // publishes where this process is. The training thread never waits on the store: LibTorch
    // 1.13's TCPStore server stops answering everyone when a client stops in the middle of a
    // message (a rank SIGSTOPped), and a process that hangs stops pulsing, though it may have
    // arrived at the collective the others wait in.
    std::shared_ptr<PulseState> state = std::make_shared<PulseState>();
    std::thread pulse;

    ~Impl() {
        {
            const std::lock_guard lock(state->mutex);
            state->stopping = true;
        }
        state->wake.notify_all();
        if (!pulse.joinable()) return;
        // A store that stopped answering must not keep this process from ending.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (!state->done && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (state->done) {
            pulse.join();
        } else {
            pulse.detach();
        }
    }

    void publish(std::string where) {
        {
            const std::lock_guard lock(state->mutex);
            state->where = std::move(where);
        }
        state->wake.notify_all();
    }

    void startPulse(const WorldSpec& world) {
        pulse = std::thread([state = state, world] {
            try {
                c10d::TCPStoreOptions options;
                options.port = static_cast<std::uint16_t>(world.masterPort);
                options.isServer = false;
                options.waitWorkers = false;
                options.timeout = std::chrono::seconds(10);
                auto own = c10::make_intrusive<c10d::TCPStore>(world.masterAddr, options);
                const std::string alive = "ladder/alive/" + std::to_string(world.rank);
                const std::string at = "ladder/at/" + std::to_string(world.rank);
                std::string published;
                std::unique_lock lock(state->mutex);
                for (;;) {
                    const std::string where = state->where;
                    const bool stopping = state->stopping;
                    lock.unlock();
                    // The last place is published too: a rank that leaves right after a
                    // collective (even before this thread reached the store) is then named
                    // where it was, not as one that never arrived.
                    if (where != published) {
                        own->set(at, bytesOf(where));
                        published = where;
                    }
                    if (stopping) break;
                    own->add(alive, 1);
                    lock.lock();
                    // Woken early by a new place, so that the others see it within milliseconds.
                    state->wake.wait_for(lock, std::chrono::milliseconds(500), [&] {
                        return state->stopping || state->where != published;
                    });
                }
            } catch (const std::exception&) {
                // Rank 0's store is gone: the collectives say so.
            }
            state->done = true;
        });
    }
};

namespace {

// What the store says of the ranks that did not arrive at collective `sequence` (whoIsMissing).
// A function of its own, holding the store: it may outlive the Communicator when the store hangs.
std::string readWhoIsMissing(const c10::intrusive_ptr<c10d::Store>& store, const WorldSpec& world,
                             std::int64_t sequence) {
    const int rank = world.rank;
    const int size = world.worldSize;
    std::string missing;
    try {
        store->setTimeout(std::chrono::seconds(5));
        for (int r = 0; r < size; ++r) {
            if (r == rank) continue;
            const std::string key = "ladder/at/" + std::to_string(r);
            // A rank that left at once may publish its last place a moment after the others
            // failed (its pulse thread was still connecting): a little time for it.
            bool known = store->check({key});
            for (int wait = 0; !known && wait < 20; ++wait) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                known = store->check({key});
            }
            if (!known) {
                missing += "; rank " + std::to_string(r) + " never arrived";
                continue;
            }
            const auto bytes = store->get(key);
            const std::string at(bytes.begin(), bytes.end());
            const auto space = at.find(' ');
            const std::int64_t itsSequence = std::atoll(at.substr(0, space).c_str());
            if (itsSequence < sequence) {
                missing += "; rank " + std::to_string(r) + " did not arrive: it was last " +
                           (space == std::string::npos ? at : at.substr(space + 1)) +
                           " (stopped, hung, or slower than the timeout)";
            }
        }
    } catch (const std::exception&) {
        if (rank != 0) {
            return "Rank 0 (it holds the rendezvous at " + world.masterAddr + ":" +
                   std::to_string(world.masterPort) + ") cannot be reached: it has stopped.";
        }
    }
    if (missing.empty()) {
        // All arrived: the one that stopped pulsing hangs, or died, during the collective.
        try {
            const auto pulses = [&] {
                std::vector<std::int64_t> counts(static_cast<std::size_t>(size), -1);
                for (int r = 0; r < size; ++r) {
                    const std::string key = "ladder/alive/" + std::to_string(r);
                    if (r != rank && store->check({key})) {
                        counts[static_cast<std::size_t>(r)] = store->add(key, 0);
                    }
                }
                return counts;
            };
            const auto before = pulses();
            std::this_thread::sleep_for(std::chrono::seconds(2));
            const auto after = pulses();
            for (int r = 0; r < size; ++r) {
                const auto i = static_cast<std::size_t>(r);
                if (r != rank && before[i] == after[i]) {
                    missing += "; rank " + std::to_string(r) +
                               " has stopped answering: it arrived, then died or hung";
                }
            }
        } catch (const std::exception&) {
        }
    }
    if (missing.empty()) {
        return "Every other rank had arrived and still answers: one of them failed during it.";
    }
    missing[2] = static_cast<char>(std::toupper(static_cast<unsigned char>(missing[2])));
    return missing.substr(2) + ".";
}


}  // namespace

Communicator::Communicator(WorldSpec world, std::string backend, std::unique_ptr<Impl> impl)
    : m_world(std::move(world)), m_backend(std::move(backend)), m_impl(std::move(impl)) {}

Communicator::~Communicator() = default;

std::unique_ptr<Communicator> Communicator::connect(const WorldSpec& world, const std::string& device) {
    const std::string where = world.masterAddr + ":" + std::to_string(world.masterPort);
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(world.timeout);
    auto impl = std::make_unique<Impl>();
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(world.masterPort);
    options.isServer = world.rank == 0;
    options.numWorkers = static_cast<std::size_t>(world.worldSize);
    options.waitWorkers = true;
    options.timeout = timeout;
    try {
        impl->store = c10::make_intrusive<c10d::TCPStore>(world.masterAddr, options);
    } catch (const std::exception& e) {
        const std::string cause = firstLine(e.what());
        if (world.rank == 0) {
            throw Error(world.describe() + ": the rendezvous at " + where + " failed (" + cause +
                        "): either the port is taken (choose another --master-port) or not all " +
                        std::to_string(world.worldSize) + " processes joined within " +
                        std::to_string(world.timeout.count()) + " s");
        }
        throw Error(world.describe() + ": could not reach rank 0 at " + where + " within " +
                    std::to_string(world.timeout.count()) + " s (" + cause +
                    "): is rank 0 started, and is that port open between the machines?");
    }
    std::string backend = backendFor(device);
    try {
        if (backend == "nccl") {
#ifdef LADDER_WITH_NCCL
            auto nccl = c10d::ProcessGroupNCCL::Options::create();
            nccl->timeout = timeout;
            impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, world.rank,
                                                                     world.worldSize, nccl);
            impl->device = torch::Device(device);
#else
            throw Error("this ladder-cli was built without NCCL (a LibTorch without CUDA): a "
                        "several-process run on CUDA needs the PyPI LibTorch build");
#endif
        } else {
            auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
            if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name && *name) {
                gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
            } else if (isLoopback(world.masterAddr)) {
                gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            } else {
                gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            }
            impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, world.rank,
                                                                     world.worldSize, gloo);
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(world.describe() + ": making the " + backend + " process group failed: " +
                    firstLine(e.what()));
    }
    impl->startPulse(world);
    logger()->info("{}: {} process group through {}", world.describe(), backend, where);
    return std::unique_ptr<Communicator>(new Communicator(world, backend, std::move(impl)));
}

std::string Communicator::whoIsMissing(std::int64_t sequence) {
    // The store's answers, with a deadline: a server that stopped answering (a rank stopped in
    // the middle of a message) must not hang the process that reports the failure. The others'
    // places are published every half second: a moment for the last ones to arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto answer = std::make_shared<std::promise<std::string>>();
    auto future = answer->get_future();
    std::thread([store = m_impl->store, world = m_world, sequence, answer] {
        answer->set_value(readWhoIsMissing(store, world, sequence));
    }).detach();
    if (future.wait_for(std::chrono::seconds(15)) == std::future_status::ready) return future.get();
    return "The rendezvous store at " + m_world.masterAddr + ":" + std::to_string(m_world.masterPort) +
           " does not answer (a rank stopped in the middle of talking to it?), so the rank that "
           "did not arrive cannot be named here: see the other ranks' output.";
}

void Communicator::setActivity(std::string activity) {
    m_activity = std::move(activity);
    m_impl->publish(std::to_string(m_sequence) + " at " + m_activity);
}

template <typename F>
void Communicator::collective(const char* what, F&& run) {
    const std::int64_t sequence = ++m_sequence;
    const auto fail = [&](const std::string& cause) {
        return Error(m_world.describe() + ": " + what + " at " + m_activity + " failed (" + cause +
                     "). " + whoIsMissing(sequence) +
                     " The run stops; its last checkpoint is kept. If a rank was only slow (a long "
                     "evaluation or checkpoint on rank 0), raise --dist-timeout (" +
                     std::to_string(m_world.timeout.count()) + " s).");
    };
    m_impl->publish(std::to_string(sequence) + " at " + m_activity);
    try {
        auto work = run();
        if (!work->wait(std::chrono::duration_cast<std::chrono::milliseconds>(m_world.timeout))) {
            throw Error("no answer within " + std::to_string(m_world.timeout.count()) + " s");
        }
    } catch (const std::exception& e) {
        throw fail(firstLine(e.what()));
    }
}

template <typename F>
void Communicator::inBuckets(std::vector<torch::Tensor>& tensors, std::int64_t bucketBytes, F&& each) {
    const torch::NoGradGuard noGrad;  // parameters are written in place
    std::size_t start = 0;
    while (start < tensors.size()) {
        // A bucket: consecutive tensors of one dtype up to bucketBytes (at least one).
        std::size_t end = start;
        std::size_t bytes = 0;
        const auto dtype = tensors[start].scalar_type();
        while (end < tensors.size() && tensors[end].scalar_type() == dtype &&
               (end == start || bytes + tensors[end].nbytes() <= static_cast<std::size_t>(bucketBytes))) {
            bytes += tensors[end].nbytes();
            ++end;
        }
        std::vector<torch::Tensor> flat;
        for (std::size_t i = start; i < end; ++i) flat.push_back(tensors[i].reshape(-1));
        std::vector<torch::Tensor> bucket{torch::cat(flat)};
        each(bucket);
        std::int64_t offset = 0;
        for (std::size_t i = start; i < end; ++i) {
            const auto n = tensors[i].numel();
            tensors[i].copy_(bucket[0].narrow(0, offset, n).view_as(tensors[i]));
            offset += n;
        }
        start = end;
    }
}

void Communicator::averageGradients(std::vector<torch::Tensor> grads, std::int64_t bucketBytes) {
    c10d::AllreduceOptions options;
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(m_world.timeout);
    inBuckets(grads, bucketBytes, [&](std::vector<torch::Tensor>& bucket) {
        collective("the gradients' all-reduce",
                   [&] { return m_impl->group->allreduce(bucket, options); });
        bucket[0].div_(static_cast<double>(size()));
        m_bytesReduced += static_cast<std::int64_t>(bucket[0].nbytes());
    });
}

void Communicator::broadcastTensors(std::vector<torch::Tensor> tensors, std::int64_t bucketBytes) {
    inBuckets(tensors, bucketBytes, [&](std::vector<torch::Tensor>& bucket) {
        collective("a broadcast of the weights from rank 0",
                   [&] { return m_impl->group->broadcast(bucket); });
    });
}

std::vector<double> Communicator::sum(const std::vector<double>& values) {
    if (values.empty()) return {};
    std::vector<torch::Tensor> t{torch::tensor(values, torch::kDouble).to(m_impl->device)};
    c10d::AllreduceOptions options;
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(m_world.timeout);
    collective("an all-reduce", [&] { return m_impl->group->allreduce(t, options); });
    m_bytesReduced += static_cast<std::int64_t>(t[0].nbytes());
    const auto host = t[0].cpu().contiguous();
    return {host.data_ptr<double>(), host.data_ptr<double>() + host.numel()};
}

std::vector<double> Communicator::gather(const std::vector<double>& values) {
    std::vector<torch::Tensor> input{torch::tensor(values, torch::kDouble).to(m_impl->device)};
    if (values.empty()) input[0] = torch::zeros({0}, torch::TensorOptions(torch::kDouble).device(m_impl->device));
    std::vector<std::vector<torch::Tensor>> output(1);
    for (int r = 0; r < size(); ++r) output[0].push_back(torch::empty_like(input[0]));
    collective("an all-gather", [&] { return m_impl->group->allgather(output, input); });
    const auto all = torch::cat(output[0]).cpu().contiguous();
    return {all.data_ptr<double>(), all.data_ptr<double>() + all.numel()};
}

std::vector<double> Communicator::broadcast(const std::vector<double>& values) {
    std::vector<torch::Tensor> t{torch::tensor(values, torch::kDouble).to(m_impl->device)};
    collective("a broadcast from rank 0", [&] { return m_impl->group->broadcast(t); });
    const auto host = t[0].cpu().contiguous();
    return {host.data_ptr<double>(), host.data_ptr<double>() + host.numel()};
}

void Communicator::checkSame(std::uint64_t value, const std::string& what) {
    // Two halves, each exact in a double.
    const auto all = gather({static_cast<double>(value >> 32), static_cast<double>(value & 0xffffffffu)});
    std::string differ;
    for (int r = 1; r < size(); ++r) {
        if (all[2 * r] != all[0] || all[2 * r + 1] != all[1]) {
            differ += (differ.empty() ? "rank " : ", rank ") + std::to_string(r);
        }
    }
    if (!differ.empty()) {
        throw Error(what + " differ between rank 0 and " + differ +
                    ": the processes no longer train the same model (a different LibTorch or "
                    "thread count on one machine?). The run stops; its last checkpoint is kept.");
    }
}

void Communicator::barrier(std::chrono::seconds timeout) {
    std::vector<torch::Tensor> t{torch::zeros({1}, torch::TensorOptions(torch::kDouble).device(m_impl->device))};
    c10d::AllreduceOptions options;
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    const auto saved = m_world.timeout;
    m_world.timeout = timeout;
    try {
        collective("waiting for every process", [&] { return m_impl->group->allreduce(t, options); });
    } catch (...) {
        m_world.timeout = saved;
        throw;
    }
    m_world.timeout = saved;
}

}  // namespace ladder::dist
