#pragma once
/// Trips (demand) and trip results (SUMO tripinfo fields).

#include <cstdint>
#include <string>
#include <vector>

#include "citytwin/sim/ids.h"
#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

struct Trip {
    std::string id;
    double depart = 0.0;  ///< s, desired departure time
    LinkId from;          ///< origin link (the vehicle starts at its beginning)
    LinkId to;            ///< destination link (the vehicle arrives at its end)
    VehicleClass vclass = VehicleClass::Car;
    std::vector<LinkId> route;  ///< optional fixed route from `from` to `to`; empty = routed at departure
    double departPos =
        -1.0;  ///< m on the origin link of the front bumper; < 0 = the vehicle's length (SUMO "base")
    double departSpeed = 0.0;  ///< m/s
};

enum class TripOutcome : std::uint8_t { Pending, Running, Arrived, NoRoute, Removed };

/// One finished (or unfinished) trip, with the fields of SUMO's tripinfo output.
struct TripResult {
    std::string id;
    VehicleClass vclass = VehicleClass::Car;
    TripOutcome outcome = TripOutcome::Pending;
    double depart = -1.0;      ///< s, actual insertion time
    double departDelay = 0.0;  ///< s, insertion time - desired departure
    double arrival = -1.0;     ///< s
    double duration = 0.0;     ///< s, arrival - depart
    double routeLength = 0.0;  ///< m driven
    double waitingTime = 0.0;  ///< s with speed below 0.1 m/s
    double timeLoss = 0.0;     ///< s lost against driving at the desired speed
    double co2 = 0.0;          ///< g emitted
    int teleports = 0;
    int reroutes = 0;
};

const char* toString(TripOutcome o);

}  // namespace ct::traffic
