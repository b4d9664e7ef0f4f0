#include "citytwin/traffic/emissions.h"

#include <algorithm>

namespace ct::traffic {

namespace {
struct FuelParams {
    double mass;        // kg
    double rolling;     // rolling resistance coefficient
    double dragArea;    // Cd x A, m^2
    double efficiency;  // average engine + drivetrain efficiency
    double heating;     // kJ per mL of fuel (lower heating value)
    double idle;        // mL/s
    double co2PerMl;    // g CO2 per mL of fuel
};
// Petrol: 43 MJ/kg x 0.745 kg/L = 32 kJ/mL, 2.31 kg CO2/L. Diesel: 43 MJ/kg x 0.835 kg/L =
// 36 kJ/mL, 2.68 kg CO2/L. Car: 1400 kg, Cr 0.012, CdA 0.7 m^2, 25 % efficiency, 0.25 mL/s idle.
// Truck and bus: 11 t, Cr 0.008, CdA 6 m^2, 35 %, 0.6 mL/s idle.
constexpr FuelParams kCar{1400.0, 0.012, 0.7, 0.25, 32.0, 0.25, 2.31};
constexpr FuelParams kHeavy{11000.0, 0.008, 6.0, 0.35, 36.0, 0.6, 2.68};
constexpr double kAirDensity = 1.2;  // kg/m^3
constexpr double kG = 9.81;          // m/s^2

const FuelParams& paramsFor(VehicleClass c) {
    return (c == VehicleClass::Truck || c == VehicleClass::Bus) ? kHeavy : kCar;
}
}  // namespace

double fuelRate(VehicleClass c, double v, double a) {
    const FuelParams& p = paramsFor(c);
    const double force = p.mass * a + p.rolling * p.mass * kG + 0.5 * kAirDensity * p.dragArea * v * v;  // N
    const double powerKw = std::max(0.0, force * v) / 1000.0;
    return p.idle + powerKw / (p.efficiency * p.heating);
}

double co2Rate(VehicleClass c, double v, double a) {
    return paramsFor(c).co2PerMl * fuelRate(c, v, a);
}

}  // namespace ct::traffic
