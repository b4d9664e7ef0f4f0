#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "citytwin/sim/road_network.h"
#include "citytwin/sim/spatial_index.h"

namespace ct {

namespace {

/// Vertex identity: coordinates rounded to 1 mm.
struct VKey {
    std::int64_t x, y;
    bool operator==(const VKey&) const = default;
};
struct VKeyHash {
    std::size_t operator()(const VKey& k) const {
        return std::hash<std::int64_t>()(k.x * 73856093LL ^ k.y * 19349663LL);
    }
};
VKey keyOf(Vec2 p) {
    return {std::llround(p.x * 1000.0), std::llround(p.y * 1000.0)};
}

double headingAngle(Vec2 inDir, Vec2 outDir) {
    return std::atan2(cross(inDir, outDir), dot(inDir, outDir));  // > 0: counter-clockwise = left
}

}  // namespace

void RoadNetworkBuilder::addWay(WayInput way) {
    m_ways.push_back(std::move(way));
}

void RoadNetworkBuilder::addSignal(Vec2 pos, double radius) {
    m_signals.emplace_back(pos, radius);
}

RoadNetwork RoadNetworkBuilder::build(std::size_t* unmatchedSignals, std::size_t* unmatchedRestrictions) {
    RoadNetwork net;

    // 1. Drop repeated consecutive vertices and count how often each vertex is used. A vertex
    //    becomes a node where a way ends or where it is used more than once.
    std::unordered_map<VKey, std::uint32_t, VKeyHash> uses;  // lookup only
    for (WayInput& w : m_ways) {
        std::vector<Vec2> pts;
        pts.reserve(w.points.size());
        for (const Vec2& p : w.points) {
            if (pts.empty() || !(keyOf(pts.back()) == keyOf(p))) {
                pts.push_back(p);
            }
        }
        w.points = std::move(pts);
        if (w.points.size() < 2) {
            continue;
        }
        for (std::size_t i = 0; i < w.points.size(); ++i) {
            const bool end = i == 0 || i + 1 == w.points.size();
            uses[keyOf(w.points[i])] += end ? 2 : 1;
        }
    }

    // 2. Nodes are numbered in order of first appearance, which keeps ids deterministic.
    std::unordered_map<VKey, std::uint32_t, VKeyHash> nodeOf;  // lookup only
    auto nodeAt = [&](Vec2 p) {
        auto [it, inserted] = nodeOf.try_emplace(keyOf(p), static_cast<std::uint32_t>(net.nodePos.size()));
        if (inserted) {
            net.nodePos.push_back(p);
            net.nodeFlags.push_back(0);
        }
        return NodeId{it->second};
    };
    std::map<std::string, std::uint32_t> nameIndex{{"", 0}};

    auto addLink = [&](const WayInput& w, std::span<const Vec2> shape, bool forward) {
        const auto id = static_cast<std::uint32_t>(net.linkFrom.size());
        const RoadClassDefaults def = defaults(w.roadClass);
        const int lanes = forward ? w.lanesForward : w.lanesBackward;
        net.linkFrom.push_back(nodeAt(forward ? shape.front() : shape.back()));
        net.linkTo.push_back(nodeAt(forward ? shape.back() : shape.front()));
        if (forward) {
            net.shapePoints.insert(net.shapePoints.end(), shape.begin(), shape.end());
        } else {
            net.shapePoints.insert(net.shapePoints.end(), shape.rbegin(), shape.rend());
        }
        net.shapeOffset.push_back(static_cast<std::uint32_t>(net.shapePoints.size()));
        net.linkLength.push_back(static_cast<float>(polylineLength(shape)));
        net.linkSpeed.push_back(static_cast<float>(w.speedMps > 0.0 ? w.speedMps : def.speedMps));
        net.linkLanes.push_back(
            static_cast<std::uint8_t>(std::clamp(lanes > 0 ? lanes : def.lanesPerDirection, 1, 16)));
        net.linkClass.push_back(w.roadClass);
        std::uint8_t flags = 0;
        flags |= w.oneway != WayInput::Oneway::No ? link_flags::kOneway : 0;
        flags |= w.roundabout ? link_flags::kRoundabout : 0;
        flags |= w.bridge ? link_flags::kBridge : 0;
        net.linkFlags.push_back(flags);
        net.linkReverse.emplace_back();
        auto [it, inserted] = nameIndex.try_emplace(w.name, static_cast<std::uint32_t>(net.names.size()));
        if (inserted) {
            net.names.push_back(w.name);
        }
        net.linkName.push_back(it->second);
        net.linkSourceFeature.push_back(w.sourceFeature);
        return LinkId{id};
    };

    // 3. Split every way at its nodes; each piece gives one link per allowed direction.
    for (const WayInput& w : m_ways) {
        if (w.points.size() < 2) {
            continue;
        }
        std::vector<std::size_t> cuts;
        for (std::size_t i = 0; i < w.points.size(); ++i) {
            if (uses[keyOf(w.points[i])] >= 2) {
                cuts.push_back(i);
            }
        }
        // A piece that starts and ends at the same node (a closed way touching nothing else)
        // would be a self-loop: cut it again at its middle vertex.
        for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
            if (keyOf(w.points[cuts[c]]) == keyOf(w.points[cuts[c + 1]]) && cuts[c + 1] - cuts[c] >= 2) {
                cuts.insert(cuts.begin() + static_cast<std::ptrdiff_t>(c) + 1, (cuts[c] + cuts[c + 1]) / 2);
            }
        }
        for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
            const std::span<const Vec2> piece(w.points.data() + cuts[c], cuts[c + 1] - cuts[c] + 1);
            LinkId fwd, bwd;
            if (w.oneway != WayInput::Oneway::Backward) {
                fwd = addLink(w, piece, true);
            }
            if (w.oneway != WayInput::Oneway::Forward) {
                bwd = addLink(w, piece, false);
            }
            if (fwd.valid() && bwd.valid()) {
                net.linkReverse[fwd.index()] = bwd;
                net.linkReverse[bwd.index()] = fwd;
            }
        }
    }

    // 4. CSR adjacency by node (counting sort keeps link order within a node).
    const std::size_t nn = net.nodePos.size(), nl = net.linkFrom.size();
    auto csr = [&](const std::vector<NodeId>& end, std::vector<std::uint32_t>& off,
                   std::vector<LinkId>& items) {
        off.assign(nn + 1, 0);
        for (NodeId n : end) {
            ++off[n.index() + 1];
        }
        for (std::size_t i = 0; i < nn; ++i) {
            off[i + 1] += off[i];
        }
        items.resize(nl);
        std::vector<std::uint32_t> fill(off.begin(), off.end() - 1);
        for (std::uint32_t l = 0; l < nl; ++l) {
            items[fill[end[l].index()]++] = LinkId{l};
        }
    };
    csr(net.linkFrom, net.outOffset, net.outLinks);
    csr(net.linkTo, net.inOffset, net.inLinks);

    for (std::uint32_t l = 0; l < nl; ++l) {
        if ((net.linkFlags[l] & link_flags::kRoundabout) != 0) {
            net.nodeFlags[net.linkFrom[l].index()] |= node_flags::kRoundabout;
            net.nodeFlags[net.linkTo[l].index()] |= node_flags::kRoundabout;
        }
    }

    // 5. Turn connections: every outgoing link except the U-turn, which is allowed only at a dead
    //    end (where it is the only way on), and except what a turn restriction bans.
    std::vector<std::vector<std::size_t>> restrictionsAt(net.nodeCount());  // by via node
    for (std::size_t i = 0; i < m_restrictions.size(); ++i) {
        const auto it = nodeOf.find(keyOf(m_restrictions[i].via));
        if (it != nodeOf.end()) {
            restrictionsAt[it->second].push_back(i);
        } else {
            for (std::uint32_t n = 0; n < net.nodeCount(); ++n) {  // off the 1 mm grid: within 0.5 m
                if (distance(net.nodePos[n], m_restrictions[i].via) < 0.5) {
                    restrictionsAt[n].push_back(i);
                    break;
                }
            }
        }
    }
    std::vector<std::uint8_t> restrictionUsed(m_restrictions.size(), 0);
    net.turnOffset.assign(nl + 1, 0);
    for (std::uint32_t l = 0; l < nl; ++l) {
        const LinkId in{l};
        const auto& here = restrictionsAt[net.linkTo[l].index()];
        auto banned = [&](LinkId out) {
            bool ban = false;
            for (std::size_t i : here) {
                const TurnRestriction& r = m_restrictions[i];
                if (r.fromWay != net.linkSourceFeature[l]) {
                    continue;
                }
                const bool onto = r.toWay == net.linkSourceFeature[out.index()];
                if (onto) {
                    restrictionUsed[i] = 1;
                }
                ban = ban || (r.only ? !onto : onto);
            }
            return ban;
        };
        const auto shapeIn = net.shape(in);
        const Vec2 inDir = shapeIn[shapeIn.size() - 1] - shapeIn[shapeIn.size() - 2];
        const auto outs = net.outgoing(net.linkTo[l]);
        const bool deadEnd = outs.size() == 1 && outs[0] == net.linkReverse[l];
        for (LinkId out : outs) {
            const bool uturn = out == net.linkReverse[l];
            if ((uturn && !deadEnd) || (!here.empty() && banned(out))) {
                continue;
            }
            const auto shapeOut = net.shape(out);
            const double a = headingAngle(inDir, shapeOut[1] - shapeOut[0]);
            TurnDirection dir = TurnDirection::Straight;
            if (uturn || std::abs(a) > 170.0 * M_PI / 180.0) {
                dir = TurnDirection::UTurn;
            } else if (a > 35.0 * M_PI / 180.0) {
                dir = TurnDirection::Left;
            } else if (a < -35.0 * M_PI / 180.0) {
                dir = TurnDirection::Right;
            }
            net.turnTo.push_back(out);
            net.turnDir.push_back(dir);
        }
        net.turnOffset[l + 1] = static_cast<std::uint32_t>(net.turnTo.size());
    }

    // 6. Signals mark the nearest intersection (three or more neighbours) within their radius.
    std::size_t unmatched = 0;
    if (!m_signals.empty()) {
        std::vector<std::uint32_t> junctions;
        std::vector<Vec2> junctionPos;
        for (std::uint32_t n = 0; n < nn; ++n) {
            if (net.nodeDegree(NodeId{n}) >= 3) {
                junctions.push_back(n);
                junctionPos.push_back(net.nodePos[n]);
            }
        }
        const PointIndex index(junctionPos, 50.0);
        for (const auto& [pos, radius] : m_signals) {
            std::uint32_t best = UINT32_MAX;
            double bestD = radius;
            for (std::uint32_t j : index.within(pos, radius)) {
                const double d = distance(junctionPos[j], pos);
                if (d < bestD || best == UINT32_MAX) {
                    best = j;
                    bestD = d;
                }
            }
            if (best == UINT32_MAX) {
                ++unmatched;
            } else {
                net.nodeFlags[junctions[best]] |= node_flags::kSignalised;
            }
        }
    }
    if (unmatchedRestrictions != nullptr) {
        *unmatchedRestrictions =
            static_cast<std::size_t>(std::count(restrictionUsed.begin(), restrictionUsed.end(), 0));
    }
    if (unmatchedSignals != nullptr) {
        *unmatchedSignals = unmatched;
    }

    // 7. The largest strongly connected component (ties: the one found first).
    std::uint32_t ncomp = 0;
    const std::vector<std::uint32_t> comp = linkComponents(net, &ncomp);
    std::vector<std::uint32_t> size(ncomp, 0);
    for (std::uint32_t c : comp) {
        ++size[c];
    }
    if (ncomp > 0) {
        const auto main =
            static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
        net.mainComponentLinks = size[main];
        for (std::uint32_t l = 0; l < nl; ++l) {
            if (comp[l] == main) {
                net.linkFlags[l] |= link_flags::kMainComponent;
            }
        }
    }
    return net;
}

}  // namespace ct
