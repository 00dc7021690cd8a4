#include "core/curriculum/curriculum_sampler.h"

#include "core/common/error.h"
#include "core/common/random.h"

namespace ladder::curriculum {
using nlohmann::json;

namespace {

// Distinguishes the random draws of the sampler so that they never share a key.
constexpr std::uint64_t kBatchOffsetStream = 0x6261746368ull;  // "batch"
constexpr std::uint64_t kShuffleStream = 0x73687566ull;        // "shuf"

}  // namespace

json SamplerPosition::toJson() const {
    json tierList = json::object();
    for (const auto& [tier, c] : tiers) tierList[tier] = {{"pass", c.pass}, {"offset", c.offset}};
    return {{"step", step}, {"tiers", std::move(tierList)}};
}

SamplerPosition SamplerPosition::fromJson(const json& j) {
    if (j.is_object() && j.contains("group_start")) {
        throw Error("this sampler position was saved by a run with length grouping: resume it "
                    "with length grouping on");
    }
    try {
        SamplerPosition p;
        p.step = j.at("step").get<std::int64_t>();
        for (const auto& [tier, c] : j.at("tiers").items()) {
            p.tiers[tier] = {c.at("pass").get<std::int64_t>(), c.at("offset").get<std::int64_t>()};
        }
        return p;
    } catch (const json::exception& e) {
        throw Error(std::string("sampler position JSON is damaged (") + e.what() +
                    "): resume from another checkpoint");
    }
}

CurriculumSampler::CurriculumSampler(Curriculum curriculum,
                                     std::map<std::string, std::vector<std::int64_t>> itemsByTier,
                                     std::uint64_t seed)
    : m_curriculum(std::move(curriculum)), m_seed(seed) {
    TierCounts counts;
    for (const auto& [tier, items] : itemsByTier) {
        counts[tier] = static_cast<std::int64_t>(items.size());
    }
    m_curriculum.throwIfInvalid(&counts);
    if (!m_curriculum.isResolved()) {
        throw Error("curriculum '" + m_curriculum.name +
                    "' has stages in epochs: resolve it with "
                    "the pair counts and batch size before sampling");
    }
    for (const std::string& tier : m_curriculum.tiers()) {
        TierState state;
        state.items = std::move(itemsByTier.at(tier));
        state.key = random::fnv1a(tier);
        m_tiers.emplace(tier, std::move(state));
        m_position.tiers[tier] = TierCursor{};
    }
}

void CurriculumSampler::shuffle(TierState& state, std::int64_t pass) const {
    state.order = state.items;
    random::Stream rng(
        random::keyed(m_seed, kShuffleStream, state.key, static_cast<std::uint64_t>(pass)));
    for (std::size_t i = state.order.size(); i > 1; --i) {  // Fisher-Yates
        const std::size_t j = static_cast<std::size_t>(rng.below(i));
        std::swap(state.order[i - 1], state.order[j]);
    }
    state.orderPass = pass;
}

std::int64_t CurriculumSampler::take(const std::string& tier) {
    TierState& state = m_tiers.at(tier);
    TierCursor& cursor = m_position.tiers.at(tier);
    if (state.orderPass != cursor.pass) shuffle(state, cursor.pass);
    const std::int64_t item = state.order[static_cast<std::size_t>(cursor.offset)];
    if (++cursor.offset == static_cast<std::int64_t>(state.order.size())) {
        ++cursor.pass;
        cursor.offset = 0;
    }
    return item;
}

std::vector<std::int64_t> CurriculumSampler::nextBatch(std::size_t batchSize) {
    const auto shares = m_curriculum.tierShareAt(m_position.step);
    std::vector<std::int64_t> batch;
    batch.reserve(batchSize);
    m_lastTiers.clear();
    // Systematic sampling: slot k takes the tier whose cumulative share covers (k + u) / B.
    const double u = random::unitOf(
        random::keyed(m_seed, kBatchOffsetStream, static_cast<std::uint64_t>(m_position.step)));
    auto tier = shares.begin();
    double cumulative = tier == shares.end() ? 1.0 : tier->second;
    for (std::size_t k = 0; k < batchSize && !shares.empty(); ++k) {
        const double point = (static_cast<double>(k) + u) / static_cast<double>(batchSize);
        while (point >= cumulative && std::next(tier) != shares.end()) {
            ++tier;
            cumulative += tier->second;
        }
        batch.push_back(take(tier->first));
        m_lastTiers.push_back(tier->first);
    }
    ++m_position.step;
    return batch;
}

void CurriculumSampler::restore(const SamplerPosition& position) {
    if (position.step < 0) throw Error("a sampler position cannot have a negative step");
    SamplerPosition next;
    next.step = position.step;
    for (const auto& [tier, state] : m_tiers) {
        const auto it = position.tiers.find(tier);
        const TierCursor cursor = it == position.tiers.end() ? TierCursor{} : it->second;
        if (cursor.pass < 0 || cursor.offset < 0 ||
            cursor.offset >= static_cast<std::int64_t>(state.items.size())) {
            throw Error("the saved sampler position does not fit tier " + tier + " (" +
                        std::to_string(state.items.size()) + " pairs, saved offset " +
                        std::to_string(cursor.offset) +
                        "): the pairs changed since the checkpoint; rebuild the same pairs or "
                        "start a new run");
        }
        next.tiers[tier] = cursor;
    }
    m_position = std::move(next);
}

}  // namespace ladder::curriculum
