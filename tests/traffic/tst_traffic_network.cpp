// The lane-level network: lanes, connections, conflicts and generated signal programs, checked
// on junctions drawn by hand.
#include <QtTest>

#include <map>
#include <set>

#include "citytwin/traffic/traffic_network.h"
#include "test_networks.h"

using namespace ct;
using namespace ct::traffic;

class TstTrafficNetwork : public QObject {
    Q_OBJECT
    // The middle node of a 3x3 grid is a 4-way signalised cross with 2 lanes each way.
    RoadNetwork m_roads = test::grid(3, 200.0, 2, true);
    TrafficNetwork m_net = buildTrafficNetwork(m_roads);
    NodeId m_centre;

    std::uint32_t conn(Vec2 from, Vec2 to, TurnDirection dir) {
        const LinkId in = test::linkBetween(m_roads, from, {200, 200});
        const LinkId out = test::linkBetween(m_roads, {200, 200}, to);
        for (std::uint32_t c = 0; c < m_net.connectionCount(); ++c) {
            if (m_net.laneLink[m_net.connFrom[c].index()] == in &&
                m_net.laneLink[m_net.connTo[c].index()] == out && m_net.connDir[c] == dir) {
                return c;
            }
        }
        return UINT32_MAX;
    }

private slots:
    void initTestCase() {
        for (std::uint32_t n = 0; n < m_roads.nodeCount(); ++n) {
            if (m_roads.nodePos[n].x == 200 && m_roads.nodePos[n].y == 200) {
                m_centre = NodeId{n};
            }
        }
        QVERIFY(m_centre.valid());
    }
    void lanesAndConnections() {
        // 2 lanes per direction on every link.
        for (std::uint32_t l = 0; l < m_net.linkCount(); ++l) {
            QCOMPARE(m_net.laneCountOf(LinkId{l}), 2u);
        }
        // At the cross: 4 approaches x (left, straight, right); 2 lanes spread over 3 movements:
        // right from lane 0, straight from lanes 0 and 1, left from lane 1: 4 connections each.
        QCOMPARE(m_net.connectionsOfNode(m_centre).size(), std::size_t(16));
        const std::uint32_t right = conn({200, 0}, {400, 200}, TurnDirection::Right);
        const std::uint32_t left = conn({200, 0}, {0, 200}, TurnDirection::Left);
        QVERIFY(right != UINT32_MAX && left != UINT32_MAX);
        QCOMPARE(int(m_net.laneIndex[m_net.connFrom[right].index()]), 0);
        QCOMPARE(int(m_net.laneIndex[m_net.connFrom[left].index()]), 1);
        // Right turns onto the rightmost lane, left turns onto the leftmost.
        QCOMPARE(int(m_net.laneIndex[m_net.connTo[right].index()]), 0);
        QCOMPARE(int(m_net.laneIndex[m_net.connTo[left].index()]), 1);
        // Lanes end at the junction's edge: the cross has radius 0.5 x 4 lanes x 3.5 m = 7 m, so
        // a 200 m link between two crosses has 186 m lanes; the straight internal lane is 14 m.
        const std::uint32_t straight = conn({200, 0}, {200, 400}, TurnDirection::Straight);
        QVERIFY(straight != UINT32_MAX);
        QCOMPARE(m_net.laneLength[m_net.connVia[straight].index()], 14.0f);
    }
    void conflicts() {
        const std::uint32_t northLeft = conn({200, 0}, {0, 200}, TurnDirection::Left);
        const std::uint32_t southStraight = conn({200, 400}, {200, 0}, TurnDirection::Straight);
        const std::uint32_t northRight = conn({200, 0}, {400, 200}, TurnDirection::Right);
        const std::uint32_t southRight = conn({200, 400}, {0, 200}, TurnDirection::Right);
        const std::uint32_t westStraight = conn({0, 200}, {400, 200}, TurnDirection::Straight);
        auto conflict = [&](std::uint32_t a, std::uint32_t b) {
            const auto cs = m_net.conflictsOf(a);
            return std::find(cs.begin(), cs.end(), b) != cs.end();
        };
        QVERIFY(conflict(northLeft, southStraight));  // left across the opposite through
        QVERIFY(conflict(southStraight, northLeft));  // symmetric
        QVERIFY(!conflict(northRight, southRight));   // opposite right turns never meet
        QVERIFY(conflict(westStraight, southStraight) ||
                conflict(westStraight, conn({200, 400}, {200, 0}, TurnDirection::Straight)));
        QVERIFY(!conflict(northLeft, northRight));  // same approach
    }
    void signalProgram() {
        QVERIFY(m_net.nodeControl[m_centre.index()] == JunctionControl::Signal);
        const SignalProgram& p = m_net.programs[m_net.nodeProgram[m_centre.index()]];
        // Two phase groups (north-south, east-west), each green + yellow + all-red.
        QCOMPARE(p.phases.size(), std::size_t(6));
        QVERIFY(p.cycle() >= 60.0 && p.cycle() <= 120.0);
        const auto conns = m_net.connectionsOfNode(m_centre);
        std::vector<bool> everGreen(conns.size(), false);
        for (const auto& ph : p.phases) {
            QCOMPARE(ph.states.size(), conns.size());
            for (std::size_t i = 0; i < conns.size(); ++i) {
                everGreen[i] = everGreen[i] || ph.states[i] == 'G' || ph.states[i] == 'g';
                if (ph.states[i] != 'G') {
                    continue;
                }
                // Safety: two protected movements that conflict are never green together.
                for (std::uint32_t d : m_net.conflictsOf(conns[i])) {
                    QVERIFY(ph.states[m_net.connIndex[d]] != 'G');
                }
            }
        }
        for (bool g : everGreen) {
            QVERIFY(g);  // every movement gets green in some phase
        }
    }
    void joinedSignalCluster() {
        // Two divided roads cross at four signalised nodes joined by 8 m links (as OpenStreetMap
        // maps a dual carriageway crossing): one cluster. Outer approaches (one per node, 2
        // lanes each) form two phase groups, north-south and east-west, so the cycle is Webster's
        // (1.5 x 2 x (3 + 2) + 5) / 0.2 = 100 s with 45 s green per group, the same at all four
        // nodes. Connections from the 8 m inner links are never red.
        const RoadNetwork r = test::dualCarriagewayCrossing(8.0, 200.0, 2);
        const TrafficNetwork net = buildTrafficNetwork(r);
        const NodeId nw = test::nodeAt(r, {-4, 4}), ne = test::nodeAt(r, {4, 4}),
                     sw = test::nodeAt(r, {-4, -4}), se = test::nodeAt(r, {4, -4});
        QVERIFY(nw.valid() && ne.valid() && sw.valid() && se.valid());
        const std::uint32_t first = std::min({nw.index(), ne.index(), sw.index(), se.index()});
        std::uint32_t clustered = 0;
        for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
            clustered += net.nodeSignalCluster[n] != UINT32_MAX ? 1 : 0;
        }
        QCOMPARE(clustered, 4u);
        const std::vector<double> durations{45, 3, 2, 45, 3, 2};
        // The phase group of each outer approach (the arm entering each node).
        std::map<std::uint32_t, std::size_t> greenPhase;
        for (const NodeId n : {nw, ne, sw, se}) {
            QCOMPARE(net.nodeSignalCluster[n.index()], first);
            QVERIFY(net.nodeControl[n.index()] == JunctionControl::Signal);
            const SignalProgram& p = net.programs[net.nodeProgram[n.index()]];
            QCOMPARE(p.phases.size(), durations.size());
            QCOMPARE(p.offset, 0.0);
            for (std::size_t k = 0; k < durations.size(); ++k) {
                QCOMPARE(p.phases[k].duration, durations[k]);
            }
            const auto conns = net.connectionsOfNode(n);
            QCOMPARE(conns.size(), std::size_t(4));  // outer: right + straight, inner: straight + left
            int inner = 0;
            for (std::size_t i = 0; i < conns.size(); ++i) {
                const LinkId in = net.laneLink[net.connFrom[conns[i]].index()];
                const bool isInner = r.linkLength[in.index()] < 10.0;
                inner += isInner ? 1 : 0;
                for (std::size_t k = 0; k < p.phases.size(); ++k) {
                    const char st = p.phases[k].states[i];
                    if (isInner) {
                        // Never red; 'g' (yield) while the node's outer approach shows green or
                        // yellow now or in the phase before, else 'G'.
                        bool outerOpen = false;
                        for (std::size_t j = 0; j < conns.size(); ++j) {
                            const LinkId inJ = net.laneLink[net.connFrom[conns[j]].index()];
                            for (const std::size_t ph : {k, (k + 5) % 6}) {
                                const char o = p.phases[ph].states[j];
                                outerOpen = outerOpen || (r.linkLength[inJ.index()] > 10.0 && o != 'r');
                            }
                        }
                        QCOMPARE(st, outerOpen ? 'g' : 'G');
                    } else if (st == 'G') {
                        QVERIFY(k == 0 || k == 3);
                        greenPhase[n.index()] = k;
                    }
                }
            }
            QCOMPARE(inner, 2);
        }
        // Opposite directions of the same road are green together, the two roads alternate.
        QCOMPARE(greenPhase.size(), std::size_t(4));
        QCOMPARE(greenPhase[nw.index()], greenPhase[se.index()]);  // southbound with northbound
        QCOMPARE(greenPhase[ne.index()], greenPhase[sw.index()]);  // westbound with eastbound
        QVERIFY(greenPhase[nw.index()] != greenPhase[ne.index()]);

