#pragma once
/// What the simulation thread publishes for the GUI: an immutable picture of one moment of the
/// run (vehicles in world coordinates, counters, KPIs, live link speeds). The worker builds a new
/// snapshot and swaps a shared_ptr under a mutex; readers hold their shared_ptr as long as they
/// like and never see it change. Plain C++: no Qt, no OSG.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <memory>

#include "citytwin/traffic/outputs.h"
#include "citytwin/traffic/simulation.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::gui {

enum class SimState : std::uint8_t {
    Paused,    ///< waiting for play or step
    Playing,   ///< stepping at the chosen speed
    Finished,  ///< the scenario's duration is over or every trip is done
};

/// One running vehicle.
struct VehicleSnap {
    std::uint32_t trip = 0;  ///< index into ScenarioSession::trips and Simulation::trips()
    std::uint32_t lane = 0;  ///< traffic::LaneId index
    float pos = 0.0f;        ///< m from the lane start (front bumper)
    float x = 0.0f;          ///< m, world position of the front bumper (local frame)
    float y = 0.0f;          ///< m
    float z = 0.0f;          ///< m, road surface
    float heading = 0.0f;    ///< rad, counter-clockwise from +x
    float speed = 0.0f;      ///< m/s
    float driven = 0.0f;     ///< m driven since departure
    float delay = 0.0f;      ///< s lost so far against driving at the desired speed (time loss)
    traffic::VehicleClass vclass = traffic::VehicleClass::Car;
};

/// A link closure or reopening asked for while the run went on (SimWorker::editLinks), as the
/// worker applied it.
struct LinkEdit {
    double time = 0.0;                 ///< s of simulation time it applied at (before the step from there)
    bool close = true;                 ///< close the links, else open them again
    std::vector<std::uint32_t> links;  ///< traffic::LinkId indices
    std::string ref;                   ///< how a scenario file names them ("123", "way:4711")
};

/// The utilities at one of their steps (shared between snapshots until the next utility step).
struct UtilitySnap {
    double time = 0.0;                           ///< s of simulation time the state holds from
    std::vector<utility::UtilityKpi> kpis;       ///< one per utility step so far, oldest first
    std::vector<utility::UtilityLogEntry> log;   ///< events applied, trips, pumps stopped
    std::vector<std::uint8_t> buildingHasWater;  ///< by building
    std::vector<std::uint8_t> buildingHasPower;  ///< by building
    std::vector<double> minutesWithoutWater;     ///< by building, so far
    std::vector<double> minutesWithoutPower;     ///< by building, so far
    std::vector<std::uint8_t> waterLinkState;    ///< by water link: 0 open, 1 closed, 2 burst
    std::vector<std::uint8_t> branchLive;        ///< by power branch
    std::vector<NodeId> darkSignals;             ///< junctions whose signals have no power
};

/// The route of the vehicle the GUI watches (SimWorker::watchTrip) as it stands at a snapshot.
struct RouteSnap {
    std::uint32_t trip = 0;
    std::vector<std::uint32_t> links;  ///< traffic::LinkId indices from the origin to the destination
    std::uint32_t current = 0;         ///< index in `links` of the link driven now (or just left)
    std::uint32_t reroutes = 0;        ///< how often the route was replaced (closures, rerouting)
};

struct SimSnapshot {
    std::uint64_t seq = 0;    ///< increases by one with every snapshot the worker publishes
    std::int64_t tick = 0;    ///< simulation steps done
    double time = 0.0;        ///< s of simulation time
    double clockStart = 0.0;  ///< s after midnight at simulation time 0
    double duration = 0.0;    ///< s, the scenario's duration
    double step = 1.0;        ///< s per simulation step
    SimState state = SimState::Paused;
    double speed = 1.0;  ///< simulated seconds per wall-clock second; 0 = as fast as it goes
    /// s of wall time until the next snapshot is expected: the time over which the view moves
    /// vehicles from the previous snapshot's positions to this one's.
    double wallPeriod = 0.0;
    std::vector<VehicleSnap> vehicles;  ///< running vehicles, sorted by trip
    traffic::Counters counters;
    traffic::StepStats last;               ///< the last step's network figures
    std::vector<traffic::KpiSample> kpis;  ///< closed dashboard intervals, oldest first
    /// m/s per link (indexed by LinkId): mean speed of the vehicles on it, exponentially
    /// weighted over the last minute of simulated time; NaN where nobody drove lately.
    std::vector<float> linkSpeed;
    /// The water and power networks' state (null when the scenario has none).
    std::shared_ptr<const UtilitySnap> utility;
    /// By link: 1 where the link is closed now (by the scenario's events or an edit); shared
    /// between snapshots until it changes. Null: none closed.
    std::shared_ptr<const std::vector<std::uint8_t>> closedLinks;
    /// The watched vehicle's route (SimWorker::watchTrip); null when none is watched, it has no
    /// route yet, or the snapshot was replayed from a recording (routes are not recorded).
    std::shared_ptr<const RouteSnap> route;
    /// The edits applied so far (SimWorker::editLinks), oldest first; null: none.
    std::shared_ptr<const std::vector<LinkEdit>> edits;
    /// Why the run stopped early (state Finished); empty when it did not fail.
    std::string error;

    [[nodiscard]] double clock() const { return clockStart + time; }
    [[nodiscard]] bool linkClosed(std::uint32_t link) const {
        return closedLinks && link < closedLinks->size() && (*closedLinks)[link] != 0;
    }
    /// The vehicle of a trip, null when it is not on the network.
    [[nodiscard]] const VehicleSnap* find(std::uint32_t trip) const;
};

/// `next`'s vehicles placed at a moment between two snapshots: `alpha` 0 gives their positions
/// in `prev`, 1 their positions in `next`. Vehicles in both move along the straight line between
/// their positions (turning the short way); vehicles only in `next` appear at their place;
/// vehicles only in `prev` (arrived) are gone. A jump longer than `maxJump` m (a teleport) is not
/// interpolated. `prev` may be null (no interpolation). The result stays sorted by trip.
std::vector<VehicleSnap> interpolateVehicles(const std::vector<VehicleSnap>* prev,
                                             const std::vector<VehicleSnap>& next, double alpha,
                                             double maxJump = 80.0);

/// The vehicle of `trip` in a list sorted by trip, null when it is not there.
const VehicleSnap* findVehicle(const std::vector<VehicleSnap>& vehicles, std::uint32_t trip);

}  // namespace ct::gui
