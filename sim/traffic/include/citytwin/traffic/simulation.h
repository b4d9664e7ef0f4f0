#pragma once
/// The microscopic traffic simulation: IDM car following, MOBIL lane changing, junctions with
/// signals and right of way, routing, teleporting of gridlocked vehicles.
///
/// Deterministic: the same network, trips, options and seed give bit-identical results at any
/// thread count. A step is a fixed list of phases (docs/traffic.md); parallel phases write only
/// to their own lane's or vehicle's slots, and cross-lane choices (who enters a lane) are
/// settled by order-independent minimum keys.
///
/// Threading: step() uses a private TBB arena of `SimOptions::threads` threads. Other methods
/// must not be called while step() runs; readers copy what they need between steps.

#include <cstdint>
#include <memory>
#include <vector>

#include "citytwin/traffic/traffic_network.h"
#include "citytwin/traffic/trip.h"
#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

struct SimOptions {
    double step = 1.0;  ///< s, 0.1 .. 1
    std::uint64_t seed = 1;
    int threads = 0;  ///< 0 = all cores
    double teleportAfter =
        300.0;  ///< s waiting at one spot before a vehicle is teleported (SUMO's default); 0 = never
    double lookahead = 200.0;         ///< m, how far a vehicle looks ahead along its route
    double safeDecel = 4.0;           ///< m/s^2, MOBIL's b_safe
    double laneChangeCooldown = 3.0;  ///< s between two lane changes of a vehicle
    double yieldDistance = 15.0;      ///< m, a yielding vehicle checks the crossing from this close
    double statsInterval = 300.0;     ///< s, interval of link statistics
    /// s between reroutings of every running vehicle on current travel times (congestion);
    /// 0 = reroute only when a link on the route closes.
    double rerouteInterval = 0.0;
    std::vector<VehicleType> types;  ///< per VehicleClass; empty = defaultVehicleType()
};

/// Network-wide figures of one step.
struct StepStats {
    double time = 0.0;  ///< s at the end of the step
    std::uint32_t running = 0;
    double meanSpeed = 0.0;   ///< m/s over running vehicles
    double delayRate = 0.0;   ///< s of time loss per s (vehicles x time loss), this step
    double travelRate = 0.0;  ///< vehicle-seconds per s driven this step (= running vehicles)
    double co2Rate = 0.0;     ///< g/s emitted by all vehicles this step
    std::uint32_t arrivedThisStep = 0;
    std::uint32_t insertedThisStep = 0;
};

struct Counters {
    std::uint64_t inserted = 0;
    std::uint64_t arrived = 0;
    std::uint64_t removed = 0;  ///< taken off the network without arriving (stuck, nowhere to teleport to)
    std::uint64_t noRoute = 0;  ///< trips never inserted because no path exists
    std::uint64_t teleports = 0;
    std::uint64_t reroutes = 0;
    /// Steps in which safety (never passing the vehicle, stop line or lane end ahead) forced a
    /// deceleration harder than the type's emergency decel: SUMO's "emergency braking".
    std::uint64_t emergencyBrakes = 0;
    /// Steps with a deceleration harder than the emergency decel for any reason, including
    /// IDM's own braking term at short gaps (>= emergencyBrakes).
    std::uint64_t hardBrakes = 0;
    std::uint64_t vehicleUpdates = 0;  ///< vehicle x steps
    std::uint64_t laneChanges = 0;
    std::uint64_t pending = 0;  ///< departed but not yet inserted (no space)
    std::uint64_t running = 0;  ///< on the network now; inserted == arrived + running + removed
};

/// A virtual loop detector at a point of a lane, aggregated over intervals.
struct DetectorInterval {
    double begin = 0.0, end = 0.0;  ///< s
    std::uint32_t count = 0;        ///< vehicles whose front crossed the detector
    double occupancy = 0.0;         ///< share of the interval with a vehicle over the detector, 0..1
    double meanSpeed = 0.0;         ///< m/s of the vehicles counted (0 when none)
};

/// Link statistics over one interval.
struct LinkInterval {
    double begin = 0.0, end = 0.0;       ///< s
    std::vector<std::uint32_t> entered;  ///< vehicles that entered each link
    std::vector<double> vehicleSeconds;  ///< sum over steps of vehicles on the link x step
    std::vector<double> speedSum;        ///< sum over steps and vehicles of speed x step (m)
};

