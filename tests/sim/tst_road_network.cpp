// Road network building: splitting at shared vertices, directions, lanes, turn connections and
// strongly connected components, each checked against a small network drawn by hand.
#include <QtTest>

#include <algorithm>
#include <set>

#include "citytwin/sim/road_network.h"

using namespace ct;

namespace {

WayInput way(std::vector<Vec2> pts, RoadClass c = RoadClass::Residential,
             WayInput::Oneway ow = WayInput::Oneway::No) {
    WayInput w;
    w.points = std::move(pts);
    w.roadClass = c;
    w.oneway = ow;
    return w;
}

std::set<std::pair<int, int>> linkPairs(const RoadNetwork& n) {
    std::set<std::pair<int, int>> s;
    for (std::size_t l = 0; l < n.linkCount(); ++l) {
        s.insert({static_cast<int>(n.linkFrom[l].index()), static_cast<int>(n.linkTo[l].index())});
    }
    return s;
}

}  // namespace

class TstRoadNetwork : public QObject {
    Q_OBJECT
private slots:
    void splitsAtSharedVertices() {
        // A cross: a horizontal way through (0,0) and a vertical way through (0,0). Each is split
        // at the shared vertex: 4 pieces, 8 directed links, 5 nodes, one intersection of degree 4.
        RoadNetworkBuilder b;
        b.addWay(way({{-100, 0}, {0, 0}, {100, 0}}));
        b.addWay(way({{0, -100}, {0, 0}, {0, 100}}));
        const RoadNetwork n = b.build();
        QCOMPARE(n.nodeCount(), std::size_t(5));
        QCOMPARE(n.linkCount(), std::size_t(8));
        int junctions = 0;
        for (std::uint32_t i = 0; i < n.nodeCount(); ++i) {
            junctions += n.nodeDegree(NodeId{i}) >= 3 ? 1 : 0;
        }
        QCOMPARE(junctions, 1);
        for (std::size_t l = 0; l < n.linkCount(); ++l) {
            QCOMPARE(n.linkLength[l], 100.0f);
            QVERIFY(n.linkReverse[l].valid());
            QCOMPARE(n.linkReverse[n.linkReverse[l].index()].index(), static_cast<std::uint32_t>(l));
        }
    }
    void noConnectionWithoutSharedVertex() {
        // A bridge crossing a street geometrically but without a shared vertex stays separate.
        RoadNetworkBuilder b;
        b.addWay(way({{-100, 0}, {100, 0}}));
        b.addWay(way({{0, -100}, {0, 100}}, RoadClass::Primary));
        const RoadNetwork n = b.build();
        QCOMPARE(n.nodeCount(), std::size_t(4));
        QCOMPARE(n.linkCount(), std::size_t(4));
    }
    void intermediateVerticesStayShape() {
        // Unshared intermediate vertices are shape points, not nodes.
        RoadNetworkBuilder b;
        b.addWay(way({{0, 0}, {30, 40}, {60, 0}}));
        const RoadNetwork n = b.build();
        QCOMPARE(n.nodeCount(), std::size_t(2));
        QCOMPARE(n.linkCount(), std::size_t(2));
        QCOMPARE(n.shape(LinkId{0}).size(), std::size_t(3));
        QCOMPARE(n.linkLength[0], 100.0f);  // 50 + 50 (3-4-5 triangles)
        // The reverse link's shape is the forward shape backwards.
        QCOMPARE(n.shape(LinkId{1})[0].x, 60.0);
    }
    void onewayDirections() {
        RoadNetworkBuilder b;
        b.addWay(way({{0, 0}, {100, 0}}, RoadClass::Residential, WayInput::Oneway::Forward));
        b.addWay(way({{0, 50}, {100, 50}}, RoadClass::Residential, WayInput::Oneway::Backward));
        const RoadNetwork n = b.build();
        QCOMPARE(n.linkCount(), std::size_t(2));
        QCOMPARE(n.nodePos[n.linkFrom[0].index()].x, 0.0);    // forward: 0 -> 100
        QCOMPARE(n.nodePos[n.linkFrom[1].index()].x, 100.0);  // backward: 100 -> 0
        QVERIFY(!n.linkReverse[0].valid());
        QVERIFY(n.hasFlag(LinkId{0}, link_flags::kOneway));
    }
    void defaultsAndExplicitLanes() {
        RoadNetworkBuilder b;
        WayInput w = way({{0, 0}, {100, 0}}, RoadClass::Primary);
        w.lanesForward = 3;
        w.speedMps = 13.9;
        b.addWay(w);
        b.addWay(way({{0, 10}, {100, 10}}, RoadClass::Residential));
        const RoadNetwork n = b.build();
        QCOMPARE(int(n.linkLanes[0]), 3);
        QCOMPARE(int(n.linkLanes[1]), defaults(RoadClass::Primary).lanesPerDirection);
        QCOMPARE(n.linkSpeed[0], 13.9f);
        QCOMPARE(n.linkSpeed[2], static_cast<float>(30.0 / 3.6));
    }
    void closedWayIsNotASelfLoop() {
        // A roundabout drawn as one closed way touching nothing: split so no link starts and ends
        // at the same node.
        RoadNetworkBuilder b;
        WayInput w =
            way({{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}}, RoadClass::Tertiary, WayInput::Oneway::Forward);
        w.roundabout = true;
        b.addWay(w);
        const RoadNetwork n = b.build();
        QCOMPARE(n.linkCount(), std::size_t(2));
        for (std::size_t l = 0; l < n.linkCount(); ++l) {
            QVERIFY(n.linkFrom[l] != n.linkTo[l]);
        }
        QCOMPARE(n.linkLength[0] + n.linkLength[1], 80.0f);
    }
    void turnsAtACross() {
        // At a 4-way cross, each approach may go straight, left or right but not back (no U-turn).
        RoadNetworkBuilder b;
        b.addWay(way({{-100, 0}, {0, 0}, {100, 0}}));
        b.addWay(way({{0, -100}, {0, 0}, {0, 100}}));
        const RoadNetwork n = b.build();
        QCOMPARE(n.turnTo.size(), std::size_t(4 * 3 + 4 * 1));  // 4 approaches x 3 + 4 dead-end U-turns
        // The eastbound approach (from (-100,0) to (0,0)): straight east, left north, right south.
        for (std::uint32_t l = 0; l < n.linkCount(); ++l) {
            const auto s = n.shape(LinkId{l});
            if (s.front().x == -100.0 && s.back().x == 0.0) {
                QCOMPARE(n.turns(LinkId{l}).size(), std::size_t(3));
                for (std::size_t t = n.turnOffset[l]; t < n.turnOffset[l + 1]; ++t) {
                    const auto o = n.shape(n.turnTo[t]);
                    if (o.back().x == 100.0) {
                        QCOMPARE(n.turnDir[t], TurnDirection::Straight);
                    } else if (o.back().y == 100.0) {
                        QCOMPARE(n.turnDir[t], TurnDirection::Left);
                    } else {
                        QCOMPARE(o.back().y, -100.0);
                        QCOMPARE(n.turnDir[t], TurnDirection::Right);
                    }
                }
            }
        }
    }
    void stronglyConnectedComponent() {
        // A two-way street a-b-c plus a one-way spur b -> d that ends at d (a sink) and a one-way
        // e -> b that nothing reaches (a source). The main component is the two-way street: 4 links.
        RoadNetworkBuilder b;
        b.addWay(way({{0, 0}, {100, 0}, {200, 0}}));
        b.addWay(way({{100, 0}, {100, 100}}, RoadClass::Residential, WayInput::Oneway::Forward));
        b.addWay(way({{100, -100}, {100, 0}}, RoadClass::Residential, WayInput::Oneway::Forward));
        const RoadNetwork n = b.build();
        QCOMPARE(n.linkCount(), std::size_t(6));
        QCOMPARE(n.mainComponentLinks, 4u);
        for (std::uint32_t l = 0; l < n.linkCount(); ++l) {
            const bool spur = n.hasFlag(LinkId{l}, link_flags::kOneway);
            QCOMPARE(n.hasFlag(LinkId{l}, link_flags::kMainComponent), !spur);
        }
        std::uint32_t comps = 0;
        linkComponents(n, &comps);
        QCOMPARE(comps, 3u);  // the street, the sink spur, the source spur
    }
    void signalsMarkNearestIntersection() {
        RoadNetworkBuilder b;
        b.addWay(way({{-100, 0}, {0, 0}, {100, 0}}));
        b.addWay(way({{0, -100}, {0, 0}}));
        b.addSignal({5, 5});    // 7 m from the T junction: marks it
        b.addSignal({-95, 0});  // next to a dead end only: matches nothing
        std::size_t unmatched = 0;
        const RoadNetwork n = b.build(&unmatched);
        QCOMPARE(unmatched, std::size_t(1));
        int signalised = 0;
        for (std::uint32_t i = 0; i < n.nodeCount(); ++i) {
            if ((n.nodeFlags[i] & node_flags::kSignalised) != 0) {
                ++signalised;
                QCOMPARE(n.nodePos[i].x, 0.0);
                QCOMPARE(n.nodePos[i].y, 0.0);
            }
        }
        QCOMPARE(signalised, 1);
    }
    void deterministicIds() {
        auto build = [] {
            RoadNetworkBuilder b;
            b.addWay(way({{-100, 0}, {0, 0}, {100, 0}}));
            b.addWay(way({{0, -100}, {0, 0}, {0, 100}}));
            b.addWay(way({{100, 0}, {100, 100}, {0, 100}}));
            return b.build();
        };
        const RoadNetwork a = build(), c = build();
        QCOMPARE(linkPairs(a), linkPairs(c));
        QVERIFY(a.linkFrom == c.linkFrom);
        QVERIFY(a.turnTo == c.turnTo);
    }
};

QTEST_APPLESS_MAIN(TstRoadNetwork)
#include "tst_road_network.moc"
