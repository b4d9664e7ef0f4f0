#include <algorithm>
#include <cmath>
#include <numeric>

#include "citytwin/traffic/traffic_network.h"

namespace ct::traffic {

char toChar(LinkState s) {
    switch (s) {
        case LinkState::PriorityGreen:
            return 'G';
        case LinkState::YieldGreen:
            return 'g';
        case LinkState::Yellow:
            return 'y';
        case LinkState::Red:
            return 'r';
        case LinkState::Stop:
            return 's';
        case LinkState::Off:
            return 'O';
    }
    return 'O';
}

LinkState linkStateFromChar(char c) {
    switch (c) {
        case 'G':
            return LinkState::PriorityGreen;
        case 'g':
            return LinkState::YieldGreen;
        case 'y':
        case 'Y':
            return LinkState::Yellow;
        case 'r':
        case 'R':
        case 'u':  // SUMO red-yellow: still stop
            return LinkState::Red;
        case 's':
            return LinkState::Stop;
        default:
            return LinkState::Off;
    }
}

double SignalProgram::cycle() const {
    double c = 0.0;
    for (const Phase& p : phases) {
        c += p.duration;
    }
    return c;
}

std::size_t SignalProgram::phaseAt(double t) const {
    const double c = cycle();
    if (phases.empty() || c <= 0.0) {
        return 0;
    }
    double tin = std::fmod(t + offset, c);
    if (tin < 0.0) {
        tin += c;
    }
    for (std::size_t i = 0; i < phases.size(); ++i) {
        if (tin < phases[i].duration) {
            return i;
        }
        tin -= phases[i].duration;
    }
    return phases.size() - 1;
}

LinkState TrafficNetwork::stateAt(std::uint32_t conn, double t) const {
    const std::uint32_t prog = nodeProgram[connNode[conn].index()];
    if (prog == UINT32_MAX) {
        return connBaseState[conn];
    }
    const SignalProgram& p = programs[prog];
    if (p.phases.empty()) {
        return connBaseState[conn];
    }
    const std::string& s = p.phases[p.phaseAt(t)].states;
    return connIndex[conn] < s.size() ? linkStateFromChar(s[connIndex[conn]]) : LinkState::Off;
}

namespace {

constexpr double kPi = 3.14159265358979323846;

double angleOf(Vec2 v) {
    return std::atan2(v.y, v.x);
}

/// Direction from the node into the incoming link (towards where vehicles come from).
double inApproachAngle(const RoadNetwork& r, LinkId l) {
    const auto s = r.shape(l);
    return angleOf(s[s.size() - 2] - s[s.size() - 1]);
}
/// Counter-clockwise angle from a to b in [0, 2pi).
double ccw(double a, double b) {
    double d = std::fmod(b - a, 2 * kPi);
    return d < 0 ? d + 2 * kPi : d;
}

struct Movement {
    double in, out;  // angles of the approach and exit directions around the node
};

/// Paths across a point junction cross when their end directions interleave around the node.
bool crosses(const Movement& a, const Movement& b) {
    const double arc = ccw(a.in, a.out);
    const bool bin = ccw(a.in, b.in) > 1e-9 && ccw(a.in, b.in) < arc - 1e-9;
    const bool bout = ccw(a.in, b.out) > 1e-9 && ccw(a.in, b.out) < arc - 1e-9;
    return bin != bout;
}

}  // namespace

void computeConflicts(TrafficNetwork& net) {
    const std::size_t nc = net.connectionCount();
    // Movement angles from the lane geometry of the link network (node positions and the
    // neighbouring nodes; good enough for the topology of the crossing test).
    auto linkAngleIn = [&](LinkId l) {
        const Vec2 a = net.nodePos[net.linkFrom[l.index()].index()],
                   b = net.nodePos[net.linkTo[l.index()].index()];
        return angleOf(a - b);
    };
    auto linkAngleOut = [&](LinkId l) {
        const Vec2 a = net.nodePos[net.linkFrom[l.index()].index()],
                   b = net.nodePos[net.linkTo[l.index()].index()];
        return angleOf(b - a);
    };
    std::vector<Movement> mv(nc);
    for (std::size_t c = 0; c < nc; ++c) {
        mv[c] = {linkAngleIn(net.laneLink[net.connFrom[c].index()]),
                 linkAngleOut(net.laneLink[net.connTo[c].index()])};
    }
    net.conflictOffset.assign(nc + 1, 0);
    net.conflicts.clear();
    for (std::size_t c = 0; c < nc; ++c) {
        const LinkId inC = net.laneLink[net.connFrom[c].index()], outC = net.laneLink[net.connTo[c].index()];
        for (std::uint32_t d : net.connectionsOfNode(net.connNode[c])) {
            if (d == c) {
                continue;
            }
            const LinkId inD = net.laneLink[net.connFrom[d].index()],
                         outD = net.laneLink[net.connTo[d].index()];
            bool conflict = false;
            if (inC == inD) {
                conflict = false;  // the same approach: lane discipline keeps them apart
            } else if (outC == outD) {
                conflict = net.connTo[c] == net.connTo[d];  // merging into the same lane
            } else {
                conflict = crosses(mv[c], mv[d]);
            }
            if (conflict) {
                net.conflicts.push_back(d);
            }
        }
        net.conflictOffset[c + 1] = static_cast<std::uint32_t>(net.conflicts.size());
    }
}

namespace {

/// Generates fixed-time programs for signalised nodes that run as one controller: a single node,
/// or a joined cluster (docs/traffic.md). The approaches from outside (every incoming link that
/// is not `inner`) are grouped into phases: opposite approaches share a phase; through and right
/// turns are protected, left turns permitted (yield to the opposite through traffic); green,
/// yellow and all-red per phase; the cycle from Webster's formula, clamped. Connections from an
/// inner link are never red: 'G' in a phase where no conflicting connection of their node shows
/// G, g or y in that phase or the one before, else 'g'. Returns one program per node, in the
/// order of `nodes`, all with the same phase durations (and offset 0).
std::vector<SignalProgram> generatePrograms(const RoadNetwork& r, const TrafficNetwork& net,
                                            const std::vector<NodeId>& nodes, const std::vector<char>& inner,
                                            const NetworkBuildOptions& o) {
    std::vector<LinkId> approaches;
    for (NodeId node : nodes) {
        for (LinkId l : r.incoming(node)) {
            if (inner.empty() || inner[l.index()] == 0) {
                approaches.push_back(l);
            }
        }
    }
    // Group approaches into phases: each approach with the one most nearly opposite to it.
    std::vector<int> group(approaches.size(), -1);
    int groups = 0;
    std::vector<std::size_t> order(approaches.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return defaults(r.linkClass[approaches[a].index()]).rank >
               defaults(r.linkClass[approaches[b].index()]).rank;
    });
    for (std::size_t i : order) {
        if (group[i] >= 0) {
            continue;
        }
        group[i] = groups;
        double best = 35.0 * kPi / 180.0;
        std::size_t partner = SIZE_MAX;
        for (std::size_t j : order) {
            if (group[j] >= 0) {
                continue;
            }
            const double dev =
                std::abs(ccw(inApproachAngle(r, approaches[i]), inApproachAngle(r, approaches[j])) - kPi);
            if (dev < best) {
                best = dev;
                partner = j;
            }
        }
        if (partner != SIZE_MAX) {
            group[partner] = groups;
        }
        ++groups;
    }

