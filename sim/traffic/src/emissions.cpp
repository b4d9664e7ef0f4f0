#include "citytwin/traffic/emissions.h"

#include <algorithm>

namespace ct::traffic {

namespace {
// Akcelik & Besley (2003), power-based model: f = alpha + beta1 R_T v + beta2 M a^2 v / 1000 for
// R_T > 0, else alpha; R_T = b1 + b2 v^2 + M a / 1000 (kN, level road). Parameters for a light
// vehicle and a heavy rigid truck as tabulated there; a bus uses the truck set.
struct FuelParams {
    double mass;   // kg
    double alpha;  // mL/s, idle
    double beta1;  // mL/kJ
    double beta2;  // mL/(kJ m/s^2)
    double b1;     // kN
    double b2;     // kN/(m/s)^2
};
constexpr FuelParams kLight{1400.0, 0.375, 0.09, 0.03, 0.333, 0.00108};
constexpr FuelParams kHeavy{11000.0, 0.7, 0.08, 0.02, 1.47, 0.00423};
constexpr double kCo2PerMl = 2.31;  // g CO2 per mL of petrol (diesel 2.68; one value for all)

const FuelParams& paramsFor(VehicleClass c) {
    return (c == VehicleClass::Truck || c == VehicleClass::Bus) ? kHeavy : kLight;
}
}  // namespace

double fuelRate(VehicleClass c, double v, double a) {
    const FuelParams& p = paramsFor(c);
    const double rt = p.b1 + p.b2 * v * v + p.mass * a / 1000.0;
    if (rt <= 0.0) {
        return p.alpha;
    }
    return p.alpha + p.beta1 * rt * v + p.beta2 * p.mass * std::max(a, 0.0) * std::max(a, 0.0) * v / 1000.0;
}

double co2Rate(VehicleClass c, double v, double a) { return kCo2PerMl * fuelRate(c, v, a); }

}  // namespace ct::traffic
