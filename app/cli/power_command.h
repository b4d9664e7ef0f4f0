#pragma once
// `citytwin power`: load a MATPOWER case, solve its power flow, print a summary, write results.

#include <ostream>
#include <string>
#include <vector>

namespace ct::cli {

/// Runs `citytwin power` with `args`, the words after "power":
///   <case.m> [--dc] [--n-1] [--cascade] [--trip-delay N] [--q-limits] [--flat]
///   [--max-iter N] [--tol PU] [--threads N] [--json] [--out DIR]
/// Prints the summary (or JSON with --json) to `out`, diagnostics and errors to `err`.
/// Returns 0 when solved, 1 when the case could not be loaded or the power flow did not converge,
/// 2 on a bad command line. Never throws on bad input.
int runPowerCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
