#pragma once
// A scenario's "signals" array (docs/scenarios.md) applied to the traffic network it drives.

#include "citytwin/scenarios/scenario.h"
#include "citytwin/sim/diagnostics.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::scenarios {

/// Replaces the programs of the nodes a scenario's "signals" array names (errors name the
/// JSON pointer); a node without signals gets one.
void applySignalOverrides(const ScenarioSpec& spec, traffic::TrafficNetwork& net, DiagnosticReport& report);

}  // namespace ct::scenarios
