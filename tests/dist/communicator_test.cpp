// The collectives of a data-parallel run on real c10d process groups (Gloo over loopback), with
// the processes as threads of this test: averages, sums, gathers, and failures that name the rank.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "core/dist/communicator.h"
#include "core/dist/launch.h"
#include "tests/support/test_support.h"

namespace ladder::dist {
namespace {

WorldSpec worldOf(int rank, int size, int port, int timeoutSeconds = 60) {
    WorldSpec w;
    w.rank = rank;
    w.worldSize = size;
    w.localRank = rank;
    w.localWorldSize = size;
    w.masterAddr = "127.0.0.1";
    w.masterPort = port;
    w.timeout = std::chrono::seconds(timeoutSeconds);
    return w;
}

// Runs body(communicator) as each of `size` ranks, each on its own thread; rethrows the first
// failure's message as the returned strings (empty: it passed).
std::vector<std::string> onRanks(int size, const std::function<void(Communicator&)>& body,
                                 int timeoutSeconds = 60) {
    const int port = freePort();
    std::vector<std::future<std::string>> ranks;
    for (int r = 0; r < size; ++r) {
        ranks.push_back(std::async(std::launch::async, [=] {
            try {
                auto c = Communicator::connect(worldOf(r, size, port, timeoutSeconds), "cpu");
                body(*c);
                return std::string();
            } catch (const std::exception& e) {
                return std::string(e.what());
            }
        }));
    }
    std::vector<std::string> errors;
    for (auto& f : ranks) errors.push_back(f.get());
    return errors;
}

TEST(Communicator, GradientsAreAveragedAcrossRanksInSeveralBuckets) {
    const auto errors = onRanks(3, [](Communicator& c) {
        // Rank r holds r+1 everywhere; a bucket of 64 bytes holds 16 floats: several buckets,
        // and a tensor larger than a bucket goes alone.
        std::vector<torch::Tensor> grads = {torch::full({3, 4}, c.rank() + 1.0),
                                            torch::full({40}, 2.0 * (c.rank() + 1)),
                                            torch::full({5}, -1.0 * (c.rank() + 1), torch::kDouble)};
        c.averageGradients(grads, 64);
        EXPECT_TRUE(torch::allclose(grads[0], torch::full({3, 4}, 2.0)));
        EXPECT_TRUE(torch::allclose(grads[1], torch::full({40}, 4.0)));
        EXPECT_TRUE(torch::allclose(grads[2], torch::full({5}, -2.0, torch::kDouble)));
        EXPECT_EQ(c.bytesReduced(), 12 * 4 + 40 * 4 + 5 * 8);
    });
    for (const auto& e : errors) EXPECT_EQ(e, "");
}

TEST(Communicator, SumsGathersAndBroadcastsInRankOrder) {
    const auto errors = onRanks(2, [](Communicator& c) {
        const double r = c.rank();
        EXPECT_EQ(c.sum({r, 10 * r + 1}), (std::vector<double>{1, 12}));
        EXPECT_EQ(c.gather({r, r + 0.5}), (std::vector<double>{0, 0.5, 1, 1.5}));
        EXPECT_EQ(c.broadcast({7 + r}), (std::vector<double>{7}));
        c.checkSame(0x0123456789abcdefULL, "the weights");
    });
    for (const auto& e : errors) EXPECT_EQ(e, "");
}

TEST(Communicator, DifferentWeightsAreNamedByRank) {
    const auto errors = onRanks(3, [](Communicator& c) {
        c.checkSame(c.rank() == 2 ? 99u : 1u, "the weights after step 10");
    });
    for (const auto& e : errors) {
        EXPECT_NE(e.find("the weights after step 10 differ between rank 0 and rank 2"),
                  std::string::npos) << e;
    }
}

TEST(Communicator, ARankThatHangsIsNamedAfterTheTimeout) {
    const auto started = std::chrono::steady_clock::now();
    const auto errors = onRanks(
        2,
        [](Communicator& c) {
            c.setActivity("step " + std::to_string(4 + c.rank()));
            (void)c.sum({1.0});  // both arrive
            if (c.rank() == 1) {  // rank 1 hangs past the timeout instead of the second
                std::this_thread::sleep_for(std::chrono::seconds(6));
                return;
            }
            c.setActivity("step 5");
            (void)c.sum({1.0});
        },
        3);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(errors[1], "");
    EXPECT_NE(errors[0].find("rank 0 of 2: an all-reduce at step 5 failed"), std::string::npos)
        << errors[0];
    EXPECT_NE(errors[0].find("Rank 1 did not arrive: it was last at step 5"), std::string::npos)
        << errors[0];
    EXPECT_LT(seconds, 30.0);
}

TEST(Communicator, ARankThatLeavesIsNamedAtOnce) {
    const auto started = std::chrono::steady_clock::now();
    const auto errors = onRanks(
        2,
        [](Communicator& c) {
            c.setActivity("step 7");
            (void)c.sum({1.0});
            if (c.rank() == 1) return;  // its process group closes
            c.setActivity("step 8");
            (void)c.sum({1.0});
        },
        60);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_NE(errors[0].find("Rank 1 did not arrive: it was last at step 7"), std::string::npos)
        << errors[0];
    EXPECT_LT(seconds, 30.0);  // well before the 60 s timeout
}

TEST(Communicator, ARankWaitingForASlowOneSaysWhatThatOneWasDoing) {
    const auto errors = onRanks(
        2,
        [](Communicator& c) {
            c.setActivity("step 50");
            (void)c.sum({1.0});
            if (c.rank() == 0) {  // rank 0 evaluates for longer than the timeout
                c.setActivity("the evaluation at step 50");
                std::this_thread::sleep_for(std::chrono::seconds(5));
                return;
            }
            c.setActivity("step 51");
            (void)c.sum({1.0});
        },
        2);
    EXPECT_NE(errors[1].find("Rank 0 did not arrive: it was last at the evaluation at step 50"),
              std::string::npos) << errors[1];
    EXPECT_NE(errors[1].find("raise --dist-timeout (2 s)"), std::string::npos) << errors[1];
}

TEST(Communicator, ARendezvousNobodyJoinsTimesOutSayingWhere) {
    const int port = freePort();
    const auto message = test::errorOf([&] { (void)Communicator::connect(worldOf(1, 2, port, 2), "cpu"); });
    EXPECT_NE(message.find("rank 1 of 2: could not reach rank 0 at 127.0.0.1:" + std::to_string(port)),
              std::string::npos) << message;
}

}  // namespace
}  // namespace ladder::dist
