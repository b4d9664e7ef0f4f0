#pragma once
/// Import of Eclipse SUMO networks (.net.xml) and demand (.rou.xml, .trips.xml), SUMO 1.15 formats.
///
/// The network becomes a TrafficNetwork as it stands in the file: the lanes with SUMO's lengths and
/// speeds, one internal lane per connection (the length of its via lane, or of the chain of via
/// lanes through an internal junction), the junctions' control, and the fixed-time programs of
/// the tlLogic elements: a connection with tl="X" linkIndex="i" gets connIndex i, so
/// TrafficNetwork::stateAt() returns the letter state[i] of the running SUMO phase (of several
/// programs of one signal, the last in the file runs, as in SUMO). A connection that no signal
/// controls at a signalised junction keeps its own right of way as a constant letter appended to
/// the phases. Coordinates are kept as given (SUMO nets are in a local metric frame); the
/// <location> is kept aside.
///
/// SUMO's string ids are kept beside the network (edge, lane, junction and tlLogic ids) so that
/// trips can name edges and outputs can name SUMO edges. Lanes that passenger cars may not use
/// (sidewalks, bike, bus-only and rail lanes) are left out by default; our lane indexes then
/// count the kept lanes from the right.
///
/// Bad input never crashes and never throws: it gives diagnostics with the file and the 1-based
/// line, warnings skip or default an item, errors reject the file (the functions return nothing).
/// Not supported (reported, never silent): actuated programs run as fixed-time with their phase
/// durations; several vehicle types of one class share the class's parameters; flows with a
/// probability; trips between junctions or TAZ.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/geometry.h"
#include "citytwin/traffic/traffic_network.h"
#include "citytwin/traffic/trip.h"
#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

/// The <location> element of a net file, as given.
struct SumoLocation {
    Vec2 netOffset;                        ///< m, added to projected coordinates by netconvert
    std::array<double, 4> convBoundary{};  ///< m: xmin, ymin, xmax, ymax of the network
    std::array<double, 4> origBoundary{};  ///< the input's boundary (degrees or m), as given
    std::string projParameter;             ///< proj string of the input; "!" = not projected
};

struct SumoImportOptions {
    /// Leave out lanes that passenger cars may not use (our engine has no lane permissions).
    bool passengerLanesOnly = true;
    /// m, length of the internal lane of a connection without a via lane (nets built with
    /// --no-internal-links): at least this, else the gap between the lane ends.
    double minInternalLength = 0.1;
};

/// An imported network with SUMO's names. Indexes: LinkId = kept normal edge in file order,
/// NodeId = junction (not internal) in file order, LaneId as in TrafficNetwork.
struct SumoNetwork {
    TrafficNetwork net;
    SumoLocation location;
    std::string version;                     ///< the net's version attribute
    std::vector<std::string> edgeIds;        ///< by LinkId
    std::vector<std::string> edgeNames;      ///< by LinkId: the street name (attribute `name`), may be empty
    std::vector<std::string> edgeTypes;      ///< by LinkId: the edge type ("highway.primary"), may be empty
    std::vector<std::string> laneIds;        ///< by LaneId; internal lanes: their (first) via lane id
    std::vector<std::string> junctionIds;    ///< by NodeId
    std::vector<std::string> junctionTypes;  ///< by NodeId: SUMO's junction type ("traffic_light"...)
    /// Junction outlines (attribute `shape`), CSR by NodeId; empty for a junction without one.
    std::vector<std::uint32_t> junctionShapeOffset{0};  ///< size nodeCount()+1
    std::vector<Vec2> junctionShapePoints;              ///< m
    std::vector<std::string> tlIds;                     ///< by program index (TrafficNetwork::programs)
    std::vector<std::string> tlProgramIds;              ///< by program index: the tlLogic's programID
    /// SUMO linkIndex of each connection, -1 when no traffic light controls it.
    std::vector<std::int32_t> connLinkIndex;
    /// Lane centre lines, CSR by LaneId (internal lanes: the via lanes' shapes joined).
    std::vector<std::uint32_t> laneShapeOffset;                ///< size laneCount()+1
    std::vector<Vec2> laneShapePoints;                         ///< m
    std::unordered_map<std::string, std::uint32_t> edgeIndex;  ///< edge id -> LinkId
    std::unordered_map<std::string, std::uint32_t> laneIndex;  ///< lane id -> LaneId (normal and via lanes)
    std::unordered_map<std::string, std::uint32_t> junctionIndex;  ///< junction id -> NodeId