    // Green split by the lanes each phase serves; cycle by Webster with an assumed flow ratio of
    // 0.8 / phases per phase (no demand is known yet): C = (1.5 L + 5) / (1 - Y).
    std::vector<double> lanes(static_cast<std::size_t>(groups), 0.0);
    for (std::size_t i = 0; i < approaches.size(); ++i) {
        lanes[static_cast<std::size_t>(group[i])] += r.linkLanes[approaches[i].index()];
    }
    const double lost = groups * (o.yellow + o.allRed);
    const double y = 0.8;
    double cycle = (1.5 * lost + 5.0) / (1.0 - y);
    cycle = std::clamp(cycle, o.minSignalCycle, o.maxSignalCycle);
    const double green = std::max(10.0 * groups, cycle - lost);
    const double totalLanes = std::accumulate(lanes.begin(), lanes.end(), 0.0);

    std::vector<SignalProgram> out(nodes.size());
    for (int g = 0; g < groups; ++g) {
        const double share = totalLanes > 0 ? lanes[static_cast<std::size_t>(g)] / totalLanes : 1.0 / groups;
        const double gTime = std::max(10.0, std::round(green * share));
        for (std::size_t ni = 0; ni < nodes.size(); ++ni) {
            const auto conns = net.connectionsOfNode(nodes[ni]);
            std::string st(conns.size(), 'r');
            for (std::size_t k = 0; k < conns.size(); ++k) {
                const std::uint32_t c = conns[k];
                const LinkId in = net.laneLink[net.connFrom[c].index()];
                const auto it = std::find(approaches.begin(), approaches.end(), in);
                if (it == approaches.end() || group[static_cast<std::size_t>(it - approaches.begin())] != g) {
                    continue;
                }
                // Protected unless it crosses another movement that is green in the same phase.
                bool yield = false;
                for (std::uint32_t d : net.conflictsOf(c)) {
                    const LinkId inD = net.laneLink[net.connFrom[d].index()];
                    const auto jt = std::find(approaches.begin(), approaches.end(), inD);
                    if (jt != approaches.end() &&
                        group[static_cast<std::size_t>(jt - approaches.begin())] == g &&
                        net.connDir[c] != TurnDirection::Straight && net.connDir[c] != TurnDirection::Right) {
                        yield = true;
                    }
                }
                st[k] = yield ? 'g' : 'G';
            }
            SignalProgram& p = out[ni];
            p.phases.push_back({gTime, st});
            std::string yellow = st;
            for (char& ch : yellow) {
                ch = (ch == 'G' || ch == 'g') ? 'y' : 'r';
            }
            p.phases.push_back({o.yellow, yellow});
            p.phases.push_back({o.allRed, std::string(conns.size(), 'r')});
        }
    }
    if (inner.empty()) {
        return out;
    }
    // Inner approaches: never red (first marked 'g' so that they count as green for each other).
    for (std::size_t ni = 0; ni < nodes.size(); ++ni) {
        const auto conns = net.connectionsOfNode(nodes[ni]);
        auto& phases = out[ni].phases;
        std::vector<std::size_t> innerConns;
        for (std::size_t k = 0; k < conns.size(); ++k) {
            if (inner[net.laneLink[net.connFrom[conns[k]].index()].index()] != 0) {
                innerConns.push_back(k);
                for (auto& ph : phases) {
                    ph.states[k] = 'g';
                }
            }
        }
        const auto open = [&](std::size_t ph, std::uint32_t d) {
            const char ch = phases[ph].states[net.connIndex[d]];
            return ch == 'G' || ch == 'g' || ch == 'y';
        };
        std::vector<std::string> states;
        for (const auto& ph : phases) {
            states.push_back(ph.states);
        }
        for (std::size_t ph = 0; ph < phases.size(); ++ph) {
            const std::size_t prev = (ph + phases.size() - 1) % phases.size();
            for (std::size_t k : innerConns) {
                bool foeOpen = false;
                for (std::uint32_t d : net.conflictsOf(conns[k])) {
                    foeOpen = foeOpen || open(ph, d) || open(prev, d);
                }
                states[ph][k] = foeOpen ? 'g' : 'G';
            }
        }
        for (std::size_t ph = 0; ph < phases.size(); ++ph) {
            phases[ph].states = states[ph];
        }
    }
    return out;
}

}  // namespace

