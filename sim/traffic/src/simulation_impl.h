#pragma once
// Private to the traffic library: the simulation's state and phases, shared by the
// simulation*.cpp files (simulation.cpp: set-up, insertion, teleports, the step;
// simulation_junctions.cpp: right of way and looking ahead; simulation_lanes.cpp: lane changes;
// simulation_move.cpp: entry requests, car following and movement, applying the moves).

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "citytwin/traffic/emissions.h"
#include "citytwin/traffic/router.h"
#include "citytwin/traffic/simulation.h"

namespace ct::traffic {

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr double kStopped = 0.1;  // m/s: below this a vehicle is waiting (SUMO's definition)

/// IDM acceleration (Treiber, Hennecke, Helbing 2000). gap: m to the leader's back (or the stop
/// line); dv = v - v_leader. Without a leader the free-road term alone.
inline double idm(const VehicleType& t, double v, double v0, bool hasLeader, double gap, double dv) {
    // Above the desired speed (entering a slower turn, a lower limit) the plain IDM brakes with
    // a(1 - (v/v0)^4), far beyond b; like the improved IDM (Treiber & Kesting 2013) the free-road
    // deceleration is bounded by the comfortable deceleration b.
    const double free =
        std::max(1.0 - std::pow(v / std::max(v0, 0.1), t.delta), -t.comfortDecel / t.maxAccel);
    if (!hasLeader) {
        return t.maxAccel * free;
    }
    const double sStar =
        t.minGap + std::max(0.0, v * t.headway + v * dv / (2.0 * std::sqrt(t.maxAccel * t.comfortDecel)));
    const double s = std::max(gap, 0.01);
    return t.maxAccel * (free - (sStar / s) * (sStar / s));
}

struct Simulation::Impl {
    const TrafficNetwork& net;
    SimOptions opt;
    std::vector<VehicleType> types;
    tbb::task_arena arena;
    std::int64_t tick = 0;
    double dt = 1.0;

    // Trips and their results; vehicle v drives trip v.
    std::vector<Trip> trips;
    std::vector<TripResult> results;
    std::vector<TeleportEvent> teleportLog;
    // Per-vehicle sums updated every step, kept compact (the TripResult records are large and
    // touched at random): copied into `results` by flushResults() when results are read.
    struct TripSums {
        double route = 0.0, loss = 0.0, wait = 0.0, co2 = 0.0;
    };
    std::vector<TripSums> sums;
    void flushResults() {
        for (std::size_t v = 0; v < sums.size() && v < results.size(); ++v) {
            results[v].routeLength = sums[v].route;
            results[v].timeLoss = sums[v].loss;
            results[v].waitingTime = sums[v].wait;
            results[v].co2 = sums[v].co2;
        }
    }
    std::vector<std::uint32_t> departOrder;  // trip indexes by (depart, index)
    std::size_t nextDepart = 0;
    std::vector<std::uint32_t> waiting;  // departed, not yet inserted, in departure order

    // Vehicle state (columns indexed by vehicle = trip index).
    std::vector<std::uint32_t> lane;      // current lane, kNone when not on the network
    std::vector<double> pos;              // m, front bumper from the lane start
    std::vector<double> speed;            // m/s
    std::vector<double> accel;            // m/s^2, last step
    std::vector<float> factor;            // desired-speed factor
    std::vector<std::uint8_t> type;       // VehicleClass
    std::vector<std::uint32_t> routeOff;  // into routePool
    std::vector<std::uint32_t> routeLen;
    std::vector<std::uint32_t>
        routeIdx;  // index in the route of the link being driven (or just left, on an internal lane)
    std::vector<std::uint32_t> nextConn;  // connection to take at the end of the current normal lane
    std::vector<double> standing;         // s standing still at the current spot
    std::vector<double> lcCooldown;       // s until the next lane change is allowed
    std::vector<LinkId> routePool;

    // Lanes: vehicles front first.
    std::vector<std::vector<std::uint32_t>> laneVeh;

    // Per-step buffers.
    std::vector<std::uint32_t> programPhase;  // running phase of each signal program this step

    // Lanes holding vehicles, ascending: the per-step work runs over these only, so its cost
    // follows the traffic, not the size of the network.
    std::vector<std::uint32_t> active;
    std::vector<std::uint8_t> isActive;
    std::vector<std::uint32_t> newlyActive;
    void activate(std::uint32_t l) {
        if (isActive[l] == 0) {
            isActive[l] = 1;
            newlyActive.push_back(l);
        }
    }
    /// Folds the newly activated lanes in and drops lanes that emptied; keeps the order.
    void refreshActive();
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> keyedLanes;  // entry keys set this step

    std::vector<std::atomic<std::uint64_t>>
        entryKey;  // per lane: smallest (distance, vehicle) key wanting in
    struct Move {
        std::uint32_t veh;
        std::uint32_t lane;  // lane at the end of the step (kNone = arrived)
        std::uint32_t routeIdx;
        std::uint32_t nextConn;
        double pos, speed, accel, driven;
        bool entered;  // it entered `lane` this step (from another lane)
        // Normal links driven over completely this step (short links at speed), for the link
        // counts; at most kMaxCrossed are kept (more is beyond any real link length and speed).
        static constexpr int kMaxCrossed = 4;
        std::uint8_t crossedCount = 0;
        std::array<std::uint32_t, kMaxCrossed> crossed{};
    };
    std::vector<std::vector<Move>> moves;  // per source lane
    std::vector<std::int8_t> lcWish;

