#pragma once
/// The lane-level network the traffic simulation drives on.
///
/// Built once from a RoadNetwork (or imported from SUMO) and immutable afterwards. Every link has
/// lanes (index 0 is the rightmost); at each node, connections lead from the end of an incoming
/// lane to the start of an outgoing lane through an internal lane across the junction (as in
/// SUMO). Vehicles drive on all lanes, normal and internal, the same way.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "citytwin/sim/road_network.h"

namespace ct::traffic {

using LaneId = Id<struct LaneTag>;

/// Right of way of a connection at a moment (the letters are SUMO's tlLogic states).
enum class LinkState : std::uint8_t {
    PriorityGreen,  ///< 'G': go, others yield
    YieldGreen,     ///< 'g': go after yielding to conflicting priority traffic
    Yellow,         ///< 'y': stop if a comfortable stop is possible
    Red,            ///< 'r': stop
    Stop,           ///< 's': stop, then go after yielding (all-way stop, a dark signal)
    Off             ///< 'O': no control
};

char toChar(LinkState s);
LinkState linkStateFromChar(char c);

enum class JunctionControl : std::uint8_t { None, Priority, Signal, AllWayStop };

/// A fixed-time signal program: phases with durations and a state per connection of the node.
struct SignalProgram {
    struct Phase {
        double duration = 0.0;  ///< s
        std::string states;     ///< one SUMO state letter per connection of the node, in node order
    };
    std::vector<Phase> phases;
    double offset = 0.0;  ///< s, program time at simulation time 0
    [[nodiscard]] double cycle() const;
    /// The phase index running at simulation time t (s).
    [[nodiscard]] std::size_t phaseAt(double t) const;
};

struct TrafficNetwork {
    // Lanes, indexed by LaneId. Normal lanes come first (grouped by link), then internal lanes.
    std::vector<std::uint32_t> linkLaneOffset;  ///< size linkCount+1: lanes of link l are [off[l], off[l+1])
    std::vector<LinkId> laneLink;               ///< the link of a normal lane, invalid for internal lanes
    std::vector<std::uint8_t> laneIndex;        ///< 0 = rightmost
    std::vector<float> laneLength;              ///< m
    std::vector<float> laneSpeed;               ///< m/s, speed limit
    std::vector<std::uint32_t> laneConnection;  ///< for internal lanes: its connection, else UINT32_MAX
    std::uint32_t normalLaneCount = 0;

    // Connections (lane -> internal lane -> lane), CSR by from-lane.
    std::vector<std::uint32_t> laneConnOffset;  ///< size normalLaneCount+1
    std::vector<LaneId> connFrom;               ///< incoming normal lane
    std::vector<LaneId> connTo;                 ///< outgoing normal lane
    std::vector<LaneId> connVia;                ///< the internal lane
    std::vector<TurnDirection> connDir;
    std::vector<NodeId> connNode;
    std::vector<std::uint16_t> connIndex;  ///< index of the connection within its node (signal state index)

    // Junctions, indexed by NodeId: connections of a node (CSR) and who conflicts with whom.
    std::vector<std::uint32_t> nodeConnOffset;  ///< size nodeCount+1, into nodeConns
    std::vector<std::uint32_t> nodeConns;       ///< connection ids in node order
    std::vector<JunctionControl> nodeControl;
    std::vector<std::uint32_t> nodeProgram;  ///< index into programs, UINT32_MAX when not signalised
    std::vector<SignalProgram> programs;
    /// Joined signal clusters (docs/traffic.md): for a signalised node joined with others by
    /// short links, the lowest node index of its cluster; UINT32_MAX for a node signalised alone
    /// or not at all. The nodes of a cluster run one coordinated program (one per node, the same
    /// phase durations and offset). Empty for imported networks.
    std::vector<std::uint32_t> nodeSignalCluster;
    /// Unsignalised right of way per connection: PriorityGreen (major road) or YieldGreen.
    std::vector<LinkState> connBaseState;
    /// Conflicts, CSR by connection: the connections of the same node whose paths cross or merge.
    std::vector<std::uint32_t> conflictOffset;
    std::vector<std::uint32_t> conflicts;

    // The road network's link data the simulation needs (copied so the network stands alone).
    std::vector<NodeId> linkFrom, linkTo;
    std::vector<float> linkLength;          ///< m, centreline (for route length outputs)
    std::vector<float> linkSpeed;           ///< m/s
    std::vector<Vec2> nodePos;              ///< m
    std::vector<std::uint32_t> turnOffset;  ///< link-level turns (CSR by link), for routing
    std::vector<LinkId> turnTo;

    [[nodiscard]] std::size_t laneCount() const { return laneLength.size(); }
    [[nodiscard]] std::size_t linkCount() const { return linkFrom.size(); }
    [[nodiscard]] std::size_t connectionCount() const { return connFrom.size(); }
    [[nodiscard]] std::size_t nodeCount() const { return nodeControl.size(); }
    [[nodiscard]] bool isInternal(LaneId l) const { return l.index() >= normalLaneCount; }
    [[nodiscard]] std::uint32_t laneCountOf(LinkId l) const {
        return linkLaneOffset[l.index() + 1] - linkLaneOffset[l.index()];
    }
    [[nodiscard]] LaneId lane(LinkId l, std::uint32_t index) const {
        return LaneId{linkLaneOffset[l.index()] + index};
    }
    /// Connections leaving a normal lane.
    [[nodiscard]] std::span<const std::uint32_t> connectionsOfNode(NodeId n) const {
        return {nodeConns.data() + nodeConnOffset[n.index()],
                nodeConnOffset[n.index() + 1] - nodeConnOffset[n.index()]};
    }
    [[nodiscard]] std::span<const std::uint32_t> conflictsOf(std::uint32_t c) const {
        return {conflicts.data() + conflictOffset[c], conflictOffset[c + 1] - conflictOffset[c]};
    }
    /// The state of a connection at simulation time t (s).
    [[nodiscard]] LinkState stateAt(std::uint32_t conn, double t) const;
};

struct NetworkBuildOptions {
    double laneWidth = 3.5;         ///< m, for junction sizes
    double minSignalCycle = 60.0;   ///< s
    double maxSignalCycle = 120.0;  ///< s
    double yellow = 3.0;            ///< s
    double allRed = 2.0;            ///< s
    /// m: signalised nodes joined by a link shorter than this form one signal cluster (the
    /// crossing of dual carriageways that OpenStreetMap maps as several signalised nodes); 0
    /// turns joining off. 20 m as SUMO's --tls.join-dist.
    double signalJoinDistance = 20.0;
};

/// Lanes from link lane counts; connections from the link-level turns with lanes assigned from
/// right to left; signal programs generated from the approaches' geometry (docs/traffic.md).
TrafficNetwork buildTrafficNetwork(const RoadNetwork& roads, const NetworkBuildOptions& options = {});

/// Fills conflicts from the connections' directions around each node (paths that cross or
/// merge), for networks whose connections were set by hand or imported.
void computeConflicts(TrafficNetwork& net);

}  // namespace ct::traffic
