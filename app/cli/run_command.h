#pragma once
// `citytwin run`: a scenario, headless, with a progress bar; results to an output folder.

#include <ostream>
#include <string>
#include <vector>

namespace ct::cli {

int runScenarioCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
