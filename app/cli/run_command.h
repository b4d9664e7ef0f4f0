#pragma once
// `citytwin run`: a scenario, headless, with a progress bar; results to an output folder.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "citytwin/gis/city_loader.h"
#include "citytwin/scenarios/scenario.h"
#include "citytwin/traffic/sumo_import.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::cli {

int runScenarioCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The network a scenario drives: a GIS city (kept, for outputs and link references) or a
/// SUMO network.
struct ScenarioNetwork {
    std::optional<gis::LoadResult> loaded;
    std::optional<traffic::SumoNetwork> sumo;
    traffic::TrafficNetwork net;
};
/// Loads it; false after adding the load's diagnostics to `report`.
bool loadScenarioNetwork(const scenarios::ScenarioSpec& spec, ScenarioNetwork& out, DiagnosticReport& report);

/// `citytwin signals SCENARIO.json`: the junctions of the scenario's network with their
/// connections and signal programs, as JSON that a scenario's "signals" array accepts.
int runSignalsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Junctions (not plain shape points) with connections, priorities and programs, as JSON.
std::string signalProgramsJson(const traffic::TrafficNetwork& net, const std::vector<std::string>& linkNames);

}  // namespace ct::cli
