#pragma once
/// Reader of EPANET .inp files (EPANET 2.2 / 2.3 format) into a WaterNetwork in SI units.
///
/// Supported: [TITLE] [JUNCTIONS] [RESERVOIRS] [TANKS] [PIPES] [PUMPS] [VALVES] [DEMANDS]
/// [PATTERNS] [CURVES] [CONTROLS] [RULES] [STATUS] [EMITTERS] [OPTIONS] [TIMES] [COORDINATES]
/// [VERTICES] [END]; sections may come in any order. Sections the engine does not use (water
/// quality, energy, labels, map backdrop...) and unknown sections are reported as warnings with
/// their line; nothing is dropped silently. Malformed lines give errors with file and line, and
/// the reader goes on to report every problem. Never throws, never crashes on bad input.

#include <optional>
#include <string>
#include <string_view>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/water/water_network.h"

namespace ct::water {

/// Reads and checks a network from .inp text. `fileName` is used in diagnostics only.
/// Returns the finished network, or nullopt when `report` holds errors.
std::optional<WaterNetwork> parseInp(std::string_view text, const std::string& fileName,
                                     DiagnosticReport& report);

/// Reads and checks a network from an .inp file. Returns nullopt (with a diagnostic) when the
/// file cannot be read or holds errors.
std::optional<WaterNetwork> readInpFile(const std::string& path, DiagnosticReport& report);

}  // namespace ct::water
