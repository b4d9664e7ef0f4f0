#pragma once
/// Water and power over time, coupled, and the service every building gets.
///
/// A fixed step (60 s by default). Each step: the events due are applied; the power flow is
/// solved with the loads of the hour (AC, DC fallback per island); branches loaded above their
/// rating for longer than the trip delay trip (so failures cascade); buses in islands without
/// generation are dark. Pumps run when their bus is live and their tank control wants them;
/// then the water network is solved (pressure-driven demand) and tanks move over the step.
/// A building has power while its bus is live (a hospital also while its backup lasts) and water
/// while its junction is connected to a source with at least the service pressure. Signals
/// whose bus is dark are reported so the traffic simulation can turn them into all-way stops.
///
/// Deterministic and single-threaded; one simulation per thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/utility/utility_model.h"

namespace ct::utility {

enum class EventKind : std::uint8_t {
    PipeBurst,          ///< a burst: orifice outflow at the pipe's downstream node
    PipeClose,          ///< a pipe (or valve) closed, e.g. to isolate a burst
    PumpOutage,         ///< a pump out of service
    LineFailure,        ///< a line, cable or transformer out of service
    SubstationFailure,  ///< every bus with this id or name out of service (e.g. flooded)
    Repair              ///< undoes every failure of the target (also a tripped branch)
};

const char* toString(EventKind k);

struct UtilityEvent {
    double time = 0.0;  ///< s from the start
    EventKind kind = EventKind::PipeBurst;
    std::string target;         ///< water link id, power line id, bus id or name
    double burstDiameterM = 0;  ///< bursts: equivalent orifice diameter, 0 = half the pipe's
    std::string origin;         ///< for diagnostics: where the event was defined ("/events/3")
};

struct UtilitySimOptions {
    double step = 60.0;          ///< s
    double clockStart = 0.0;     ///< s after midnight at time 0
    double tripDelay = 120.0;    ///< s a branch stays overloaded before it trips
    double overloadPct = 100.0;  ///< loading above which a branch is overloaded
};

/// City-wide service at one step.
struct UtilityKpi {
    double time = 0.0;  ///< s from the start (end of the step)
    std::uint32_t buildingsWithoutWater = 0;
    std::uint32_t buildingsWithoutPower = 0;
    double residentsWithoutWater = 0;
    double residentsWithoutPower = 0;
    double shareWithoutWater = 0;  ///< of residents, 0..1
    double shareWithoutPower = 0;
    double customerMinutesWater = 0;  ///< cumulative: buildings x minutes without water
    double customerMinutesPower = 0;  ///< cumulative: buildings x minutes without power
    double saidiWaterMin = 0;         ///< customer-minutes / customers served
    double saidiPowerMin = 0;
    double requestedM3 = 0;   ///< cumulative water demand of the buildings
    double deliveredM3 = 0;   ///< cumulative water delivered to them
    double unmetM3 = 0;       ///< requested - delivered
    double leakM3 = 0;        ///< cumulative outflow of bursts
    double minPressureM = 0;  ///< lowest pressure at a connected junction with demand
    std::uint32_t pumpsRunning = 0;
    std::uint32_t pumpsWithoutPower = 0;
    std::uint32_t darkSignals = 0;
    std::uint32_t hospitalsOnBackup = 0;
    std::uint32_t hospitalsWithoutPower = 0;
    std::uint32_t darkBuses = 0;
    std::uint32_t trippedBranches = 0;
    double loadServedMW = 0;
    double loadLostMW = 0;
};

/// A change of a building's service, for maps and logs.
struct ServiceChange {
    double time = 0.0;
    std::uint32_t building = 0;
    bool water = false;  ///< true: water, false: power
    bool available = false;
};

/// Something that happened in the utilities: an event applied, a branch tripped, a pump stopped.
struct UtilityLogEntry {
    double time = 0.0;
    std::string what;
};

class UtilitySimulation {
public:
    /// `model` and `city` must outlive the simulation.
    UtilitySimulation(const UtilityModel& model, const CityModel& city, UtilitySimOptions options);
    ~UtilitySimulation();
    UtilitySimulation(const UtilitySimulation&) = delete;
    UtilitySimulation& operator=(const UtilitySimulation&) = delete;

    /// Adds events; unknown targets are reported in `report` (with the event's origin) and skipped.
    void addEvents(const std::vector<UtilityEvent>& events, DiagnosticReport& report);

    /// Runs steps until the simulated time reaches `time` (s).
    void advanceTo(double time);
    [[nodiscard]] double time() const;

    /// One entry per step, oldest first.
    [[nodiscard]] const std::vector<UtilityKpi>& kpis() const;
    [[nodiscard]] const std::vector<ServiceChange>& changes() const;
    [[nodiscard]] const std::vector<UtilityLogEntry>& log() const;

    // The state after the last step.
    [[nodiscard]] const std::vector<std::uint8_t>& buildingHasWater() const;
    [[nodiscard]] const std::vector<std::uint8_t>& buildingHasPower() const;
    [[nodiscard]] const std::vector<double>& buildingMinutesWithoutWater() const;
    [[nodiscard]] const std::vector<double>& buildingMinutesWithoutPower() const;
    [[nodiscard]] const std::vector<std::uint8_t>& busEnergised() const;
    [[nodiscard]] const std::vector<double>& nodePressure() const;  ///< m, by water node
    [[nodiscard]] const std::vector<double>& linkFlow() const;      ///< m^3/s, by water link
    [[nodiscard]] const std::vector<double>& branchLoadingPct() const;
    [[nodiscard]] const std::vector<double>& tankLevel() const;  ///< m, by water tank
    /// State of each water link for maps: 0 open, 1 closed (by its status, a control, an event,
    /// or a pump that is off), 2 burst.
    [[nodiscard]] std::vector<std::uint8_t> waterLinkState() const;
    /// Each power branch live (1: in service with both ends energised) or not (0).
    [[nodiscard]] std::vector<std::uint8_t> branchLive() const;
    /// Junctions whose signals have no power now.
    [[nodiscard]] std::vector<NodeId> darkSignals() const;
    /// Pump on (1) or off (0), by entry of UtilityModel::pumps.
    [[nodiscard]] const std::vector<std::uint8_t>& pumpRunning() const;

    /// Run-time warnings (unconverged solves).
    [[nodiscard]] const DiagnosticReport& diagnostics() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::utility
