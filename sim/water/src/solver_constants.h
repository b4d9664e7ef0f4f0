#pragma once
// Private: tolerances of the hydraulic solver, EPANET's values converted to SI.

#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/units.h"

namespace ct::water::detail {

inline constexpr double kCfs = 0.028316846592;                // m^3/s per ft^3/s
inline constexpr double kBig = 1e8;                           // a "large" coefficient (EPANET's CBIG)
inline constexpr double kHeadTol = 0.0005 * kFootM;           // m, head tolerance of status checks
inline constexpr double kFlowTol = 1e-4 * kCfs;               // m^3/s, flow tolerance of status checks
inline constexpr double kGradientMin = 1e-7 * kFootM / kCfs;  // m per m^3/s, smallest dh/dQ
inline constexpr double kLowFlow = 1e-6;                      // m^3/s: H-W is linear below this flow
inline constexpr double kBarrier = 1e9;                 // m per m^3/s: slope outside PDA / emitter limits
inline constexpr double kStartVelocity = 1.0 * kFootM;  // m/s, EPANET's starting velocity

/// The solver state a link starts in for a status and setting (pumps: the setting is the speed).
LinkState initialLinkState(LinkKind kind, LinkStatus status, double setting);

}  // namespace ct::water::detail
