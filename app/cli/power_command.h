#pragma once
// `citytwin power`: load a MATPOWER case, solve its power flow, print a summary, write results.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "citytwin/power/power_network.h"
#include "citytwin/sim/diagnostics.h"

namespace ct::cli {

/// Loads the power network of a city at its peak load (a file that is not a MATPOWER .m case:
/// any source `citytwin info` reads, or "sample"). Installed by runCli(); unset, only cases.
using CityPowerLoader =
    std::function<std::optional<power::PowerNetwork>(const std::string& source, DiagnosticReport& report)>;
void setCityPowerLoader(CityPowerLoader loader);

/// Runs `citytwin power` with `args`, the words after "power":
///   <case.m> [--dc] [--n-1] [--cascade] [--trip-delay N] [--q-limits] [--flat]
///   [--max-iter N] [--tol PU] [--threads N] [--json] [--out DIR]
/// Prints the summary (or JSON with --json) to `out`, diagnostics and errors to `err`.
/// Returns 0 when solved, 1 when the case could not be loaded or the power flow did not converge,
/// 2 on a bad command line. Never throws on bad input.
int runPowerCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