/// One teleport: a vehicle at the head of a lane that stood `teleportAfter` s was moved ahead
/// along its route (or removed when no lane ahead had room). Where gridlock happens.
struct TeleportEvent {
    double time = 0.0;       ///< s of simulation time
    std::uint32_t trip = 0;  ///< trip index
    LaneId lane;             ///< the lane it stood on (normal or internal)
    NodeId node;             ///< the junction it stood before (or inside)
    LinkId wanted;           ///< the next link of its route it could not enter (invalid at the route's end)
    LinkId to;               ///< the link it was moved to; invalid when it was removed
};

class Simulation {
public:
    Simulation(const TrafficNetwork& net, SimOptions options);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// Adds trips; their departure times may lie in the past (they depart at the next step).
    void addTrips(std::vector<Trip> trips);

    /// Advances one step.
    void step();
    /// Runs until `time` (s) or until every trip is done, whichever is first.
    void runUntil(double time);

    [[nodiscard]] double time() const;
    [[nodiscard]] std::int64_t tick() const;
    [[nodiscard]] bool finished() const;  ///< no vehicle running or waiting to depart

    /// Closes a link from now on: nobody enters it; routes through it are replaced.
    void closeLink(LinkId l);
    void openLink(LinkId l);
    [[nodiscard]] bool isClosed(LinkId l) const;

    /// Switches a junction's signals off (a power cut) or on again. A dark junction is an
    /// all-way stop: every vehicle stops at the line, then the first to have stopped goes when
    /// no conflicting vehicle is crossing. Works on any junction; on others it has the same effect.
    void setSignalDark(NodeId node, bool dark);
    [[nodiscard]] bool isSignalDark(NodeId node) const;

    [[nodiscard]] const Counters& counters() const;
    [[nodiscard]] const StepStats& lastStep() const;
    [[nodiscard]] const std::vector<TripResult>& trips() const;
    /// Every teleport so far, in the order they happened.
    [[nodiscard]] const std::vector<TeleportEvent>& teleports() const;
    /// Completed link-statistics intervals, oldest first.
    [[nodiscard]] const std::vector<LinkInterval>& linkIntervals() const;

    /// Adds a loop detector `pos` m from the start of a normal lane; returns its index. Call
    /// before the first step.
    std::uint32_t addDetector(LaneId lane, double pos);
    /// Adds a detector 30 m before the stop line (or mid-lane on short lanes) on every lane that
    /// approaches a signalised junction. Returns how many were added.
    std::uint32_t addSignalApproachDetectors();
    [[nodiscard]] std::size_t detectorCount() const;
    [[nodiscard]] LaneId detectorLane(std::uint32_t d) const;
    [[nodiscard]] double detectorPos(std::uint32_t d) const;
    /// Completed intervals of detector d (same boundaries as the link statistics).
    [[nodiscard]] const std::vector<DetectorInterval>& detectorIntervals(std::uint32_t d) const;

    /// A hash of the whole dynamic state (positions, speeds, lanes, routes, counters).
    [[nodiscard]] std::uint64_t stateHash() const;

    /// The smallest gap (m) between consecutive vehicles on any lane at the end of the last
    /// step; +inf when no lane holds two vehicles. An invariant: never below 0.
    [[nodiscard]] double minGap() const;

    /// Snapshot of running vehicles for readers (GUI, outputs).
    struct VehicleView {
        std::uint32_t trip;
        LaneId lane;
        float pos;    ///< m from the lane start (front bumper)
        float speed;  ///< m/s
        VehicleClass vclass;
    };
    [[nodiscard]] std::vector<VehicleView> vehicles() const;

    /// A trip's route as it stands now: every link from its first to its destination (the
    /// links already driven included; after a reroute, the new remainder), and the index in
    /// `links` of the link being driven (or just left, while crossing a junction).
    struct RouteView {
        std::vector<LinkId>
            links;  ///< empty before the trip is routed (not yet departed) or when it has no path
        std::uint32_t current = 0;
        std::uint32_t reroutes = 0;  ///< how often the route was replaced
    };
    [[nodiscard]] RouteView route(std::uint32_t trip) const;

    /// Memory held per vehicle slot, bytes (state columns and route storage averaged).
    [[nodiscard]] double bytesPerVehicle() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::traffic
