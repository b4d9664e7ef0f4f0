#pragma once
/// Head-loss formulas of pipes, in SI (m of head, m^3/s, m). Pure functions, thread-safe.

namespace ct::water {

/// SI Hazen-Williams constant: h = 10.667 C^-1.852 d^-4.871 L Q^1.852.
inline constexpr double kHazenWilliamsSi = 10.667;
inline constexpr double kHazenWilliamsExponent = 1.852;
/// EPANET's US constant 4.727 (ft, cfs) in SI: 4.727 0.3048^4.871 / 0.0283168^1.852.
inline constexpr double kHazenWilliamsEpanetSi = 10.666829488930052;
/// EPANET's gravity, 32.2 ft/s^2, in m/s^2 (Darcy-Weisbach and minor losses use it).
inline constexpr double kGravityEpanet = 32.2 * 0.3048;

/// Resistance r of h = r Q^1.852 (m per (m^3/s)^1.852) for roughness coefficient C, diameter d (m)
/// and length L (m).
double hazenWilliamsResistance(double c, double diameter, double length, double k = kHazenWilliamsSi);

/// Resistance r of h = r Q^2 (Chezy-Manning) for Manning n, diameter d (m), length L (m).
double manningResistance(double n, double diameter, double length);

/// Coefficient m of a minor loss h = m Q^2 for a loss coefficient K on v^2/2g and diameter d (m),
/// with gravity g (m/s^2).
double minorLossCoefficient(double k, double diameter, double gravity = 9.80665);

/// Swamee-Jain friction factor for turbulent flow: f = 0.25 / log10(e/3.7d + 5.74/Re^0.9)^2.
double swameeJainFriction(double relativeRoughness, double reynolds);

/// Darcy friction factor: 64/Re below Re 2000, Swamee-Jain from Re 4000, and between them the cubic
/// (Hermite) that matches the laminar value and slope at 2000 and Swamee-Jain's at 4000.
/// `dfdRe`, when given, receives df/dRe.
double darcyFriction(double relativeRoughness, double reynolds, double* dfdRe = nullptr);

/// Darcy-Weisbach head loss (m) over a pipe of length L and diameter d (m) carrying Q (m^3/s),
/// for roughness e (m) and kinematic viscosity nu (m^2/s). Sign follows Q.
double darcyWeisbachHeadLoss(double flow, double diameter, double length, double roughness, double viscosity);

}  // namespace ct::water
