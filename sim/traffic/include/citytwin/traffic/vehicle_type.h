#pragma once
/// Vehicle types and their driving parameters (Intelligent Driver Model, MOBIL).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ct::traffic {

enum class VehicleClass : std::uint8_t { Car, Bus, Truck, Emergency, Count };

inline constexpr int kVehicleClassCount = static_cast<int>(VehicleClass::Count);

/// Parameters of one vehicle type. Units SI.
struct VehicleType {
    VehicleClass vclass = VehicleClass::Car;
    double length = 5.0;           ///< m, bumper to bumper
    double maxAccel = 2.6;         ///< m/s^2, IDM a (SUMO's passenger default accel 2.6)
    double comfortDecel = 4.5;     ///< m/s^2, IDM b (SUMO's passenger default decel 4.5)
    double emergencyDecel = 9.0;   ///< m/s^2, the most a driver brakes before a collision would follow
    double minGap = 2.5;           ///< m, IDM s0 (SUMO's minGap 2.5)
    double headway = 1.0;          ///< s, IDM T (SUMO's tau 1.0)
    double delta = 4.0;            ///< IDM acceleration exponent
    double maxSpeed = 55.0;        ///< m/s, the vehicle's own top speed
    double speedFactorMean = 1.0;  ///< desired speed = limit x factor, factor ~ N(mean, dev) clipped
    double speedFactorDev = 0.1;
    double politeness = 0.3;       ///< MOBIL p
    double changeThreshold = 0.2;  ///< MOBIL a_th, m/s^2
    double criticalGap = 4.0;      ///< s, the smallest gap accepted in major traffic when yielding
};

/// The default parameters of a class (docs/traffic.md lists them with their sources).
VehicleType defaultVehicleType(VehicleClass c);

std::string_view toString(VehicleClass c);
std::optional<VehicleClass> vehicleClassFromString(std::string_view s);

/// Desired-speed factor for a vehicle: a normal draw from a counter-based hash of
/// (seed, vehicle), clipped to mean +- 2 dev, so it does not depend on thread or insertion order.
double speedFactor(const VehicleType& t, std::uint64_t seed, std::uint64_t vehicle);

/// Counter-based random numbers: a uniform double in [0, 1) from (seed, stream, a, b).
double uniform01(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b);

}  // namespace ct::traffic
