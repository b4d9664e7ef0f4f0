#pragma once
/// Reader for MATPOWER case files (.m), version 1 and 2 of the case format.
///
/// Understands `mpc.baseMVA`, `mpc.bus`, `mpc.gen` and `mpc.branch` (or the bare names of the
/// version-1 format), `%` comments, `...` continuations, rows separated by `;` or new lines,
/// elements by blanks or commas, and `Inf`/`-Inf`. Other fields (`gencost`, `areas`, `bus_name`,
/// `version`...) are skipped. Expressions, function calls and transposes are not evaluated: they
/// are reported. Bad input never crashes and never throws: it gives diagnostics with the file
/// and the 1-based line, and an error rejects the case.

#include <optional>
#include <string>
#include <string_view>

#include "citytwin/power/power_network.h"
#include "citytwin/sim/diagnostics.h"

namespace ct::power {

/// Parses the text of a case. `file` labels the diagnostics; `name` becomes PowerNetwork::name.
/// Returns the network, or nothing when any error was added to `report`.
std::optional<PowerNetwork> parseMatpowerCase(std::string_view text, const std::string& file,
                                              DiagnosticReport& report, const std::string& name = {});

/// Reads and parses a case file; the network is named after the file stem.
std::optional<PowerNetwork> readMatpowerCase(const std::string& path, DiagnosticReport& report);

}  // namespace ct::power
