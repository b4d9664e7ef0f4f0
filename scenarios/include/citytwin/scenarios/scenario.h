#pragma once
/// Scenario files: what to simulate, on which city, with which demand, events and outputs.
/// The format is JSON (docs/scenarios.md); this is its plain, validated form.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/vehicle_type.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::scenarios {

/// A signal program that replaces the generated (or imported) one of a node.
struct SignalOverride {
    std::uint32_t node = 0;  ///< node index, as `citytwin signals` lists them
    double offset = 0.0;     ///< s, program time at simulation time 0
    struct Phase {
        double duration = 0.0;  ///< s
        std::string state;      ///< one SUMO letter (G g y r s O) per connection of the node
    };
    std::vector<Phase> phases;
    int index = -1;  ///< for diagnostics: its index in the file's "signals" array
};

struct ScenarioEvent {
    enum class Type { CloseLink, OpenLink };
    double time = 0.0;  ///< s from the scenario start
    Type type = Type::CloseLink;
    /// Which links: "123" (a link index), "way:4711" (every link made from source feature
    /// 4711, e.g. an OSM way, both directions), or "name:Main Street" (every link of that name).
    std::string link;
    int line = -1;  ///< for diagnostics: the event's index in the file's "events" array
};

/// How the water and power networks run beside the traffic (when the city has them).
struct UtilitySettings {
    bool enabled = true;  ///< false: traffic only, even when the city has utility layers
    double step = 60.0;   ///< s between utility solves
    double servicePressureM = 10.0;
    double hospitalBackupHours = 24.0;
    double tripDelay = 120.0;     ///< s an overloaded branch holds before it trips
    bool darkSignalsStop = true;  ///< signals without power become all-way stops in the traffic
};

struct ScenarioSpec {
    std::string file;  ///< the scenario file (relative paths below are resolved against its folder)
    std::string name;
    std::string description;
    std::string clockStart = "00:00";  ///< wall-clock time at simulation time 0, for display

    // The city.
    std::vector<std::string> citySources;  ///< vector sources; empty with `sampleCity` = the bundled city
    bool sampleCity = false;
    std::string dem;
    std::string mapping;
    /// A SUMO network (.net.xml) instead of GIS sources: the same network as SUMO drives.
    std::string sumoNet;

    // The run.
    double duration = 3600.0;  ///< s
    double step = 1.0;         ///< s
    std::uint64_t seed = 1;
    int threads = 0;  ///< 0 = all cores
    double teleportAfter = 300.0;
    double rerouteInterval = 0.0;  ///< s between congestion reroutings (0 = only on closures)

    // Demand.
    bool generatedDemand = false;
    traffic::CommuterDemand commuters;
    std::vector<std::string> tripFiles;   ///< trips CSV files (docs/scenarios.md)
    std::vector<std::string> sumoRoutes;  ///< SUMO route/trip files (with a SUMO network)

    // Outputs.
    std::string outputFolder = "output";
    double statsInterval = 300.0;  ///< s, link and detector statistics
    double kpiInterval = 60.0;     ///< s, network KPIs
    bool signalDetectors = true;   ///< a loop detector on every signalised approach lane
    bool geopackage = true;        ///< link statistics also as a GeoPackage

    /// Vehicle types by class (car, bus, truck, emergency): the defaults with the scenario's
    /// "vehicle_types" overrides applied (docs/scenarios.md).
    std::vector<traffic::VehicleType> vehicleTypes;

    std::vector<ScenarioEvent> events;
    /// Utility events of the same "events" array (pipe_burst, pipe_close, pump_outage,
    /// line_failure, substation_failure, repair); their origin is the JSON pointer.
    std::vector<utility::UtilityEvent> utilityEvents;
    UtilitySettings utilities;
    std::vector<SignalOverride> signalPrograms;  // not "signals": a Qt macro
};

/// Reads and validates a scenario file. Unknown keys are warnings (with their JSON pointer);
/// wrong types and impossible values are errors.
std::optional<ScenarioSpec> readScenario(const std::string& path, DiagnosticReport& report);

/// Seconds from "HH:MM" or "HH:MM:SS"; nullopt when malformed.
std::optional<double> parseClock(const std::string& text);

}  // namespace ct::scenarios
