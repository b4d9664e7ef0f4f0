#include "citytwin/traffic/vehicle_type.h"

#include <algorithm>
#include <cmath>

namespace ct::traffic {

VehicleType defaultVehicleType(VehicleClass c) {
    // Parameters after SUMO's vehicle class defaults (sumo.dlr.de "Vehicle Type Parameter
    // Defaults"), so that the same trips drive alike in both simulators.
    VehicleType t;
    t.vclass = c;
    switch (c) {
        case VehicleClass::Car:
            break;
        case VehicleClass::Bus:
            t.length = 12.0;
            t.maxAccel = 1.2;
            t.comfortDecel = 4.0;
            t.emergencyDecel = 7.0;
            t.maxSpeed = 85.0 / 3.6;
            t.speedFactorDev = 0.05;
            t.criticalGap = 5.0;
            break;
        case VehicleClass::Truck:
            t.length = 7.1;
            t.maxAccel = 1.3;
            t.comfortDecel = 4.0;
            t.emergencyDecel = 7.0;
            t.maxSpeed = 130.0 / 3.6;
            t.speedFactorDev = 0.05;
            t.criticalGap = 5.0;
            break;
        case VehicleClass::Emergency:
            t.length = 6.5;
            t.maxAccel = 2.6;
            t.comfortDecel = 4.5;
            t.speedFactorMean = 1.5;
            t.speedFactorDev = 0.0;
            t.criticalGap = 2.0;
            break;
        default:
            break;
    }
    return t;
}

std::string_view toString(VehicleClass c) {
    switch (c) {
        case VehicleClass::Car:
            return "car";
        case VehicleClass::Bus:
            return "bus";
        case VehicleClass::Truck:
            return "truck";
        case VehicleClass::Emergency:
            return "emergency";
        default:
            return "?";
    }
}

std::optional<VehicleClass> vehicleClassFromString(std::string_view s) {
    if (s == "car" || s == "passenger") {
        return VehicleClass::Car;
    }
    if (s == "bus") {
        return VehicleClass::Bus;
    }
    if (s == "truck" || s == "trailer" || s == "delivery") {
        return VehicleClass::Truck;
    }
    if (s == "emergency") {
        return VehicleClass::Emergency;
    }
    return std::nullopt;
}

namespace {
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
}  // namespace

double uniform01(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b) {
    const std::uint64_t h = splitmix(splitmix(splitmix(splitmix(seed) ^ stream) ^ a) ^ b);
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

double speedFactor(const VehicleType& t, std::uint64_t seed, std::uint64_t vehicle) {
    if (t.speedFactorDev <= 0.0) {
        return t.speedFactorMean;
    }
    // Box-Muller from two counter-based uniforms.
    const double u1 = std::max(1e-12, uniform01(seed, 1, vehicle, 0));
    const double u2 = uniform01(seed, 1, vehicle, 1);
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
    return std::clamp(t.speedFactorMean + t.speedFactorDev * z, t.speedFactorMean - 2 * t.speedFactorDev,
                      t.speedFactorMean + 2 * t.speedFactorDev);
}

}  // namespace ct::traffic