    std::vector<std::uint8_t> closed;
    std::vector<std::uint8_t> dark;  // by node: a signalised junction without power (all-way stop)
    // Current link speeds for rerouting: a moving average of the speeds driven on each link,
    // relaxing towards the speed limit while the link is empty (updated lazily).
    std::vector<float> linkSpeedAvg;          // m/s
    std::vector<std::int64_t> linkSpeedTick;  // tick of the last update
    std::vector<float> linkCost;              // s, travel time estimates handed to the router
    /// Replaces the rest of v's route by the best path from the link it is on (or committed to)
    /// under the router's current costs and closures; true when the route changed.
    bool reroute(std::uint32_t v, Router& r);
    void rerouteAll();
    Router router{net};  // for departures; one per simulation (it keeps its search buffers)
    Counters counters;
    StepStats last;
    double minGapSeen = std::numeric_limits<double>::infinity();

    // Link statistics.
    std::vector<LinkInterval> intervals;
    LinkInterval current;

    // Loop detectors: where, what the current interval has so far, completed intervals.
    struct Detector {
        std::uint32_t lane;
        double pos;
        std::uint32_t count = 0;
        double occupiedTime = 0.0, speedSum = 0.0;
        std::vector<DetectorInterval> done;
    };
    std::vector<Detector> detectors;
    std::vector<std::vector<std::uint32_t>> laneDetectors;  // detector ids per lane

    Impl(const TrafficNetwork& n, SimOptions o)
        : net(n), opt(std::move(o)), arena(opt.threads > 0 ? opt.threads : tbb::task_arena::automatic) {
        dt = opt.step;
        types = opt.types;
        if (types.empty()) {
            for (int c = 0; c < kVehicleClassCount; ++c) {
                types.push_back(defaultVehicleType(static_cast<VehicleClass>(c)));
            }
        }
        laneVeh.resize(net.laneCount());
        entryKey = std::vector<std::atomic<std::uint64_t>>(net.laneCount());
        moves.resize(net.laneCount());
        programPhase.assign(net.programs.size(), 0);
        isActive.assign(net.laneCount(), 0);
        for (auto& k : entryKey) {
            k.store(std::numeric_limits<std::uint64_t>::max(), std::memory_order_relaxed);
        }
        closed.assign(net.linkCount(), 0);
        dark.assign(net.nodeCount(), 0);
        router.setClosed(&closed);
        linkSpeedAvg.assign(net.linkCount(), 0.0f);
        for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
            linkSpeedAvg[l] = net.linkSpeed[l];
        }
        linkSpeedTick.assign(net.linkCount(), 0);
        linkCost.assign(net.linkCount(), 0.0f);
        laneDetectors.resize(net.laneCount());
        mergeRequests.resize(net.laneCount());
        startInterval(0.0);
    }

    double now() const { return static_cast<double>(tick) * dt; }
    const VehicleType& vt(std::uint32_t v) const { return types[type[v]]; }
    LinkId routeAt(std::uint32_t v, std::uint32_t i) const { return routePool[routeOff[v] + i]; }
    bool lastLink(std::uint32_t v, std::uint32_t idx) const { return idx + 1 >= routeLen[v]; }

    void startInterval(double begin) {
        current = LinkInterval{};
        current.begin = begin;
        current.entered.assign(net.linkCount(), 0);
        current.vehicleSeconds.assign(net.linkCount(), 0.0);
        current.speedSum.assign(net.linkCount(), 0.0);
    }

    /// The connection from normal lane `l` to the next link of the route, or kNone.
    std::uint32_t connToward(std::uint32_t l, LinkId next) const {
        for (std::uint32_t c = net.laneConnOffset[l]; c < net.laneConnOffset[l + 1]; ++c) {
            if (net.laneLink[net.connTo[c].index()] == next) {
                return c;
            }
        }
        return kNone;
    }
    /// Any connection from link `link` toward `next` (for looking ahead past a lane change).
    std::uint32_t anyConnToward(LinkId link, LinkId next) const {
        for (std::uint32_t i = 0; i < net.laneCountOf(link); ++i) {
            const std::uint32_t c = connToward(net.lane(link, i).index(), next);
            if (c != kNone) {
                return c;
            }
        }
        return kNone;
    }
    std::uint32_t nextConnFor(std::uint32_t v, std::uint32_t l, std::uint32_t idx) const {
        return lastLink(v, idx) ? kNone : connToward(l, routeAt(v, idx + 1));
    }

    // ------------------------------------------------------------------------------------
    // Junctions

    /// The right of way of connection c this step (the signal's running phase, else the
    /// junction's fixed priority).
    LinkState connState(std::uint32_t c) const;

