#include "citytwin/water/head_loss.h"

#include <cmath>
#include <numbers>

#include "citytwin/water/units.h"

namespace ct::water {

double hazenWilliamsResistance(double c, double diameter, double length, double k) {
    return k * std::pow(c, -kHazenWilliamsExponent) * std::pow(diameter, -4.871) * length;
}

double manningResistance(double n, double diameter, double length) {
    // h = n^2 L v^2 / R^(4/3) with R = d/4 and v = 4Q / (pi d^2).
    const double coefficient = 16.0 * std::pow(4.0, 4.0 / 3.0) / (std::numbers::pi * std::numbers::pi);
    return coefficient * n * n * length / std::pow(diameter, 16.0 / 3.0);
}

double minorLossCoefficient(double k, double diameter, double gravity) {
    const double d2 = diameter * diameter;
    return 8.0 * k / (gravity * std::numbers::pi * std::numbers::pi * d2 * d2);
}

double swameeJainFriction(double relativeRoughness, double reynolds) {
    const double w = relativeRoughness / 3.7 + 5.74 / std::pow(reynolds, 0.9);
    const double l = std::log10(w);
    return 0.25 / (l * l);
}

namespace {

// Swamee-Jain and its derivative in Re.
double swameeJain(double e, double re, double* dfdRe) {
    const double w = e / 3.7 + 5.74 * std::pow(re, -0.9);
    const double l = std::log10(w);
    const double f = 0.25 / (l * l);
    if (dfdRe != nullptr) {
        const double dwdRe = -0.9 * 5.74 * std::pow(re, -1.9);
        *dfdRe = -0.5 / (l * l * l) / (w * std::numbers::ln10) * dwdRe;
    }
    return f;
}

}  // namespace

double darcyFriction(double relativeRoughness, double reynolds, double* dfdRe) {
    constexpr double kLaminar = 2000.0;
    constexpr double kTurbulent = 4000.0;
    if (reynolds <= kLaminar) {
        const double re = reynolds > 1e-12 ? reynolds : 1e-12;
        if (dfdRe != nullptr) {
            *dfdRe = -64.0 / (re * re);
        }
        return 64.0 / re;
    }
    if (reynolds >= kTurbulent) {
        return swameeJain(relativeRoughness, reynolds, dfdRe);
    }
    // Cubic Hermite in r = Re/2000 on [1, 2]: laminar value and slope at r = 1, Swamee-Jain value
    // and slope at r = 2, so f and df/dRe are continuous (Newton's method needs both).
    double s4 = 0.0;
    const double fa = swameeJain(relativeRoughness, kTurbulent, &s4);
    const double f1 = 64.0 / kLaminar;
    const double d1 = -64.0 / kLaminar;          // df/dr at r = 1 (laminar slope times 2000)
    const double d2 = s4 * kLaminar;             // df/dr at r = 2
    const double t = reynolds / kLaminar - 1.0;  // 0..1
    const double h00 = 2 * t * t * t - 3 * t * t + 1;
    const double h10 = t * t * t - 2 * t * t + t;
    const double h01 = -2 * t * t * t + 3 * t * t;
    const double h11 = t * t * t - t * t;
    if (dfdRe != nullptr) {
        const double g00 = 6 * t * t - 6 * t;
        const double g10 = 3 * t * t - 4 * t + 1;
        const double g01 = -6 * t * t + 6 * t;
        const double g11 = 3 * t * t - 2 * t;
        *dfdRe = (g00 * f1 + g10 * d1 + g01 * fa + g11 * d2) / kLaminar;
    }
    return h00 * f1 + h10 * d1 + h01 * fa + h11 * d2;
}

double darcyWeisbachHeadLoss(double flow, double diameter, double length, double roughness,
                             double viscosity) {
    const double q = std::abs(flow);
    const double area = 0.25 * std::numbers::pi * diameter * diameter;
    const double re = q / area * diameter / viscosity;
    const double f = darcyFriction(roughness / diameter, re);
    const double v = q / area;
    const double h = f * length / diameter * v * v / (2.0 * kGravity);
    return flow < 0.0 ? -h : h;
}

}  // namespace ct::water
