#pragma once
// `citytwin export-sumo`: a city's traffic network (as CityTwin builds it) and a scenario's demand
// as SUMO plain XML, a netconvert configuration and a SUMO configuration.

#include <ostream>
#include <string>
#include <vector>

namespace ct::cli {

int runExportSumoCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
