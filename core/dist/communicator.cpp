#include "core/dist/communicator.h"

#include <cctype>
#include <condition_variable>
#include <cstdlib>
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

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<Group> group;
    torch::Device device{torch::kCPU};
    // A pulse in the store every half second from a thread of its own (its own connection): a
    // process that hangs (stopped, stuck in a kernel) stops pulsing, though it may have arrived
    // at the collective the others wait in.
    std::thread pulse;
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;

    ~Impl() {
        {
            const std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        if (pulse.joinable()) pulse.join();
    }

    void startPulse(const WorldSpec& world) {
        pulse = std::thread([this, world] {
            try {
                c10d::TCPStoreOptions options;
                options.port = static_cast<std::uint16_t>(world.masterPort);
                options.isServer = false;
                options.waitWorkers = false;
                options.timeout = std::chrono::seconds(10);
                auto own = c10::make_intrusive<c10d::TCPStore>(world.masterAddr, options);
                const std::string key = "ladder/alive/" + std::to_string(world.rank);
                std::unique_lock lock(mutex);
                while (!stopping) {
                    lock.unlock();
                    own->add(key, 1);
                    lock.lock();
                    wake.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping; });
                }
            } catch (const std::exception&) {
                // Rank 0's store is gone: the collectives say so.
            }
        });
    }
};

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
    std::string missing;
    try {
        m_impl->store->setTimeout(std::chrono::seconds(5));
        for (int r = 0; r < size(); ++r) {
            if (r == rank()) continue;
            const std::string key = "ladder/at/" + std::to_string(r);
            if (!m_impl->store->check({key})) {
                missing += "; rank " + std::to_string(r) + " never arrived";
                continue;
            }
            const auto bytes = m_impl->store->get(key);
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
        if (rank() != 0) {
            return "Rank 0 (it holds the rendezvous at " + m_world.masterAddr + ":" +
                   std::to_string(m_world.masterPort) + ") cannot be reached: it has stopped.";
        }
    }
    if (missing.empty()) {
        // All arrived: the one that stopped pulsing hangs, or died, during the collective.
        try {
            const auto pulses = [this] {
                std::vector<std::int64_t> counts(static_cast<std::size_t>(size()), -1);
                for (int r = 0; r < size(); ++r) {
                    const std::string key = "ladder/alive/" + std::to_string(r);
                    if (r != rank() && m_impl->store->check({key})) {
                        counts[static_cast<std::size_t>(r)] = m_impl->store->add(key, 0);
                    }
                }
                return counts;
            };
            const auto before = pulses();
            std::this_thread::sleep_for(std::chrono::seconds(2));
            const auto after = pulses();
            for (int r = 0; r < size(); ++r) {
                const auto i = static_cast<std::size_t>(r);
                if (r != rank() && before[i] == after[i]) {
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

void Communicator::setActivity(std::string activity) {
    m_activity = std::move(activity);
    try {
        m_impl->store->set("ladder/at/" + std::to_string(rank()),
                           bytesOf(std::to_string(m_sequence) + " at " + m_activity));
    } catch (const std::exception&) {
        // The store is rank 0's: the next collective says it is gone.
    }
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
    try {
        m_impl->store->set("ladder/at/" + std::to_string(rank()),
                           bytesOf(std::to_string(sequence) + " at " + m_activity));
    } catch (const std::exception& e) {
        throw fail(firstLine(e.what()));
    }
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
