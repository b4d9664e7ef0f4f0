#pragma once
/// The directed road network: nodes (junctions, dead ends, shape-breaking points), directed links
/// with lanes and speeds, and turn connections between links at each node. CSR adjacency.
///
/// Built by RoadNetworkBuilder; immutable afterwards.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "citytwin/sim/geometry.h"
#include "citytwin/sim/ids.h"
#include "citytwin/sim/road_class.h"

namespace ct {

enum class TurnDirection : std::uint8_t { Straight, Right, Left, UTurn };

namespace node_flags {
inline constexpr std::uint8_t kSignalised = 1;  ///< traffic signals control the node
inline constexpr std::uint8_t kRoundabout = 2;  ///< the node lies on a roundabout
}  // namespace node_flags

namespace link_flags {
inline constexpr std::uint8_t kOneway = 1;         ///< the road is one-way (no reverse link)
inline constexpr std::uint8_t kRoundabout = 2;     ///< part of a roundabout
inline constexpr std::uint8_t kBridge = 4;         ///< on a bridge
inline constexpr std::uint8_t kMainComponent = 8;  ///< in the largest strongly connected component
}  // namespace link_flags

struct RoadNetwork {
    // Nodes, indexed by NodeId.
    std::vector<Vec2> nodePos;            ///< m
    std::vector<std::uint8_t> nodeFlags;  ///< node_flags bits

    // Links, indexed by LinkId. A link runs from `linkFrom` to `linkTo` along its shape.
    std::vector<NodeId> linkFrom;
    std::vector<NodeId> linkTo;
    std::vector<float> linkLength;        ///< m, along the shape
    std::vector<float> linkSpeed;         ///< m/s, legal free-flow speed
    std::vector<std::uint8_t> linkLanes;  ///< lanes in the link's direction, >= 1
    std::vector<RoadClass> linkClass;
    std::vector<std::uint8_t> linkFlags;          ///< link_flags bits
    std::vector<LinkId> linkReverse;              ///< the opposite direction of a two-way road, else invalid
    std::vector<std::uint32_t> linkName;          ///< index into `names` (0 is the empty name)
    std::vector<std::int64_t> linkSourceFeature;  ///< feature id (OSM way id) it came from
    std::vector<std::uint32_t> shapeOffset{0};    ///< CSR into shapePoints, size linkCount()+1
    std::vector<Vec2> shapePoints;                ///< m, from the from-node to the to-node

    // Adjacency, CSR by node.
    std::vector<std::uint32_t> outOffset;  ///< size nodeCount()+1
    std::vector<LinkId> outLinks;
    std::vector<std::uint32_t> inOffset;  ///< size nodeCount()+1
    std::vector<LinkId> inLinks;

    // Turn connections, CSR by incoming link: which links a vehicle may take next.
    std::vector<std::uint32_t> turnOffset;  ///< size linkCount()+1
    std::vector<LinkId> turnTo;
    std::vector<TurnDirection> turnDir;

    std::vector<std::string> names{""};  ///< road names, names[0] == ""

    /// Number of links in the largest strongly connected component.
    std::uint32_t mainComponentLinks = 0;

    [[nodiscard]] std::size_t nodeCount() const { return nodePos.size(); }
    [[nodiscard]] std::size_t linkCount() const { return linkFrom.size(); }
    [[nodiscard]] std::span<const LinkId> outgoing(NodeId n) const {
        return {outLinks.data() + outOffset[n.index()], outOffset[n.index() + 1] - outOffset[n.index()]};
    }
    [[nodiscard]] std::span<const LinkId> incoming(NodeId n) const {
        return {inLinks.data() + inOffset[n.index()], inOffset[n.index() + 1] - inOffset[n.index()]};
    }
    [[nodiscard]] std::span<const Vec2> shape(LinkId l) const {
        return {shapePoints.data() + shapeOffset[l.index()],
                shapeOffset[l.index() + 1] - shapeOffset[l.index()]};
    }
    [[nodiscard]] std::span<const LinkId> turns(LinkId from) const {
        return {turnTo.data() + turnOffset[from.index()],
                turnOffset[from.index() + 1] - turnOffset[from.index()]};
    }
    [[nodiscard]] bool hasFlag(LinkId l, std::uint8_t f) const { return (linkFlags[l.index()] & f) != 0; }
    /// Number of distinct neighbouring nodes (ignoring direction): >= 3 makes an intersection.
    [[nodiscard]] int nodeDegree(NodeId n) const;
};

/// One road as read from a source, before splitting. Points are in the local frame.
struct WayInput {
    std::vector<Vec2> points;  ///< m, at least 2 distinct points
    RoadClass roadClass = RoadClass::Residential;
    int lanesForward = 0;   ///< lanes in the way's direction; 0 = class default
    int lanesBackward = 0;  ///< lanes against it; 0 = class default (ignored when one-way)
    double speedMps = 0.0;  ///< 0 = class default
    enum class Oneway : std::uint8_t { No, Forward, Backward } oneway = Oneway::No;
    bool roundabout = false;
    bool bridge = false;
    std::string name;
    std::int64_t sourceFeature = -1;
};

/// A turn restriction (OpenStreetMap type=restriction with a via node): from one way onto
/// another at a point. `only` restrictions ban every other turn from `fromWay` there.
struct TurnRestriction {
    std::int64_t fromWay = -1;   ///< WayInput::sourceFeature of the way driven from
    std::int64_t toWay = -1;     ///< WayInput::sourceFeature of the way turned onto
    Vec2 via;                    ///< m, the via node's position
    bool only = false;           ///< only_* (true) or no_* (false)
    std::int64_t relation = -1;  ///< the OSM relation id, for diagnostics
};

/// Builds a RoadNetwork from ways: a vertex becomes a node where ways end or share it (the
/// OpenStreetMap rule: roads that cross without a shared vertex, at a bridge, do not connect).
/// Vertices are matched after rounding to 1 mm.
class RoadNetworkBuilder {
public:
    void addWay(WayInput way);
    /// A traffic-signal position: marks the nearest intersection within `radius` m.
    void addSignal(Vec2 pos, double radius = 30.0);
    /// A turn restriction, applied to the turn connections (matched to the node within 0.5 m of
    /// `via` where a link of `fromWay` ends and a link of `toWay` starts).
    void addTurnRestriction(const TurnRestriction& r) { m_restrictions.push_back(r); }
    [[nodiscard]] std::size_t wayCount() const { return m_ways.size(); }

    /// Splits, builds links, adjacency, turn connections and the largest strongly connected
    /// component. Returns the number of signals that matched no intersection in *unmatched.
    /// *unmatchedRestrictions counts the restrictions that matched no pair of links.
    RoadNetwork build(std::size_t* unmatchedSignals = nullptr, std::size_t* unmatchedRestrictions = nullptr);

private:
    std::vector<WayInput> m_ways;
    std::vector<std::pair<Vec2, double>> m_signals;
    std::vector<TurnRestriction> m_restrictions;
};

/// Strongly connected components of the link graph (a link leads to the links of its turn
/// connections). Returns the component index of each link; components are numbered in order
/// of discovery. Iterative Tarjan, O(links + turns).
std::vector<std::uint32_t> linkComponents(const RoadNetwork& net, std::uint32_t* componentCount);

}  // namespace ct