TrafficNetwork buildTrafficNetwork(const RoadNetwork& r, const NetworkBuildOptions& o) {
    TrafficNetwork net;
    const std::size_t nl = r.linkCount(), nn = r.nodeCount();
    net.linkFrom = r.linkFrom;
    net.linkTo = r.linkTo;
    net.linkLength = r.linkLength;
    net.linkSpeed = r.linkSpeed;
    net.nodePos = r.nodePos;
    net.turnOffset = r.turnOffset;
    net.turnTo = r.turnTo;

    // Junction size: half the widest crossing road, so lanes end at the junction's edge (as in
    // SUMO) and the internal lanes carry the rest of the centreline length.
    std::vector<double> radius(nn, 0.0);
    for (std::uint32_t n = 0; n < nn; ++n) {
        if (r.nodeDegree(NodeId{n}) < 3) {
            continue;
        }
        double widest = 0.0, shortest = 1e9;
        for (auto links : {r.incoming(NodeId{n}), r.outgoing(NodeId{n})}) {
            for (LinkId l : links) {
                const LinkId rev = r.linkReverse[l.index()];
                const double total = r.linkLanes[l.index()] + (rev.valid() ? r.linkLanes[rev.index()] : 0);
                widest = std::max(widest, total);
                shortest = std::min(shortest, static_cast<double>(r.linkLength[l.index()]));
            }
        }
        radius[n] = std::min(0.5 * widest * o.laneWidth, 0.3 * shortest);
    }

    // Normal lanes.
    net.linkLaneOffset.assign(nl + 1, 0);
    for (std::uint32_t l = 0; l < nl; ++l) {
        net.linkLaneOffset[l + 1] = net.linkLaneOffset[l] + r.linkLanes[l];
        const double len =
            std::max(1.0, r.linkLength[l] - radius[r.linkFrom[l].index()] - radius[r.linkTo[l].index()]);
        for (std::uint32_t i = 0; i < r.linkLanes[l]; ++i) {
            net.laneLink.push_back(LinkId{l});
            net.laneIndex.push_back(static_cast<std::uint8_t>(i));
            net.laneLength.push_back(static_cast<float>(len));
            net.laneSpeed.push_back(r.linkSpeed[l]);
            net.laneConnection.push_back(UINT32_MAX);
        }
    }
    net.normalLaneCount = static_cast<std::uint32_t>(net.laneLength.size());

    // Connections: the turns of each link ordered right to left, incoming lanes spread over them
    // without crossing, each onto the matching lanes of the outgoing link.
    net.laneConnOffset.assign(net.normalLaneCount + 1, 0);
    std::vector<std::vector<std::uint32_t>> byLane(net.normalLaneCount);
    for (std::uint32_t l = 0; l < nl; ++l) {
        const LinkId in{l};
        const auto turns = r.turns(in);
        if (turns.empty()) {
            continue;
        }
        const auto shapeIn = r.shape(in);
        const Vec2 inDir = shapeIn[shapeIn.size() - 1] - shapeIn[shapeIn.size() - 2];
        std::vector<std::pair<double, std::size_t>> ordered;
        for (std::size_t t = 0; t < turns.size(); ++t) {
            const std::size_t ti = r.turnOffset[l] + t;
            const auto so = r.shape(turns[t]);
            double a = std::atan2(cross(inDir, so[1] - so[0]), dot(inDir, so[1] - so[0]));
            if (r.turnDir[ti] == TurnDirection::UTurn) {
                a = kPi;
            }
            ordered.emplace_back(a, t);
        }
        std::stable_sort(ordered.begin(), ordered.end());
        const int nIn = r.linkLanes[l];
        const int m = static_cast<int>(ordered.size());
        const NodeId node = r.linkTo[l];
        const double rad = radius[node.index()];
        for (int k = 0; k < m; ++k) {
            const std::size_t t = ordered[static_cast<std::size_t>(k)].second;
            const std::size_t ti = r.turnOffset[l] + t;
            const LinkId out = turns[t];
            const TurnDirection dir = r.turnDir[ti];
            const int first = k * nIn / m;
            const int last = std::max(first, (k + 1) * nIn / m + (((k + 1) * nIn) % m != 0 ? 1 : 0) - 1);
            const int span = last - first + 1;
            const int nOut = r.linkLanes[out.index()];
            const int base = dir == TurnDirection::Right      ? 0
                             : dir == TurnDirection::Straight ? std::clamp(first, 0, std::max(0, nOut - span))
                                                              : std::max(0, nOut - span);
            for (int i = first; i <= last && i < nIn; ++i) {
                const int target = std::clamp(base + (i - first), 0, nOut - 1);
                const auto c = static_cast<std::uint32_t>(net.connFrom.size());
                const LaneId fromLane = net.lane(in, static_cast<std::uint32_t>(i));
                net.connFrom.push_back(fromLane);
                net.connTo.push_back(net.lane(out, static_cast<std::uint32_t>(target)));
                net.connDir.push_back(dir);
                net.connNode.push_back(node);
                // The internal lane: its length follows the turn across a junction of radius rad.
                // A U-turn (at a dead end, where the radius may be 0) turns on at least a half
                // circle across the road: pi/2 lane widths.
                const double len = std::max(dir == TurnDirection::UTurn ? 0.5 * M_PI * o.laneWidth : 1.0,
                                            dir == TurnDirection::Straight ? 2.0 * rad
                                            : dir == TurnDirection::Right  ? 1.2 * rad
                                            : dir == TurnDirection::Left   ? 2.4 * rad
                                                                           : 3.0 * rad);
                double speed = std::min(r.linkSpeed[l], r.linkSpeed[out.index()]);
                if (rad > 0.0 || dir == TurnDirection::UTurn) {
                    // Turning speeds: about 20 km/h right, 25 km/h left, 10 km/h for a U-turn
                    // (also at a dead end without a junction).
                    speed = std::min(speed, dir == TurnDirection::Right   ? 5.5
                                            : dir == TurnDirection::Left  ? 7.0
                                            : dir == TurnDirection::UTurn ? 3.0
                                                                          : speed);
                }
                net.connVia.push_back(LaneId{static_cast<std::uint32_t>(net.laneLength.size())});
                net.laneLink.emplace_back();
                net.laneIndex.push_back(0);
                net.laneLength.push_back(static_cast<float>(len));
                net.laneSpeed.push_back(static_cast<float>(speed));
                net.laneConnection.push_back(c);
                byLane[fromLane.index()].push_back(c);
            }
        }
    }
    // Connections are already grouped by from-link and lane order within it; build the CSR.
    {
        std::vector<std::uint32_t> perm;
        for (std::uint32_t lane = 0; lane < net.normalLaneCount; ++lane) {
            perm.insert(perm.end(), byLane[lane].begin(), byLane[lane].end());
            net.laneConnOffset[lane + 1] = static_cast<std::uint32_t>(perm.size());
        }
        // Renumber connections into lane order so the CSR indexes them directly.
        std::vector<std::uint32_t> newId(perm.size());
        for (std::uint32_t i = 0; i < perm.size(); ++i) {
            newId[perm[i]] = i;
        }
        auto apply = [&](auto& v) {
            auto copy = v;
            for (std::uint32_t i = 0; i < perm.size(); ++i) {
                v[i] = copy[perm[i]];
            }
        };
        apply(net.connFrom);
        apply(net.connTo);
        apply(net.connVia);
        apply(net.connDir);
        apply(net.connNode);
        for (std::uint32_t lane = net.normalLaneCount; lane < net.laneLength.size(); ++lane) {
            net.laneConnection[lane] = newId[net.laneConnection[lane]];
        }
    }

    // Per-node connection lists (in connection id order) and their indexes within the node.
    const std::size_t nc = net.connFrom.size();
    net.nodeConnOffset.assign(nn + 1, 0);
    for (std::size_t c = 0; c < nc; ++c) {
        ++net.nodeConnOffset[net.connNode[c].index() + 1];
    }
    for (std::size_t n = 0; n < nn; ++n) {
        net.nodeConnOffset[n + 1] += net.nodeConnOffset[n];
    }
    net.nodeConns.resize(nc);
    net.connIndex.resize(nc);
    {
        std::vector<std::uint32_t> fill(net.nodeConnOffset.begin(), net.nodeConnOffset.end() - 1);
        for (std::uint32_t c = 0; c < nc; ++c) {
            const std::uint32_t n = net.connNode[c].index();
            net.connIndex[c] = static_cast<std::uint16_t>(fill[n] - net.nodeConnOffset[n]);
            net.nodeConns[fill[n]++] = c;
        }
    }
    computeConflicts(net);

    // Right of way: signals where the data says so; elsewhere the highest-ranked roads have
    // priority and the others yield; on roundabouts the circulating traffic has priority.
    net.nodeControl.assign(nn, JunctionControl::None);
    net.nodeProgram.assign(nn, UINT32_MAX);
    net.connBaseState.assign(nc, LinkState::PriorityGreen);
    // Joined signal clusters: signalised junctions linked (transitively) by links shorter than
    // signalJoinDistance; each such link is an inner link of its cluster. Union-find with the
    // lowest node index as the root.
    std::vector<char> signalised(nn, 0);
    for (std::uint32_t n = 0; n < nn; ++n) {
        signalised[n] = (r.nodeFlags[n] & node_flags::kSignalised) != 0 &&
                        !net.connectionsOfNode(NodeId{n}).empty() && r.nodeDegree(NodeId{n}) >= 3;
    }
    std::vector<std::uint32_t> root(nn);
    std::iota(root.begin(), root.end(), 0u);
    const auto find = [&](std::uint32_t n) {
        while (root[n] != n) {
            n = root[n] = root[root[n]];
        }
        return n;
    };
    std::vector<char> inner(nl, 0);
    bool anyInner = false;
    for (std::uint32_t l = 0; l < nl; ++l) {
        const std::uint32_t a = r.linkFrom[l].index(), b = r.linkTo[l].index();
        if (a != b && signalised[a] != 0 && signalised[b] != 0 && r.linkLength[l] < o.signalJoinDistance) {
            inner[l] = 1;
            anyInner = true;
            const std::uint32_t ra = find(a), rb = find(b);
            root[std::max(ra, rb)] = std::min(ra, rb);
        }
    }
    std::vector<std::vector<NodeId>> members(anyInner ? nn : 0);
    net.nodeSignalCluster.assign(nn, UINT32_MAX);
    if (anyInner) {
        for (std::uint32_t n = 0; n < nn; ++n) {
            if (signalised[n] != 0) {
                members[find(n)].push_back(NodeId{n});
            }
        }
        for (std::uint32_t n = 0; n < nn; ++n) {
            if (signalised[n] != 0 && members[find(n)].size() > 1) {
                net.nodeSignalCluster[n] = find(n);
            }
        }
    }
    std::vector<SignalProgram> clusterProgram(anyInner ? nn : 0);

    for (std::uint32_t n = 0; n < nn; ++n) {
        const NodeId node{n};
        const auto conns = net.connectionsOfNode(node);
        if (conns.empty() || r.nodeDegree(node) < 3) {
            continue;
        }
        if ((r.nodeFlags[n] & node_flags::kSignalised) != 0) {
            net.nodeControl[n] = JunctionControl::Signal;
            net.nodeProgram[n] = static_cast<std::uint32_t>(net.programs.size());
            const std::uint32_t cl = net.nodeSignalCluster[n];
            if (cl == UINT32_MAX) {
                net.programs.push_back(generatePrograms(r, net, {node}, {}, o).front());
                continue;
            }
            if (cl == n) {  // the cluster's first node: one coordinated program for all its nodes
                auto programs = generatePrograms(r, net, members[n], inner, o);
                for (std::size_t i = 0; i < programs.size(); ++i) {
                    clusterProgram[members[n][i].index()] = std::move(programs[i]);
                }
            }
            net.programs.push_back(std::move(clusterProgram[n]));
            continue;
        }
        net.nodeControl[n] = JunctionControl::Priority;
        const bool roundabout = (r.nodeFlags[n] & node_flags::kRoundabout) != 0;
        // The major road: the best approach by (class rank, lanes, lowest id) and the top-ranked
        // approach most nearly opposite to it. Everyone else yields.
        std::vector<LinkId> major;
        if (!roundabout) {
            LinkId best;
            for (LinkId in : r.incoming(node)) {
                auto key = [&](LinkId l) {
                    return std::make_pair(defaults(r.linkClass[l.index()]).rank, int(r.linkLanes[l.index()]));
                };
                if (!best.valid() || key(in) > key(best)) {
                    best = in;
                }
            }
            major.push_back(best);
            LinkId partner;
            double bestDev = 45.0 * kPi / 180.0;
            for (LinkId in : r.incoming(node)) {
                if (in == best ||
                    defaults(r.linkClass[in.index()]).rank != defaults(r.linkClass[best.index()]).rank) {
                    continue;
                }
                const double dev = std::abs(ccw(inApproachAngle(r, best), inApproachAngle(r, in)) - kPi);
                if (dev < bestDev) {
                    bestDev = dev;
                    partner = in;
                }
            }
            if (partner.valid()) {
                major.push_back(partner);
            }
        }
        auto isMajor = [&](LinkId in) {
            return roundabout ? r.hasFlag(in, link_flags::kRoundabout)
                              : std::find(major.begin(), major.end(), in) != major.end();
        };
        for (std::uint32_t c : conns) {
            const LinkId in = net.laneLink[net.connFrom[c].index()];
            LinkState st = isMajor(in) ? LinkState::PriorityGreen : LinkState::YieldGreen;
            // A left turn or U-turn from the major road yields to the opposite major traffic.
            if (st == LinkState::PriorityGreen &&
                (net.connDir[c] == TurnDirection::Left || net.connDir[c] == TurnDirection::UTurn)) {
                for (std::uint32_t d : net.conflictsOf(c)) {
                    if (isMajor(net.laneLink[net.connFrom[d].index()])) {
                        st = LinkState::YieldGreen;
                    }
                }
            }
            net.connBaseState[c] = st;
        }
    }
    return net;
}

}  // namespace ct::traffic
