#pragma once
// Small networks for traffic tests, built from ways as a loader would.
#include <cmath>
#include <vector>

#include "citytwin/sim/road_network.h"
#include "citytwin/traffic/simulation.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::test {

/// A straight road of `links` links of `length` m from (0,0) eastwards.
inline RoadNetwork straightRoad(int links, double length, int lanes, double speedMps) {
    RoadNetworkBuilder b;
    for (int i = 0; i < links; ++i) {
        WayInput w;
        w.points = {{i * length, 0.0}, {(i + 1) * length, 0.0}};
        w.oneway = WayInput::Oneway::Forward;
        w.lanesForward = lanes;
        w.speedMps = speedMps;
        w.roadClass = RoadClass::Primary;
        b.addWay(w);
    }
    return b.build();
}

/// A one-lane one-way ring: a square of four links of `side` m, counter-clockwise.
inline RoadNetwork ring(double side, double speedMps) {
    RoadNetworkBuilder b;
    const std::vector<Vec2> c{{0, 0}, {side, 0}, {side, side}, {0, side}};
    for (int i = 0; i < 4; ++i) {
        WayInput w;
        w.points = {c[i], c[(i + 1) % 4]};
        w.oneway = WayInput::Oneway::Forward;
        w.lanesForward = 1;
        w.speedMps = speedMps;
        b.addWay(w);
    }
    return b.build();
}

/// An n x n grid of two-way streets, `spacing` m apart, `lanes` lanes each way, signals at every
/// node where four streets meet (like SUMO's netgenerate --grid with traffic lights).
inline RoadNetwork grid(int n, double spacing, int lanes, bool withSignals) {
    RoadNetworkBuilder b;
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i + 1 < n; ++i) {
            WayInput h;
            h.points = {{i * spacing, j * spacing}, {(i + 1) * spacing, j * spacing}};
            h.lanesForward = h.lanesBackward = lanes;
            h.roadClass = RoadClass::Secondary;
            h.speedMps = 13.89;
            b.addWay(h);
            WayInput v;
            v.points = {{j * spacing, i * spacing}, {j * spacing, (i + 1) * spacing}};
            v.lanesForward = v.lanesBackward = lanes;
            v.roadClass = RoadClass::Secondary;
            v.speedMps = 13.89;
            b.addWay(v);
        }
    }
    if (withSignals) {
        for (int j = 1; j + 1 < n; ++j) {
            for (int i = 1; i + 1 < n; ++i) {
                b.addSignal({i * spacing, j * spacing});
            }
        }
    }
    return b.build();
}

/// The crossing of two dual carriageways as OpenStreetMap maps it: a north-south and an
/// east-west road, each two one-way carriageways `gap` m apart with `lanes` lanes, meeting at four
/// signalised nodes (+-gap/2, +-gap/2) joined by `gap` m links; arms of `arm` m beyond, driving
/// on the right: southbound at x = -gap/2, northbound at x = +gap/2, westbound at y = +gap/2,
/// eastbound at y = -gap/2.
inline RoadNetwork dualCarriagewayCrossing(double gap, double arm, int lanes, bool withSignals = true) {
    RoadNetworkBuilder b;
    const double h = 0.5 * gap;
    const std::vector<std::vector<Vec2>> carriageways{
        {{-h, arm}, {-h, h}, {-h, -h}, {-h, -arm}},  // southbound
        {{h, -arm}, {h, -h}, {h, h}, {h, arm}},      // northbound
        {{arm, h}, {h, h}, {-h, h}, {-arm, h}},      // westbound
        {{-arm, -h}, {-h, -h}, {h, -h}, {arm, -h}},  // eastbound
    };
    for (const auto& pts : carriageways) {
        WayInput w;
        w.points = pts;
        w.oneway = WayInput::Oneway::Forward;
        w.lanesForward = lanes;
        w.roadClass = RoadClass::Secondary;
        w.speedMps = 13.89;
        b.addWay(w);
    }
    if (withSignals) {
        for (const Vec2 p : {Vec2{-h, h}, Vec2{h, h}, Vec2{-h, -h}, Vec2{h, -h}}) {
            b.addSignal(p, 1.0);
        }
    }
    return b.build();
}

/// The node at position p, or invalid.
inline NodeId nodeAt(const RoadNetwork& r, Vec2 p) {
    for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
        if (distance(r.nodePos[n], p) < 1e-6) {
            return NodeId{n};
        }
    }
    return {};
}

/// The link from node position a to node position b, or invalid.
inline LinkId linkBetween(const RoadNetwork& r, Vec2 a, Vec2 b) {
    for (std::uint32_t l = 0; l < r.linkCount(); ++l) {
        const Vec2 p = r.nodePos[r.linkFrom[l].index()], q = r.nodePos[r.linkTo[l].index()];
        if (distance(p, a) < 1e-6 && distance(q, b) < 1e-6) {
            return LinkId{l};
        }
    }
    return {};
}

/// Vehicles on the network counted from the lane lists, independent of the counters.
inline std::size_t countOnNetwork(const traffic::Simulation& s) {
    return s.vehicles().size();
}

}  // namespace ct::test
