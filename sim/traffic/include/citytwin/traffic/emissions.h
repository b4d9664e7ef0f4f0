#pragma once
/// CO2 emissions from speed and acceleration: the power-based fuel model of Akcelik and Besley
/// ("Operating cost, fuel consumption, and emission models in aaSIDRA and aaMOTION", 2003),
/// with petrol's 2.31 g CO2 per mL of fuel. docs/traffic.md gives the parameters.

#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

/// Fuel rate in mL/s for a vehicle of class c at speed v (m/s) and acceleration a (m/s^2) on
/// level road.
double fuelRate(VehicleClass c, double v, double a);

/// CO2 rate in g/s.
double co2Rate(VehicleClass c, double v, double a);

}  // namespace ct::traffic
