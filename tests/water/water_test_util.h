#pragma once
// Helpers shared by the water tests: small networks built in code, and independent formulas.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/water_network.h"

namespace ct::water::test {

/// The Hazen-Williams resistance written out here, independently of the library.
inline double hwR(double c, double d, double len) {
    return 10.667 * std::pow(c, -1.852) * std::pow(d, -4.871) * len;
}

/// Net flow into a node from its links, m^3/s.
inline double netInflow(const WaterNetwork& net, const HydraulicState& s, std::uint32_t node) {
    double q = 0.0;
    for (std::size_t k = 0; k < net.linkCount(); ++k) {
        if (net.linkTo[k] == node) {
            q += s.flow[k];
        }
        if (net.linkFrom[k] == node) {
            q -= s.flow[k];
        }
    }
    return q;
}

/// Largest continuity error over junctions: inflow - delivered demand - emitter - leak, m^3/s.
inline double worstImbalance(const WaterNetwork& net, const HydraulicState& s) {
    double worst = 0.0;
    for (std::uint32_t i = 0; i < net.nodeCount(); ++i) {
        if (net.nodeKind[i] != NodeKind::Junction) {
            continue;
        }
        const double err = netInflow(net, s, i) - s.demandDelivered[i] - s.emitterFlow[i] - s.leakFlow[i];
        worst = std::max(worst, std::abs(err));
    }
    return worst;
}

/// A tight solve: the tests compare with closed forms to better than EPANET's default 1e-3.
inline SolverSettings tight(const WaterNetwork& net) {
    SolverSettings s{net.options, kHazenWilliamsSi, kGravity};
    s.options.accuracy = 1e-9;
    s.options.maxTrials = 100;
    return s;
}

}  // namespace ct::water::test
