#pragma once
/// A scenario ready to simulate: its city, the lane-level traffic network, the demand and the
/// timed events, resolved and validated, all immutable once loaded. The GUI-side counterpart of
/// what `citytwin run` does before its loop (app/cli/run_command.cpp), built from the same
/// libraries.
///
/// Plain C++ (no Qt, no OSG in the interface): loading runs on a worker thread, and the loaded
/// session is shared read-only between the GUI thread and the simulation thread. This header
/// does not include the scenario file's spec (citytwin/scenarios/scenario.h): a member of it is
/// called `signals`, which Qt's keyword macro turns into `public` in any unit that includes Qt.

#include <memory>
#include <string>
#include <vector>

#include "citytwin/render/lane_geometry.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "citytwin/traffic/traffic_network.h"
#include "citytwin/traffic/trip.h"
#include "citytwin/traffic/vehicle_type.h"
#include "citytwin/utility/utility_model.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::gui {

/// A scenario event with its link reference resolved.
struct SessionEvent {
    double time = 0.0;  ///< s of simulation time
    bool close = true;  ///< close the links, else open them
    std::vector<LinkId> links;
    std::string ref;  ///< the reference as written in the scenario ("name:Side Street")
};

/// The run settings of a scenario file (scenarios::ScenarioSpec), as the simulation needs them.
struct SessionRun {
    std::string file;  ///< the scenario file
    std::string name;  ///< its name, may be empty
    std::string description;
    double duration = 3600.0;  ///< s
    double step = 1.0;         ///< s
    std::uint64_t seed = 1;
    int threads = 0;  ///< 0 = all cores
    double teleportAfter = 300.0;
    double rerouteInterval = 0.0;  ///< s between congestion reroutings (0 = only on closures)
    double statsInterval = 300.0;  ///< s, link statistics
    std::vector<traffic::VehicleType> vehicleTypes;  ///< by class, with the scenario's overrides
    double utilityStep = 60.0;                       ///< s between utility solves
    double tripDelay = 120.0;                        ///< s an overloaded branch holds before it trips
    bool darkSignalsStop = true;                     ///< dark signals become all-way stops
};

struct ScenarioSession {
    SessionRun spec;
    std::shared_ptr<const CityModel> city;
    std::shared_ptr<const traffic::TrafficNetwork>
        network;  ///< built from city->roads, with the scenario's signals
    std::shared_ptr<const render::LaneGeometry> lanes;  ///< world positions of lane points
    std::vector<traffic::Trip> trips;                   ///< the demand; index = trip (vehicle) id
    std::vector<SessionEvent> events;                   ///< sorted by time
    /// The city's water and power networks and who they serve (null: none, or disabled).
    std::shared_ptr<const utility::UtilityModel> utilities;
    std::vector<utility::UtilityEvent> utilityEvents;  ///< checked against the networks
    double clockStart = 0.0;                           ///< s after midnight at simulation time 0
    std::string title;                                 ///< the scenario's name, else its file name
    /// A scenario on a SUMO network (`"city": {"sumo_net": ...}`): the SUMO edge id of each link
    /// (the city's links are the net's edges, named by these ids); empty on a GIS city.
    std::vector<std::string> edgeIds;
    std::vector<std::string> edgeNames;    ///< by link: a SUMO edge's street name, may be empty
    std::vector<std::string> junctionIds;  ///< by node: the SUMO junction id
    /// SUMO junction outlines to draw (CSR by node, m); empty on a GIS city.
    std::vector<std::uint32_t> junctionShapeOffset;
    std::vector<Vec2> junctionShapePoints;

    [[nodiscard]] bool sumo() const { return !edgeIds.empty(); }
    /// How a scenario file names a link in its events: "edge:ID" on a SUMO network, else the
    /// link index ("123").
    [[nodiscard]] std::string linkReference(LinkId link) const;
};

/// The outcome of loading: a session, or none and the errors. Warnings of the city load and the
/// scenario file are in the report either way.
struct SessionLoad {
    DiagnosticReport report;
    std::shared_ptr<ScenarioSession> session;  ///< null when the load failed
    double seconds = 0.0;                      ///< wall time of the whole load
};

/// Reads the scenario at `path`, loads its city (`assetsDir` holds the bundled sample city for
/// scenarios that ask for it), builds the traffic network, generates or reads the demand and
/// resolves the events. Never throws: failures become error diagnostics.
SessionLoad loadScenarioSession(const std::string& path, const std::string& assetsDir);

/// "HH:MM:SS" of a time of day in seconds (wraps past midnight).
std::string clockText(double secondsOfDay);

}  // namespace ct::gui
