// Islands after cuts: detection, a slack for every island with generation, dark islands without.
#include <QtTest>

#include "citytwin/power/islands.h"
#include "citytwin/power/power_flow.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power;
using namespace ct::power::test;

namespace {

// Index of the branch between two bus numbers.
int branchBetween(const PowerNetwork& net, int a, int b) {
    for (std::size_t k = 0; k < net.branches.size(); ++k) {
        const int f = net.buses[static_cast<std::size_t>(net.branches[k].from)].number;
        const int t = net.buses[static_cast<std::size_t>(net.branches[k].to)].number;
        if ((f == a && t == b) || (f == b && t == a)) {
            return static_cast<int>(k);
        }
    }
    return -1;
}

void cut(PowerNetwork& net, int a, int b) {
    const int k = branchBetween(net, a, b);
    QVERIFY(k >= 0);
    net.branches[static_cast<std::size_t>(k)].inService = false;
}

}  // namespace

class TstIslands : public QObject {
    Q_OBJECT
private slots:
    void intactCaseIsOneIsland() {
        const auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        const Islands isl = findIslands(*net);
        QCOMPARE(isl.count(), 1);
        QCOMPARE(isl.members[0].size(), std::size_t{9});
    }

    void cuttingARingLeavesOneIsland() {
        // case9 is a ring 4-5-6-7-8-9-4 with three generator transformers: one cut keeps it whole.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        cut(*net, 5, 6);
        QCOMPARE(findIslands(*net).count(), 1);
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY(r.converged);
        QCOMPARE(r.branchOn[static_cast<std::size_t>(branchBetween(*net, 5, 6))], std::uint8_t{0});
        QCOMPARE(r.pfMW[static_cast<std::size_t>(branchBetween(*net, 5, 6))], 0.0);
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);
    }

    void cuttingAGeneratorTransformerMakesTwoEnergisedIslands() {
        // Without 1-4, generator 1 (the reference) is alone on bus 1, and the rest needs a new slack:
        // the largest generator by Pmax is generator 2 (300 MW, bus 2), which now balances the load.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        cut(*net, 1, 4);
        const Islands isl = findIslands(*net);
        QCOMPARE(isl.count(), 2);
        QCOMPARE(isl.members[0], std::vector<int>({0}));
        QCOMPARE(isl.members[1].size(), std::size_t{8});
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        QCOMPARE(r.islands.size(), std::size_t{2});
        QCOMPARE(r.islands[0].slackBus, 0);
        QCOMPARE(r.islands[1].slackBus, 1);
        QVERIFY(r.islands[0].energised && r.islands[1].energised);
        QVERIFY(std::abs(r.genPMW[0]) < 1e-9);  // nothing to feed on bus 1
        QVERIFY(std::abs(r.vmPu[0] - 1.04) < 1e-12);
        QVERIFY(std::abs(r.genPMW[1] - (315 - 85 + r.lossMW)) < 1e-6);
        QCOMPARE(r.loadLostMW, 0.0);
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);
    }

    void islandWithoutGenerationIsDark() {
        // Cutting 4-5 and 5-6 leaves the 90 MW load bus 5 with no source: it is de-energised and
        // its load lost; the rest still solves.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        cut(*net, 4, 5);
        cut(*net, 5, 6);
        const Islands isl = findIslands(*net);
        QCOMPARE(isl.count(), 2);
        QCOMPARE(isl.busIsland[4], 1);
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        QCOMPARE(r.darkIslandCount(), 1);
        QCOMPARE(r.busEnergised[4], std::uint8_t{0});
        QCOMPARE(r.vmPu[4], 0.0);
        QVERIFY(r.busTypeUsed[4] == BusType::Isolated);
        QCOMPARE(r.loadLostMW, 90.0);
        QCOMPARE(r.loadServedMW, 225.0);
        QVERIFY(std::abs(r.generationMW - 225 - r.lossMW) < 1e-6);
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);

        PowerFlowOptions dc;
        dc.method = PowerFlowMethod::Dc;
        const PowerFlowResult d = solvePowerFlow(*net, dc);
        QVERIFY(d.converged);
        QCOMPARE(d.loadLostMW, 90.0);
        QVERIFY(std::abs(d.generationMW - 225) < 1e-9);
    }

    void busOutage() {
        // Taking bus 7 out (type 4) removes its branches 6-7 and 7-8 and its 100 MW load.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        net->buses[6].type = BusType::Isolated;
        const Islands isl = findIslands(*net);
        QCOMPARE(isl.busIsland[6], -1);
        QCOMPARE(isl.count(), 1);
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        QCOMPARE(r.loadLostMW, 100.0);
        QCOMPARE(r.branchOn[static_cast<std::size_t>(branchBetween(*net, 6, 7))], std::uint8_t{0});
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);
    }

    void splitIntoTwoHalvesEachWithItsSlack() {
        // Cut 4-9 and 6-7: {1, 4, 5, 6, 3} keeps the reference; {2, 7, 8, 9} gets generator 2 as slack.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        cut(*net, 9, 4);
        cut(*net, 6, 7);
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        QCOMPARE(r.islands.size(), std::size_t{2});
        QCOMPARE(r.islands[0].buses, std::vector<int>({0, 2, 3, 4, 5}));
        QCOMPARE(r.islands[1].buses, std::vector<int>({1, 6, 7, 8}));
        QCOMPARE(r.islands[0].slackBus, 0);
        QCOMPARE(r.islands[1].slackBus, 1);
        // Each island balances on its own: island 1 has 90 MW of load and 85 MW scheduled at bus 3.
        double loss0 = 0;
        for (std::size_t k = 0; k < net->branches.size(); ++k) {
            if (r.branchOn[k] && r.busIsland[static_cast<std::size_t>(net->branches[k].from)] == 0) {
                loss0 += r.pfMW[k] + r.ptMW[k];
            }
        }
        QVERIFY(std::abs(r.genPMW[0] - (90 - 85 + loss0)) < 1e-6);
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);
    }

    void slackChoiceWithoutReference() {
        // No type-3 bus: the generator with the largest Pmax becomes the slack.
        PowerNetwork net;
        net.buses = {bus(1, BusType::Pv), bus(2, BusType::Pq, 100, 20), bus(3, BusType::Pv)};
        net.gens = {gen(0, 40, 1.0, 100), gen(2, 60, 1.0, 250)};
        net.branches = {line(0, 1, 0.01, 0.1), line(1, 2, 0.01, 0.1)};
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY2(r.converged, r.message.c_str());
        QCOMPARE(r.islands[0].slackBus, 2);
        QVERIFY(r.busTypeUsed[2] == BusType::Ref);
        QVERIFY(r.busTypeUsed[0] == BusType::Pv);
        QCOMPARE(r.genPMW[0], 40.0);
        QVERIFY(std::abs(r.genPMW[1] - (60 + r.lossMW)) < 1e-6);
    }

    void outOfServiceGeneratorDoesNotEnergise() {
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pv, 30, 5)};
        net.gens = {gen(0, 0, 1.0), gen(1, 30, 1.0)};
        net.branches = {line(0, 1, 0.01, 0.1)};
        net.branches[0].inService = false;
        net.gens[1].inService = false;
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY(r.converged);
        QCOMPARE(r.energisedIslandCount(), 1);
        QCOMPARE(r.darkIslandCount(), 1);
        QCOMPARE(r.loadLostMW, 30.0);
        QCOMPARE(r.genOn[1], std::uint8_t{0});
    }
};

QTEST_APPLESS_MAIN(TstIslands)
#include "tst_islands.moc"
