#include "core/curriculum/length_grouped_sampler.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/common/random.h"

namespace ladder::curriculum {
using nlohmann::json;

namespace {

// The batch order within a group: a stream of its own (see curriculum_sampler.cpp's streams).
constexpr std::uint64_t kGroupOrderStream = 0x67726f7570ull;  // "group"

}  // namespace

json GroupedSamplerPosition::toJson() const {
    if (offset == 0) return groupStart.toJson();  // between groups: the plain sampler's JSON
    return {{"step", step()},
            {"group_start", groupStart.toJson()},
            {"offset", offset},
            {"group_batches", groupBatches},
            {"batch_size", batchSize}};
}

GroupedSamplerPosition GroupedSamplerPosition::fromJson(const json& j) {
    GroupedSamplerPosition p;
    if (!j.is_object() || !j.contains("group_start")) {
        p.groupStart = SamplerPosition::fromJson(j);
        return p;
    }
    p.groupStart = SamplerPosition::fromJson(j.at("group_start"));
    try {
        p.offset = j.at("offset").get<std::int64_t>();
        p.groupBatches = j.at("group_batches").get<std::int64_t>();
        p.batchSize = j.at("batch_size").get<std::int64_t>();
    } catch (const json::exception& e) {
        throw Error(std::string("length-grouped sampler position JSON is damaged (") + e.what() +
                    "): resume from another checkpoint");
    }
    return p;
}

LengthGroupedSampler::LengthGroupedSampler(
    Curriculum curriculum, std::map<std::string, std::vector<std::int64_t>> itemsByTier,
    std::uint64_t seed, LengthGrouping grouping, LengthOf lengthOf)
    : m_plain(std::move(curriculum), std::move(itemsByTier), seed),
      m_grouping(grouping),
      m_lengthOf(std::move(lengthOf)) {
    if (m_grouping.groupBatches < 1) {
        throw Error("length grouping needs at least 1 batch per group, not " +
                    std::to_string(m_grouping.groupBatches));
    }
    if (m_grouping.endStep < 0) throw Error("length grouping: the run's end step cannot be negative");
    if (!m_lengthOf) throw Error("length grouping needs the length of each item");
    m_position.groupStart = m_plain.position();
}

std::int64_t LengthGroupedSampler::groupLengthAt(std::int64_t step) const {
    const Curriculum& c = m_plain.curriculum();
    std::int64_t end = step + m_grouping.groupBatches;
    const std::size_t stage = c.stageAt(step);
    if (stage + 1 < c.stages.size()) end = std::min(end, c.stageStart(stage + 1));
    if (m_grouping.endStep > step) end = std::min(end, m_grouping.endStep);
    return std::max<std::int64_t>(1, end - step);
}

void LengthGroupedSampler::drawGroup(std::size_t batchSize) {
    struct Drawn {
        std::int64_t item;
        std::string tier;
        std::int64_t length;
    };
    const std::int64_t start = m_plain.step();
    const std::int64_t batches = groupLengthAt(start);
    std::vector<Drawn> drawn;
    drawn.reserve(static_cast<std::size_t>(batches) * batchSize);
    for (std::int64_t b = 0; b < batches; ++b) {
        const auto items = m_plain.nextBatch(batchSize);
        const auto& tiers = m_plain.lastBatchTiers();
        for (std::size_t i = 0; i < items.size(); ++i) {
            drawn.push_back({items[i], tiers[i], m_lengthOf(items[i])});
        }
    }
    // Stable: equal lengths keep the order they were drawn in, so the result is the same
    // everywhere. A group of one batch stays as drawn: grouping off (G = 1) is the plain sampler.
    if (batches > 1) {
        std::stable_sort(drawn.begin(), drawn.end(),
                         [](const Drawn& a, const Drawn& b) { return a.length < b.length; });
    }

    std::vector<std::size_t> order(static_cast<std::size_t>(batches));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    random::Stream rng(
        random::keyed(m_plain.seed(), kGroupOrderStream, static_cast<std::uint64_t>(start)));
    for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates
        const std::size_t j = static_cast<std::size_t>(rng.below(i));
        std::swap(order[i - 1], order[j]);
    }
    m_batches.assign(order.size(), {});
    m_tiers.assign(order.size(), {});
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t from = order[k] * batchSize;  // the order[k]-th shortest batch
        for (std::size_t i = from; i < std::min(from + batchSize, drawn.size()); ++i) {
            m_batches[k].push_back(drawn[i].item);
            m_tiers[k].push_back(std::move(drawn[i].tier));
        }
    }
    m_position.groupBatches = batches;
    m_position.batchSize = static_cast<std::int64_t>(batchSize);
}

std::vector<std::int64_t> LengthGroupedSampler::nextBatch(std::size_t batchSize) {
    if (m_batches.empty()) {
        drawGroup(batchSize);
    } else if (static_cast<std::int64_t>(batchSize) != m_position.batchSize) {
        throw Error("the batch size changed within a length group (" +
                    std::to_string(m_position.batchSize) + " then " + std::to_string(batchSize) +
                    " at step " + std::to_string(step()) +
                    "): draw every batch of a run with the same size");
    }
    const auto k = static_cast<std::size_t>(m_position.offset);
    std::vector<std::int64_t> batch = std::move(m_batches[k]);
    m_lastTiers = std::move(m_tiers[k]);
    if (++m_position.offset == m_position.groupBatches) {
        // The group is used up: the position is the plain sampler's, as at a run's start.
        m_batches.clear();
        m_tiers.clear();
        m_position = GroupedSamplerPosition{};
        m_position.groupStart = m_plain.position();
    }
    return batch;
}

void LengthGroupedSampler::restore(const GroupedSamplerPosition& position) {
    if (position.offset < 0) throw Error("a sampler position cannot have a negative offset");
    if (position.offset > 0) {
        const std::int64_t batches = groupLengthAt(position.groupStart.step);
        if (position.groupBatches != batches || position.offset >= batches ||
            position.batchSize < 1) {
            throw Error("the saved sampler position is " + std::to_string(position.offset) +
                        " batches into a length group of " +
                        std::to_string(position.groupBatches) + " starting at step " +
                        std::to_string(position.groupStart.step) + ", but this run's group there "
                        "has " + std::to_string(batches) + " batches: resume with the group size "
                        "and the number of steps the run was started with");
        }
    }
    m_plain.restore(position.groupStart);
    m_batches.clear();
    m_tiers.clear();
    m_lastTiers.clear();
    m_position = GroupedSamplerPosition{};
    m_position.groupStart = m_plain.position();
    if (position.offset == 0) return;
    drawGroup(static_cast<std::size_t>(position.batchSize));
    m_position.offset = position.offset;
}

}  // namespace ladder::curriculum
