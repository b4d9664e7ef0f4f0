#pragma once
/// Fuel and CO2 from speed and acceleration: a tractive-power model. The power at the wheels
/// (inertia, rolling resistance, aerodynamic drag) divided by an average engine efficiency and
/// the fuel's heating value, plus an idle rate; CO2 from the fuel's carbon content. The
/// parameters (docs/traffic.md) are textbook values for a mid-size petrol car and a diesel
/// rigid truck.

#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

/// Fuel rate in mL/s for a vehicle of class c at speed v (m/s) and acceleration a (m/s^2) on
/// level road.
double fuelRate(VehicleClass c, double v, double a);

/// CO2 rate in g/s.
double co2Rate(VehicleClass c, double v, double a);

}  // namespace ct::traffic