    /// The link of a SUMO edge id; invalid when there is none (or it was left out).
    [[nodiscard]] LinkId findEdge(std::string_view id) const;
    /// The lane of a SUMO lane id (normal, or any via lane of a connection); invalid when none.
    [[nodiscard]] LaneId findLane(std::string_view id) const;
    [[nodiscard]] NodeId findJunction(std::string_view id) const;
    /// The SUMO edge id of a link ("" for an invalid id).
    [[nodiscard]] const std::string& edgeIdString(LinkId l) const;
    /// The SUMO lane id of a lane; for an internal lane without a via lane "<from>-><to>".
    [[nodiscard]] std::string laneIdString(LaneId l) const;
    [[nodiscard]] std::span<const Vec2> laneShape(LaneId l) const;
};

/// Parses the text of a .net.xml. `file` labels the diagnostics. Nothing on error.
std::optional<SumoNetwork> parseSumoNetwork(std::string_view xml, const std::string& file,
                                            DiagnosticReport& report, const SumoImportOptions& options = {});
/// Reads and parses a .net.xml file (read in pieces: large nets are not held twice in memory).
std::optional<SumoNetwork> readSumoNetwork(const std::string& path, DiagnosticReport& report,
                                           const SumoImportOptions& options = {});

/// A <vType> of a route file: SUMO's id and our parameters (the class defaults, overridden by
/// what the vType gives).
struct SumoVehicleType {
    std::string id;
    std::string vClass;          ///< SUMO's vClass as given ("passenger" when not given)
    std::string carFollowModel;  ///< as given ("" = SUMO's default, Krauss); we always drive IDM
    VehicleType type;
};

/// The demand of one or more route files.
struct SumoDemand {
    std::vector<Trip> trips;             ///< in file order; vehicles with a route have it in Trip::route
    std::vector<std::string> tripTypes;  ///< by trip: its vType id
    std::vector<SumoVehicleType> types;  ///< vTypes in file order, then the SUMO defaults that were used
};

/// Parses the text of a route or trip file against an imported network: <trip>, <vehicle> with an
/// inner <route> or a route="id" reference, <route id edges>, <flow> (period, number or
/// vehsPerHour), <vType>. Trips naming unknown edges are skipped with a warning; a route whose
/// consecutive edges are not connected is dropped (the trip is routed at departure) with a
/// warning. Several files: parse each and concatenate the demands.
std::optional<SumoDemand> parseSumoRoutes(std::string_view xml, const std::string& file,
                                          const SumoNetwork& net, DiagnosticReport& report);
std::optional<SumoDemand> readSumoRoutes(const std::string& path, const SumoNetwork& net,
                                         DiagnosticReport& report);

/// The simulation's per-class vehicle types (SimOptions::types) from a demand: for each class the
/// vType of the first trip of that class, else the class default. A warning for each further
/// vType of a class whose parameters differ (the engine keeps one type per class).
std::vector<VehicleType> simulationTypes(const SumoDemand& demand, DiagnosticReport& report,
                                         const std::string& file = {});

/// Our class for a SUMO vClass name ("passenger" -> Car, "bus" -> Bus...); nothing when unknown.
std::optional<VehicleClass> vehicleClassFromSumo(std::string_view vClass);

}  // namespace ct::traffic
