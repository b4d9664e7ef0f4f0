#pragma once
// `citytwin` subcommands and exit codes.

#include <ostream>
#include <string>
#include <vector>

namespace ct::cli {

/// Exit codes of the citytwin command (docs/cli.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitLoadError = 1,  ///< the input could not be loaded (the diagnostics say why)
    kExitUsage = 2,      ///< bad command line
    kExitInternal = 3,   ///< a bug: an unexpected exception
};

/// Runs the whole command line (argv without the program name) and returns the exit code.
int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ct::cli
