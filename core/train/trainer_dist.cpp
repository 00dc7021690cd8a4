// The Trainer's data-parallel part (core/dist): the processes meet, rank 0 makes or resumes the
// run and the others follow it, every process starts from rank 0's weights and checks they stay
// the same, and the reference pass is shared. The training loop is in trainer.cpp.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/store/runs.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/trainer.h"

namespace ladder::train {
namespace {

auto logger() { return log::get("train"); }

}  // namespace

void Trainer::connectWorld() {
    std::string device = m_request.config.device;
    if (m_request.resumeRunId > 0) {
        auto workspace = store::Workspace::open(m_request.workspacePath);
        device = store::RunStore(workspace.db()).get(m_request.resumeRunId).device;
    }
    const auto& world = m_request.world;
    emit(EventKind::Message, 0, world.describe() + ": waiting for the other processes at " +
                                    world.masterAddr + ":" + std::to_string(world.masterPort));
    m_comm = dist::Communicator::connect(world, dist::deviceOfRank(device, world));
    logger()->info("{}: {} processes joined ({})", world.describe(), world.worldSize, m_comm->backend());
}

void Trainer::openRun() {
    if (!m_comm) {
        openRunHere();
        return;
    }
    m_comm->setActivity("the run's start");
    if (!writer()) {
        followRun();
        return;
    }
    try {
        openRunHere();
    } catch (...) {
        // The others wait for the run's id: 0 tells them rank 0 failed (and says why itself).
        try {
            (void)m_comm->broadcast({0.0});
        } catch (const std::exception&) {
        }
        throw;
    }
    (void)m_comm->broadcast({static_cast<double>(m_runId)});
}

void Trainer::followRun() {
    const auto id = static_cast<std::int64_t>(m_comm->broadcast({0.0}).at(0));
    if (id <= 0) {
        throw Error(m_comm->world().describe() + ": rank 0 could not start the run (its output "
                    "says why)");
    }
    m_workspace = std::make_unique<store::Workspace>(
        store::Workspace::open(m_request.workspacePath, store::OpenOptions{.busyTimeoutMs = 60000}));
    const auto run = store::RunStore(m_workspace->db()).get(id);
    m_config = storedRunConfig(run);
    if (m_request.withoutWinRate) m_config.winRate.reference.clear();
    m_threads = ThreadClaim::make(m_config.threads);
    m_runId = id;
    m_controls.runId = m_runId;
    logger()->info("run {} ({}): {} follows rank 0", m_runId, m_config.name,
                   m_comm->world().describe());
}

void Trainer::takeRankZeroWeights() {
    if (!m_comm) return;
    m_comm->setActivity("the starting weights");
    std::vector<torch::Tensor> tensors;
    for (const auto& model : {m_policy.model, m_master}) {
        if (!model) continue;
        for (const auto& p : model->parameters()) tensors.push_back(p);
        for (const auto& b : model->buffers()) tensors.push_back(b);
    }
    m_comm->broadcastTensors(std::move(tensors));
}

void Trainer::checkSameWeights(const std::string& when) {
    if (!m_comm) return;
    m_comm->setActivity(when);
    const std::string hex = model::weightsHash(*m_policy.model);
    m_comm->checkSame(std::stoull(hex.substr(0, 16), nullptr, 16), "the weights " + when);
}

void Trainer::fillReferenceShared(const std::vector<const TokenizedPair*>& missing,
                                  const ForwardOptions& forward) {
    const std::size_t n = missing.size();
    const auto processes = static_cast<std::size_t>(m_comm->size());
    const std::size_t share = (n + processes - 1) / processes;
    const std::size_t first = std::min(n, static_cast<std::size_t>(m_comm->rank()) * share);
    const std::vector<const TokenizedPair*> mine(
        missing.begin() + static_cast<std::ptrdiff_t>(first),
        missing.begin() + static_cast<std::ptrdiff_t>(std::min(n, first + share)));
    m_comm->setActivity("the reference pass");
    const auto padId = m_policy.tokenizer->padId().value_or(0);
    std::vector<double> values;
    {
        const model::LoraOff base(*m_policy.model);
        values = m_cache->compute(mine, *m_policy.model, std::max(1, m_config.batchSize * 2), padId,
                                  forward, [this](std::int64_t done, std::int64_t total) {
                                      emit(EventKind::Message, 0,
                                           "reference log-probs: " + std::to_string(done) + " / " +
                                               std::to_string(total) + " pairs of this process");
                                  });
    }
    values.resize(2 * share, 0.0);  // every process sends as many
    const auto all = m_comm->gather(values);
    std::vector<double> ordered;  // rank by rank, which is missing's order
    for (std::size_t r = 0; r < processes; ++r) {
        const std::size_t from = std::min(n, r * share);
        const std::size_t count = std::min(n, from + share) - from;
        ordered.insert(ordered.end(), all.begin() + static_cast<std::ptrdiff_t>(2 * r * share),
                       all.begin() + static_cast<std::ptrdiff_t>(2 * (r * share + count)));
    }
    m_cache->insert(missing, ordered, /*write=*/writer());
}

}  // namespace ladder::train
