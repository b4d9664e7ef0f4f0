#pragma once
/// The city's water and power networks and who they serve, built from the utility layers of a
/// CityModel (docs/data-schema.md: water_nodes, water_links, power_buses, power_lines).
///
/// Every building is fed by one water junction and one power bus: the ids the data gives
/// (`water_node`, `power_bus` fields), else the nearest junction and the nearest distribution
/// (feeder) bus. Building demands follow docs/data-schema.md: water per resident and per job
/// with a diurnal pattern, electric load per resident and per job with a daily profile.
/// Signalised junctions are fed by the bus their signal point names, else the nearest feeder bus;
/// pumps by the bus their `power_bus` field names.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "citytwin/power/power_network.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "citytwin/water/water_network.h"

namespace ct::utility {

/// Demand, load and service assumptions (docs/data-schema.md gives the sources).
struct ServiceOptions {
    double waterPerResidentLpd = 150.0;  ///< l per resident per day, on average
    double waterPerJobLpd = 50.0;        ///< l per job per day, on average
    /// Hourly multipliers of the average water demand, from midnight (mean 1).
    std::vector<double> waterPattern{0.45, 0.40, 0.30, 0.30, 0.35, 0.65, 1.30, 1.80, 1.60, 1.35, 1.20, 1.20,
                                     1.20, 1.15, 1.05, 1.00, 1.05, 1.20, 1.35, 1.35, 1.25, 1.05, 0.80, 0.65};
    double peakKwPerResident = 0.5;       ///< kW per resident at the peak of the profile
    double peakKwPerJob = 0.6;            ///< kW per job (commercial, public, other)
    double peakKwPerIndustrialJob = 1.0;  ///< kW per job in industrial buildings
    double powerFactor = 0.95;
    /// Hourly multipliers of the peak electric load, from midnight (peak 1).
    std::vector<double> loadProfile{0.45, 0.40, 0.37, 0.36, 0.37, 0.42, 0.55, 0.68, 0.72, 0.72, 0.72, 0.74,
                                    0.76, 0.73, 0.70, 0.70, 0.74, 0.85, 0.96, 1.00, 0.95, 0.85, 0.70, 0.55};
    /// Pressure-driven demand: no delivery at or below `pdaMinPressureM`, full at `pdaRequiredPressureM`.
    double pdaMinPressureM = 0.0;
    double pdaRequiredPressureM = 15.0;
    /// A building has water while its junction is connected to a source and has at least this
    /// pressure (m of water column).
    double servicePressureM = 10.0;
    /// Hours a hospital rides through a power cut on its backup generators, when the facility
    /// gives no `backup_hours`.
    double hospitalBackupHours = 24.0;
    /// Power drawn by the controller and lamps of a signalised junction, kW.
    double signalKw = 1.0;
    /// Power drawn by a pump motor: rho g Q H / efficiency at its design point.
    double pumpEfficiency = 0.75;
};

/// A pump and what drives it.
struct PumpFeed {
    std::uint32_t link = 0;         ///< water link index
    std::int32_t bus = -1;          ///< power bus index, -1 when no bus feeds it (always powered)
    std::int32_t controlTank = -1;  ///< water node index of the tank that switches it, -1 for none
    double onBelowM = 0.0;          ///< starts when the tank level (m above the bottom) falls below
    double offAboveM = 0.0;         ///< stops when it rises above
    double designPowerMW = 0.0;     ///< electric power at the design point
};

/// A signalised junction and the bus that powers its signals.
struct SignalFeed {
    NodeId node;
    std::int32_t bus = -1;
};

/// A hospital building and how long its backup generators last.
struct BackupFeed {
    BuildingId building;
    FacilityId facility;
    double backupHours = 0.0;
};

struct UtilityModel {
    bool hasWater = false;
    bool hasPower = false;
    water::WaterNetwork water;
    power::PowerNetwork power;
    std::vector<std::string> busId;    ///< external id of each power bus (by bus index)
    std::vector<std::string> busName;  ///< name of each power bus (by bus index)
    std::vector<std::string> busKind;  ///< grid, substation or feeder
    std::vector<std::string> branchId;
    std::vector<Vec2> busPos;  ///< m, local frame
    std::vector<std::vector<Vec2>> branchShape;

    // Service, by building: -1 when the network is missing or nothing could be found.
    std::vector<std::int32_t> buildingWaterNode;
    std::vector<std::int32_t> buildingPowerBus;
    std::vector<double> buildingWaterDemand;  ///< m^3/s on average over the day
    std::vector<double> buildingPeakLoadMW;   ///< MW at the peak of the profile

    std::vector<double> busPeakLoadMW;  ///< by bus: buildings, signals and pump motors at peak
    std::vector<PumpFeed> pumps;
    std::vector<SignalFeed> signalFeeds;
    std::vector<BackupFeed> backups;
    std::int32_t waterPattern = -1;  ///< pattern index of the building demands
    ServiceOptions options;

    [[nodiscard]] std::int32_t findBus(std::string_view id) const;
};

/// Builds the networks and the service links. Problems with the data go to `report` as
/// diagnostics naming the file, layer and feature; an element that cannot be used is skipped
/// (warning), a network that cannot be simulated at all is an error and leaves it out
/// (hasWater / hasPower false). `clockStart` is the wall-clock time (s after midnight) at
/// simulation time 0, for the demand pattern.
UtilityModel buildUtilityModel(const CityModel& city, const ServiceOptions& options, double clockStart,
                               DiagnosticReport& report);

/// The multiplier of an hourly 24-value profile at a clock time (s after midnight), held
/// constant over each hour as an EPANET pattern with a 1 h step.
double hourlyFactor(const std::vector<double>& profile, double clockSeconds);

}  // namespace ct::utility
