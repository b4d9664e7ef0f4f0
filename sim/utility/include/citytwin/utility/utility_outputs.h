#pragma once
/// The utilities' results as CSV text (written by the caller, atomically).

#include <string>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/utility/utility_model.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::utility {

/// "HH:MM:SS" of a clock time in s after midnight (days wrap).
std::string clockString(double clockSeconds);

/// One row per step: time, clock, service counts and shares, cumulative customer-minutes,
/// SAIDI, water volumes, pumps, signals, hospitals, power.
std::string utilityKpiCsv(const std::vector<UtilityKpi>& kpis, double clockStart);

/// One row per building: who serves it and how long it was without water and power.
std::string buildingServiceCsv(const CityModel& city, const UtilityModel& model,
                               const UtilitySimulation& sim);

/// One row per change of a building's service (time, clock, building, service, available).
std::string serviceChangesCsv(const std::vector<ServiceChange>& changes, double clockStart);

/// One row per log entry (events applied, overloads, trips, pumps stopped).
std::string utilityLogCsv(const std::vector<UtilityLogEntry>& log, double clockStart);

}  // namespace ct::utility
