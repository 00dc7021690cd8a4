// The learning-rate schedule against its closed form, and the event queue's bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <thread>

#include "core/train/event_queue.h"
#include "core/train/lr_schedule.h"

namespace ladder::train {
namespace {

TEST(LearningRate, WarmupIsLinearThenCosineReachesTheFloor) {
    OptimizerSpec o;
    o.lr = 1e-3;
    ScheduleSpec s;
    s.warmupSteps = 10;
    s.decay = "cosine";
    s.minLrRatio = 0.1;
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 0, 110), 1e-4);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 9, 110), 1e-3);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 10, 110), 1e-3);
    // Half way through the decay: floor + (peak - floor) / 2.
    const double mid = learningRateAt(o, s, 10 + 99 / 2, 110);
    EXPECT_NEAR(mid, 1e-4 + 0.9e-3 * 0.5 * (1 + std::cos(std::numbers::pi * (49.0 / 99.0))), 1e-15);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 109, 110), 1e-4);
}

// `ladder-cli train --steps 5` of a preset with 20 warmup steps: the warmup is capped to the run,
// so the rate still reaches its peak (on the last step) instead of stopping at a quarter of it.
TEST(LearningRate, AWarmupLongerThanTheRunIsCappedToIt) {
    OptimizerSpec o;
    o.lr = 1e-3;
    ScheduleSpec s;
    s.warmupSteps = 20;
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 0, 5), 2e-4);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 4, 5), 1e-3);
}

TEST(LearningRate, LinearAndConstantDecay) {
    OptimizerSpec o;
    o.lr = 2.0;
    ScheduleSpec s;
    s.decay = "linear";
    s.minLrRatio = 0.0;
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 0, 11), 2.0);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 5, 11), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 10, 11), 0.0);
    s.decay = "constant";
    EXPECT_DOUBLE_EQ(learningRateAt(o, s, 7, 11), 2.0);
}

TEST(EventQueue, DropsOldestStepEventsWhenFullButKeepsOthers) {
    EventQueue q(3);
    q.push({.kind = EventKind::Started});
    for (int i = 1; i <= 5; ++i) q.push({.kind = EventKind::Step, .step = i});
    q.push({.kind = EventKind::Finished, .step = 5});
    const auto events = q.drain();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].kind, EventKind::Started);
    EXPECT_EQ(events[1].step, 5);
    EXPECT_EQ(events[2].kind, EventKind::Finished);
    EXPECT_EQ(q.dropped(), 4u);
}

TEST(EventQueue, PopWaitsForAnotherThread) {
    EventQueue q;
    std::thread producer([&] { q.push({.kind = EventKind::Failed, .message = "step 3: NaN"}); });
    const auto e = q.pop(std::chrono::seconds(5));
    producer.join();
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->isTerminal());
    EXPECT_EQ(e->message, "step 3: NaN");
    EXPECT_FALSE(q.pop(std::chrono::milliseconds(1)).has_value());
}

}  // namespace
}  // namespace ladder::train
