#pragma once
// Pictures of a utility run, as SVG (opens in any browser): the city's service over time, and
// a map of the buildings by how long they were without power and water.

#include <string>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::cli {

/// Two panels over the run: the share of residents without water and without power (%), and the
/// knock-on counts (dark signals, pumps without power, hospitals on backup); the events applied
/// are marked and labelled.
std::string serviceTimelineSvg(const std::vector<utility::UtilityKpi>& kpis,
                               const std::vector<utility::UtilityLogEntry>& log, double clockStart,
                               const std::string& title);

/// The map: roads, and every building filled by its minutes without power (grey none, yellow to
/// dark red up to the longest) and outlined in blue when it was without water.
std::string serviceMapSvg(const CityModel& city, const std::vector<double>& minutesWithoutPower,
                          const std::vector<double>& minutesWithoutWater, const std::string& title);

}  // namespace ct::cli