    /// Is there room beyond the junction for vehicle v taking connection c? When the traffic
    /// beyond stands (or crawls), the whole vehicle must fit on the exit lane ("do not enter a
    /// junction you cannot leave"); moving traffic makes room as it goes, as at a queue
    /// discharging at a green light.
    bool exitClear(std::uint32_t v, std::uint32_t c, double dist, double sp) const;

    /// May vehicle v (speed sp, `dist` m before the stop line) pass the end of its normal lane
    /// through connection c this step? Reads only the previous state.
    bool permitted(std::uint32_t v, std::uint32_t c, double dist, double sp) const;

    // ------------------------------------------------------------------------------------
    // Looking ahead along a vehicle's path

    struct Cursor {
        std::uint32_t lane, idx, conn;  // lane, route index, connection at the end of a normal lane
    };

    /// The lane after the cursor's lane along the route, or kNone when the route ends here or
    /// the vehicle must change lanes first.
    bool advance(std::uint32_t v, Cursor& c, bool lookahead) const;

    enum class ObstacleKind : std::uint8_t { None, Vehicle, StopLine, EntryDenied, LaneEnd };
    struct Obstacle {
        ObstacleKind kind = ObstacleKind::None;
        bool found = false;
        double gap = 0.0;    // m from the vehicle's front to the obstacle
        double speed = 0.0;  // m/s of the obstacle
        double maxSafe = std::numeric_limits<double>::infinity();  // m/s cap from speed limits ahead
    };

    /// The nearest obstacle ahead of vehicle v beyond the end of its lane: the last vehicle of a
    /// lane ahead, a stop line it may not pass, a lane it may not enter this step, or the end of
    /// the route. `toEnd` is the distance from v's front to the end of its lane.
    Obstacle lookAhead(std::uint32_t v, const Cursor& start, double toEnd, double sp) const;

    // ------------------------------------------------------------------------------------
    // Phases

    void applySignals();

    bool routeVehicle(std::uint32_t v);

    void insertVehicles();

    /// IDM acceleration of v if it drove at `p` on lane `l` behind `leader` (kNone = none).
    double accelOn(std::uint32_t v, std::uint32_t l, double p, std::uint32_t leader) const;

    /// Neighbours of a position in a lane list (front first): the vehicle ahead and behind.
    std::pair<std::uint32_t, std::uint32_t> neighbours(std::uint32_t l, double p, std::uint32_t self) const;

    /// MOBIL (Kesting, Treiber, Helbing 2007) and mandatory lane changes toward lanes that lead
    /// on along the route. Plans in parallel from the current state; executed serially.
    void planLaneChanges();

    /// A vehicle that must change lanes but finds no gap asks the target lane to make room:
    /// followers there treat it as a leader when it is ahead of them (cooperative merging, as
    /// in SUMO's LC2013). Requests live for one step.
    std::vector<std::vector<std::uint32_t>> mergeRequests;  // per lane: vehicles that want in
    std::vector<std::uint32_t> lastMergeTargets;            // lanes holding requests, to clear them next step
    void askToMerge(std::uint32_t v, std::uint32_t targetLane);

    /// Two vehicles side by side that each must move into the other's lane (both stuck at the
    /// stop line) swap places; otherwise each would wait for the other forever.
    bool trySwap(std::uint32_t v, std::uint32_t l, std::uint32_t tl, int dir);

    void executeLaneChanges();

    /// Each vehicle that might reach the end of its lane this step asks for the lanes it could
    /// enter; the nearest (then the lowest vehicle id) wins each lane. Order-independent.
    void requestEntries();

    /// Car following and movement, lane by lane in parallel, front to back within a lane.
    void moveVehicles();

    std::atomic<std::uint64_t> emergencyCount{0};
    std::atomic<std::uint64_t> hardBrakeCount{0};

    /// Applies the moves: lane lists rebuilt (staying vehicles keep their order, entrants go to
    /// the back: at most one per lane per step), arrivals recorded, statistics accumulated.
    void applyMoves();

    void teleportStuck();

    /// The smallest gap on any lane, and where (for diagnostics).
    double scanGaps(std::uint32_t* where = nullptr) const;

    // Developer diagnostics, read once: CT_DEBUG_GAPS=1 reports negative gaps after each phase;
    // CT_TRACE_VEH=<vehicle> prints one vehicle's state after each phase.
    const bool debugGapsOn = std::getenv("CT_DEBUG_GAPS") != nullptr;
    const long traceVehicle =
        std::getenv("CT_TRACE_VEH") != nullptr ? std::atol(std::getenv("CT_TRACE_VEH")) : -1;

    void debugGaps(const char* phase) const;

    void measureGaps() { minGapSeen = scanGaps(); }

    /// Developer aid (CT_DUMP_STUCK=<time s>): the longest-waiting heads of queues and why.
    void dumpStuck() const;
    const double dumpAt =
        std::getenv("CT_DUMP_STUCK") != nullptr ? std::atof(std::getenv("CT_DUMP_STUCK")) : -1.0;

    void step();
};

}  // namespace ct::traffic