        // Without joining, each node runs a program of its own in which the inner approach is a
        // phase group of its own: red for half the cycle.
        NetworkBuildOptions separate;
        separate.signalJoinDistance = 0.0;
        const TrafficNetwork apart = buildTrafficNetwork(r, separate);
        for (const NodeId n : {nw, ne, sw, se}) {
            QCOMPARE(apart.nodeSignalCluster[n.index()], UINT32_MAX);
            const auto conns = apart.connectionsOfNode(n);
            const SignalProgram& p = apart.programs[apart.nodeProgram[n.index()]];
            for (std::size_t i = 0; i < conns.size(); ++i) {
                int red = 0;
                for (const auto& ph : p.phases) {
                    red += ph.states[i] == 'r' ? 1 : 0;
                }
                QVERIFY(red >= 3);
            }
        }
    }
    void signalsFarApartAreNotJoined() {
        // A 4x4 grid with 200 m blocks: four signalised crosses, 200 m apart, none joined; their
        // programs are exactly those of a build without joining.
        const RoadNetwork r = test::grid(4, 200.0, 2, true);
        const TrafficNetwork net = buildTrafficNetwork(r);
        NetworkBuildOptions separate;
        separate.signalJoinDistance = 0.0;
        const TrafficNetwork apart = buildTrafficNetwork(r, separate);
        QCOMPARE(net.programs.size(), std::size_t(4));
        for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
            QCOMPARE(net.nodeSignalCluster[n], UINT32_MAX);
            QCOMPARE(net.nodeProgram[n], apart.nodeProgram[n]);
        }
        for (std::size_t p = 0; p < net.programs.size(); ++p) {
            QCOMPARE(net.programs[p].phases.size(), apart.programs[p].phases.size());
            for (std::size_t k = 0; k < net.programs[p].phases.size(); ++k) {
                QCOMPARE(net.programs[p].phases[k].duration, apart.programs[p].phases[k].duration);
                QCOMPARE(net.programs[p].phases[k].states, apart.programs[p].phases[k].states);
            }
        }
        // Joined only below the distance: with 250 m the four crosses become one cluster.
        NetworkBuildOptions wide;
        wide.signalJoinDistance = 250.0;
        const TrafficNetwork one = buildTrafficNetwork(r, wide);
        int clustered = 0;
        for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
            clustered += one.nodeSignalCluster[n] != UINT32_MAX ? 1 : 0;
        }
        QCOMPARE(clustered, 4);
    }
    void priorityJunction() {
        // Without signals, a T-junction of a primary road and a residential street: the primary
        // has priority, the street yields, and the left turn off the primary yields.
        RoadNetworkBuilder b;
        WayInput main;
        main.points = {{-200, 0}, {0, 0}, {200, 0}};
        main.roadClass = RoadClass::Primary;
        b.addWay(main);
        WayInput side;
        side.points = {{0, 0}, {0, -200}};
        side.roadClass = RoadClass::Residential;
        b.addWay(side);
        const RoadNetwork r = b.build();
        const TrafficNetwork net = buildTrafficNetwork(r);
        const LinkId sideIn = test::linkBetween(r, {0, -200}, {0, 0});
        const LinkId eastIn = test::linkBetween(r, {200, 0}, {0, 0});
        const LinkId westIn = test::linkBetween(r, {-200, 0}, {0, 0});
        int checked = 0;
        for (std::uint32_t c = 0; c < net.connectionCount(); ++c) {
            const LinkId in = net.laneLink[net.connFrom[c].index()];
            if (in == sideIn) {
                QVERIFY(net.connBaseState[c] == LinkState::YieldGreen);
                ++checked;
            } else if (in == westIn && net.connDir[c] == TurnDirection::Straight) {
                QVERIFY(net.connBaseState[c] == LinkState::PriorityGreen);
                ++checked;
            } else if (in == eastIn && net.connDir[c] == TurnDirection::Left) {
                QVERIFY(net.connBaseState[c] == LinkState::YieldGreen);  // crosses westbound through traffic
                ++checked;
            }
        }
        QCOMPARE(checked, 4);  // side: left and right; west straight; east left
    }
};

QTEST_APPLESS_MAIN(TstTrafficNetwork)
#include "tst_traffic_network.moc"
