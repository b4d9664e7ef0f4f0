#pragma once
// `citytwin water`: load an EPANET .inp file, simulate it, print a summary, write results.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/water/water_network.h"

namespace ct::cli {

/// Loads the water network of a city (a file that is not .inp: any source `citytwin info` reads,
/// or "sample"). Installed by runCli(); unset, only .inp files are accepted.
using CityWaterLoader =
    std::function<std::optional<water::WaterNetwork>(const std::string& source, DiagnosticReport& report)>;
void setCityWaterLoader(CityWaterLoader loader);

/// Runs `citytwin water <file.inp> [--duration H] [--pda] [--epanet] [--json] [--out DIR]`; `args` are the
/// arguments after the word "water". Prints a summary (text, or JSON with --json) to `out`,
/// diagnostics to `err`; with --out, writes nodes.csv, links.csv and tanks.csv (and
/// results.json with --json) into DIR, each through a temporary file renamed into place.
/// Returns 0 on success, 1 when the input cannot be loaded or simulated (or the results cannot
/// be written), 2 on a bad command line.
int runWaterCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
