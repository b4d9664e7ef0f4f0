#pragma once
// Small networks built in code for the power tests, and the closed-form two-bus solution.

#include <cmath>
#include <optional>
#include <string>

#include "citytwin/power/matpower_reader.h"
#include "citytwin/power/power_network.h"

namespace ct::power::test {

inline std::string fixture(const std::string& name) {
    return std::string(CT_POWER_FIXTURES_DIR) + "/" + name;
}

/// Loads a fixture that must load without errors (the caller checks has_value()).
inline std::optional<PowerNetwork> loadFixture(const std::string& name) {
    DiagnosticReport report;
    return readMatpowerCase(fixture(name), report);
}

inline PowerBus bus(int number, BusType type, double pdMW = 0, double qdMVAr = 0) {
    PowerBus b;
    b.number = number;
    b.type = type;
    b.pdMW = pdMW;
    b.qdMVAr = qdMVAr;
    return b;
}

inline PowerGen gen(int busIndex, double pgMW, double vgPu = 1.0, double pmaxMW = 1000) {
    PowerGen g;
    g.bus = busIndex;
    g.pgMW = pgMW;
    g.vgPu = vgPu;
    g.pmaxMW = pmaxMW;
    return g;
}

inline PowerBranch line(int from, int to, double r, double x, double b = 0, double rateAMVA = 0) {
    PowerBranch br;
    br.from = from;
    br.to = to;
    br.rPu = r;
    br.xPu = x;
    br.bPu = b;
    br.rateAMVA = rateAMVA;
    return br;
}

/// Receiving end of a lossless line of reactance x (p.u.) from a source of magnitude v1 (p.u.)
/// feeding a load p + jq (p.u.). With d the angle of the source over the load bus:
///   p x = v1 v2 sin d,   q x = v1 v2 cos d - v2^2.
/// Squaring and adding: (p x)^2 + (q x + v2^2)^2 = v1^2 v2^2, a quadratic in u = v2^2:
///   u^2 + (2 q x - v1^2) u + x^2 (p^2 + q^2) = 0,
/// whose larger root is the normal operating point. Returns false when there is no real root
/// (the load exceeds what the line can carry).
struct TwoBusSolution {
    double v2 = 0;        ///< load bus voltage magnitude, p.u.
    double deltaRad = 0;  ///< angle of the source over the load bus, rad
    double q1 = 0;        ///< reactive power sent by the source, p.u.: (v1^2 - v1 v2 cos d) / x
};

inline bool twoBus(double v1, double x, double p, double q, TwoBusSolution& s) {
    const double b = 2 * q * x - v1 * v1;
    const double c = x * x * (p * p + q * q);
    const double disc = b * b - 4 * c;
    if (disc < 0) {
        return false;
    }
    const double u = (-b + std::sqrt(disc)) / 2;
    s.v2 = std::sqrt(u);
    s.deltaRad = std::asin(p * x / (v1 * s.v2));
    s.q1 = (v1 * v1 - v1 * s.v2 * std::cos(s.deltaRad)) / x;
    return true;
}

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

}  // namespace ct::power::test
