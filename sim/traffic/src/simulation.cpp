#include "citytwin/traffic/simulation.h"

#include <algorithm>
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

namespace ct::traffic {

const char* toString(TripOutcome o) {
    switch (o) {
        case TripOutcome::Pending:
            return "pending";
        case TripOutcome::Running:
            return "running";
        case TripOutcome::Arrived:
            return "arrived";
        case TripOutcome::NoRoute:
            return "no_route";
        case TripOutcome::Removed:
            return "removed";
    }
    return "?";
}

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr double kStopped = 0.1;  // m/s: below this a vehicle is waiting (SUMO's definition)

/// IDM acceleration (Treiber, Hennecke, Helbing 2000). gap: m to the leader's back (or the stop
/// line); dv = v - v_leader. Without a leader the free-road term alone.
double idm(const VehicleType& t, double v, double v0, bool hasLeader, double gap, double dv) {
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

}  // namespace

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
    void refreshActive() {
        active.insert(active.end(), newlyActive.begin(), newlyActive.end());
        newlyActive.clear();
        std::sort(active.begin(), active.end());
        std::size_t w = 0;
        for (std::uint32_t l : active) {
            if (laneVeh[l].empty()) {
                isActive[l] = 0;
            } else {
                active[w++] = l;
            }
        }
        active.resize(w);
    }
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
    };
    std::vector<std::vector<Move>> moves;  // per source lane
    std::vector<std::int8_t> lcWish;

    std::vector<std::uint8_t> closed;
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
        router.setClosed(&closed);
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
    LinkState connState(std::uint32_t c) const {
        const std::uint32_t prog = net.nodeProgram[net.connNode[c].index()];
        if (prog == UINT32_MAX || net.programs[prog].phases.empty()) {
            return net.connBaseState[c];
        }
        const std::string& st = net.programs[prog].phases[programPhase[prog]].states;
        return net.connIndex[c] < st.size() ? linkStateFromChar(st[net.connIndex[c]]) : LinkState::Off;
    }

    /// Is there room beyond the junction for vehicle v taking connection c? When the traffic
    /// beyond stands (or crawls), the whole vehicle must fit on the exit lane ("do not enter a
    /// junction you cannot leave"); moving traffic makes room as it goes, as at a queue
    /// discharging at a green light.
    bool exitClear(std::uint32_t v, std::uint32_t c, double dist, double sp) const {
        const VehicleType& t = vt(v);
        if (net.nodeControl[net.connNode[c].index()] == JunctionControl::None ||
            dist >= sp * sp / (2.0 * t.comfortDecel) + 10.0) {
            return true;
        }
        constexpr double kJammed = 2.0;  // m/s
        const auto& exitVeh = laneVeh[net.connTo[c].index()];
        double room = net.laneLength[net.connTo[c].index()];
        bool jammed = false;
        if (!exitVeh.empty()) {
            const std::uint32_t b = exitVeh.back();
            room = pos[b] - vt(b).length;
            jammed = speed[b] < kJammed;
        }
        for (std::uint32_t w : laneVeh[net.connVia[c].index()]) {
            room -= vt(w).length + vt(w).minGap;
            jammed = jammed || speed[w] < kJammed;
        }
        return !jammed || room >= std::min(t.length + 0.5 * t.minGap,
                                           static_cast<double>(net.laneLength[net.connTo[c].index()]));
    }

    /// May vehicle v (speed sp, `dist` m before the stop line) pass the end of its normal lane
    /// through connection c this step? Reads only the previous state.
    bool permitted(std::uint32_t v, std::uint32_t c, double dist, double sp) const {
        const VehicleType& t = vt(v);
        const LinkState st = connState(c);
        switch (st) {
            case LinkState::Red:
                return false;
            case LinkState::Yellow:
                // Go only when a comfortable stop is no longer possible.
                if (sp * sp / (2.0 * t.comfortDecel) < dist) {
                    return false;
                }
                break;
            case LinkState::Stop:
                // Come to a full stop at the line (the IDM halts about s0 before it) first.
                if (sp > kStopped || dist > t.minGap + 1.0) {
                    return false;
                }
                [[fallthrough]];
            case LinkState::YieldGreen: {
                if (dist > opt.yieldDistance) {
                    return false;  // approach slowly; decide at the line
                }
                // Committed: too close to stop comfortably (it was clear a moment ago).
                if (st == LinkState::YieldGreen && sp > 1.0 && sp * sp / (2.0 * t.comfortDecel) > dist) {
                    break;
                }
                // Drivers who have waited long accept shorter gaps (as SUMO's impatience).
                const double gap = t.criticalGap * std::max(0.3, 1.0 - standing[v] / 120.0);
                for (std::uint32_t d : net.conflictsOf(c)) {
                    if (!laneVeh[net.connVia[d].index()].empty()) {
                        return false;  // a foe is crossing now
                    }
                    const LinkState fs = connState(d);
                    if (fs != LinkState::PriorityGreen && !(st == LinkState::Stop && fs == LinkState::Stop)) {
                        continue;
                    }
                    const auto& foes = laneVeh[net.connFrom[d].index()];
                    if (foes.empty()) {
                        continue;
                    }
                    const std::uint32_t f = foes.front();
                    if (nextConn[f] != d) {
                        continue;
                    }
                    const double fd = net.laneLength[net.connFrom[d].index()] - pos[f];
                    const double arrive = fd / std::max(speed[f], 1.0);
                    // A foe that stands because it cannot leave the junction either does not
                    // take the gap: waiting for it would deadlock.
                    if (arrive <= gap && (speed[f] > 1.0 || exitClear(f, d, fd, speed[f]))) {
                        return false;
                    }
                }
                break;
            }
            default:
                break;
        }
        return exitClear(v, c, dist, sp);
    }

    // ------------------------------------------------------------------------------------
    // Looking ahead along a vehicle's path

    struct Cursor {
        std::uint32_t lane, idx, conn;  // lane, route index, connection at the end of a normal lane
    };

    /// The lane after the cursor's lane along the route, or kNone when the route ends here or
    /// the vehicle must change lanes first.
    bool advance(std::uint32_t v, Cursor& c, bool lookahead) const {
        if (net.isInternal(LaneId{c.lane})) {
            const std::uint32_t conn = net.laneConnection[c.lane];
            c.lane = net.connTo[conn].index();
            c.idx += 1;
            c.conn = nextConnFor(v, c.lane, c.idx);
            if (c.conn == kNone && lookahead && !lastLink(v, c.idx)) {
                c.conn = anyConnToward(net.laneLink[c.lane], routeAt(v, c.idx + 1));
            }
            return true;
        }
        if (c.conn == kNone) {
            return false;
        }
        c.lane = net.connVia[c.conn].index();
        return true;
    }

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
    Obstacle lookAhead(std::uint32_t v, const Cursor& start, double toEnd, double sp) const {
        const VehicleType& t = vt(v);
        Obstacle o;
        Cursor c = start;
        double dist = toEnd;
        const double horizon = std::max(opt.lookahead, sp * sp / (2.0 * t.comfortDecel) + sp * 3.0);
        const std::uint64_t myKeyVeh = v;
        while (dist < horizon) {
            const bool internal = net.isInternal(LaneId{c.lane});
            if (!internal) {
                if (lastLink(v, c.idx) && net.laneLink[c.lane] == routeAt(v, c.idx)) {
                    return o;  // the route ends at this lane's end: drive out freely
                }
                if (c.conn == kNone || closed[net.laneLink[net.connTo[c.conn].index()].index()] != 0 ||
                    !permitted(v, c.conn, dist, sp)) {
                    o.kind = c.conn == kNone ? ObstacleKind::LaneEnd : ObstacleKind::StopLine;
                    o.found = true;
                    o.gap = dist;
                    o.speed = 0.0;
                    return o;
                }
            }
            Cursor next = c;
            if (!advance(v, next, true)) {
                o.kind = ObstacleKind::LaneEnd;
                o.found = true;
                o.gap = dist;
                return o;
            }
            // Entering the next lane this step needs this vehicle's entry key to win.
            const std::uint64_t key = entryKey[next.lane].load(std::memory_order_relaxed);
            if (key != std::numeric_limits<std::uint64_t>::max() &&
                (key & 0xffffffULL) != (myKeyVeh & 0xffffffULL) &&
                dist < (sp + t.maxAccel * dt) * dt + 1e-9) {
                o.kind = ObstacleKind::EntryDenied;
                o.found = true;
                o.gap = dist;
                return o;
            }
            // Slow down in time for a lower speed limit ahead (turns across junctions).
            const double limit = net.laneSpeed[next.lane];
            o.maxSafe = std::min(o.maxSafe, std::sqrt(limit * limit + 2.0 * t.comfortDecel * dist));
            const auto& veh = laneVeh[next.lane];
            if (!veh.empty()) {
                const std::uint32_t b = veh.back();
                o.kind = ObstacleKind::Vehicle;
                o.found = true;
                o.gap = dist + pos[b] - vt(b).length;
                o.speed = speed[b];
                return o;
            }
            dist += net.laneLength[next.lane];
            c = next;
        }
        return o;
    }

    // ------------------------------------------------------------------------------------
    // Phases

    void applySignals() {
        const double t = now();
        for (std::size_t p = 0; p < net.programs.size(); ++p) {
            programPhase[p] = static_cast<std::uint32_t>(net.programs[p].phaseAt(t));
        }
    }

    bool routeVehicle(std::uint32_t v) {
        const Trip& tr = trips[v];
        std::vector<LinkId> path = tr.route;
        bool usable = !path.empty();
        for (LinkId l : path) {
            usable = usable && l.valid() && l.index() < net.linkCount() && closed[l.index()] == 0;
        }
        if (!usable) {
            path = router.route(tr.from, tr.to);
        }
        if (path.empty()) {
            return false;
        }
        routeOff[v] = static_cast<std::uint32_t>(routePool.size());
        routeLen[v] = static_cast<std::uint32_t>(path.size());
        routePool.insert(routePool.end(), path.begin(), path.end());
        return true;
    }

    void insertVehicles() {
        const double t = now();
        while (nextDepart < departOrder.size() && trips[departOrder[nextDepart]].depart <= t + 1e-9) {
            const std::uint32_t v = departOrder[nextDepart++];
            if (!routeVehicle(v)) {
                results[v].outcome = TripOutcome::NoRoute;
                ++counters.noRoute;
                continue;
            }
            waiting.push_back(v);
        }
        // Insert in departure order; a vehicle that finds no room waits (SUMO's depart delay),
        // and so does everyone behind it on the same origin link.
        std::vector<std::uint32_t> still;
        std::vector<std::uint32_t> blockedLinks;
        for (std::uint32_t v : waiting) {
            const LinkId origin = routeAt(v, 0);
            if (std::find(blockedLinks.begin(), blockedLinks.end(), origin.index()) != blockedLinks.end() ||
                closed[origin.index()] != 0) {
                still.push_back(v);
                continue;
            }
            const VehicleType& ty = vt(v);
            const Trip& tr = trips[v];
            // The lane that leads on along the route with the most room at the departure
            // position: room to the vehicle ahead and, behind, a safe gap to the follower.
            std::uint32_t best = kNone;
            double bestScore = -1.0, bestPos = 0.0;
            for (std::uint32_t i = 0; i < net.laneCountOf(origin); ++i) {
                const std::uint32_t l = net.lane(origin, i).index();
                const bool leads = routeLen[v] == 1 || connToward(l, routeAt(v, 1)) != kNone;
                const double p = tr.departPos >= 0.0
                                     ? std::min(tr.departPos, static_cast<double>(net.laneLength[l]))
                                     : std::min(ty.length, static_cast<double>(net.laneLength[l]));
                const auto [ahead, behind] = neighbours(l, p, kNone);
                const double room =
                    ahead == kNone ? net.laneLength[l] - p : pos[ahead] - vt(ahead).length - p;
                const double back = behind == kNone ? p : p - ty.length - pos[behind];
                const bool fits =
                    room >= (ahead == kNone ? 0.0 : ty.minGap) &&
                    back >= (behind == kNone ? std::min(0.0, p - ty.length) : vt(behind).minGap);
                const double score = room + (leads ? 1e6 : 0.0);
                if (fits && score > bestScore) {
                    bestScore = score;
                    best = l;
                    bestPos = p;
                }
            }
            if (best == kNone) {
                still.push_back(v);
                blockedLinks.push_back(origin.index());
                continue;
            }
            lane[v] = best;
            pos[v] = bestPos;
            speed[v] = std::min(tr.departSpeed, static_cast<double>(net.laneSpeed[best]) * factor[v]);
            accel[v] = 0.0;
            routeIdx[v] = 0;
            nextConn[v] = nextConnFor(v, best, 0);
            standing[v] = 0.0;
            lcCooldown[v] = 0.0;
            {
                auto& lv = laneVeh[best];
                auto it = lv.begin();
                while (it != lv.end() && pos[*it] > bestPos) {
                    ++it;
                }
                lv.insert(it, v);
                activate(best);
            }
            TripResult& res = results[v];
            res.outcome = TripOutcome::Running;
            res.depart = t;
            res.departDelay = t - trips[v].depart;
            ++counters.inserted;
            ++last.insertedThisStep;
            ++current.entered[origin.index()];
        }
        waiting.swap(still);
    }

    /// IDM acceleration of v if it drove at `p` on lane `l` behind `leader` (kNone = none).
    double accelOn(std::uint32_t v, std::uint32_t l, double p, std::uint32_t leader) const {
        const VehicleType& t = vt(v);
        const double v0 = std::min(static_cast<double>(net.laneSpeed[l]) * factor[v], t.maxSpeed);
        if (leader == kNone) {
            // Treat the lane end as free road; the junction logic governs it.
            return idm(t, speed[v], v0, false, 0.0, 0.0);
        }
        return idm(t, speed[v], v0, true, pos[leader] - vt(leader).length - p, speed[v] - speed[leader]);
    }

    /// Neighbours of a position in a lane list (front first): the vehicle ahead and behind.
    std::pair<std::uint32_t, std::uint32_t> neighbours(std::uint32_t l, double p, std::uint32_t self) const {
        std::uint32_t ahead = kNone, behind = kNone;
        for (std::uint32_t w : laneVeh[l]) {
            if (w == self) {
                continue;
            }
            if (pos[w] > p || (pos[w] == p && w < self)) {
                ahead = w;
            } else {
                behind = w;
                break;
            }
        }
        return {ahead, behind};
    }

    /// MOBIL (Kesting, Treiber, Helbing 2007) and mandatory lane changes toward lanes that lead
    /// on along the route. Plans in parallel from the current state; executed serially.
    void planLaneChanges() {
        lcWish.assign(trips.size(), 0);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active.size(), 64), [&](const auto& r) {
            for (std::size_t ai = r.begin(); ai != r.end(); ++ai) {
                const std::uint32_t l = active[ai];
                if (net.isInternal(LaneId{l})) {
                    continue;
                }
                const LinkId link = net.laneLink[l];
                const std::uint32_t n = net.laneCountOf(link);
                if (n < 2) {
                    continue;
                }
                const std::uint32_t idx = net.laneIndex[l];
                const auto& veh = laneVeh[l];
                for (std::size_t k = 0; k < veh.size(); ++k) {
                    const std::uint32_t v = veh[k];
                    if (lcCooldown[v] > 0.0) {
                        continue;
                    }
                    // Lanes scored by how far along the route they lead: 2 = on to the next
                    // link onto a lane that leads to the one after (SUMO's "best lanes"), 1 = to
                    // the next link only, 0 = not on (a lane change is mandatory).
                    const std::uint32_t ri = routeIdx[v];
                    auto score = [&](std::uint32_t laneIndex) {
                        if (lastLink(v, ri)) {
                            return 2;
                        }
                        const std::uint32_t c =
                            connToward(net.lane(link, laneIndex).index(), routeAt(v, ri + 1));
                        if (c == kNone) {
                            return 0;
                        }
                        if (lastLink(v, ri + 1)) {
                            return 2;
                        }
                        return connToward(net.connTo[c].index(), routeAt(v, ri + 2)) != kNone ? 2 : 1;
                    };
                    int bestScore = 0;
                    for (std::uint32_t i = 0; i < n; ++i) {
                        bestScore = std::max(bestScore, score(i));
                    }
                    auto leads = [&](std::uint32_t laneIndex) { return score(laneIndex) >= bestScore; };
                    const VehicleType& t = vt(v);
                    const std::uint32_t leader = k > 0 ? veh[k - 1] : kNone;
                    const std::uint32_t follower = k + 1 < veh.size() ? veh[k + 1] : kNone;
                    if (!leads(idx) && (score(idx) == 0 || net.laneLength[l] - pos[v] > 30.0)) {
                        // Mandatory (or, while there is room, strategic): toward the nearest
                        // lane that leads on farthest.
                        int dir = 0;
                        for (std::uint32_t d = 1; d < n && dir == 0; ++d) {
                            if (idx + d < n && leads(idx + d)) {
                                dir = 1;
                            } else if (idx >= d && leads(idx - d)) {
                                dir = -1;
                            }
                        }
                        lcWish[v] = static_cast<std::int8_t>(dir);
                        continue;
                    }
                    if (!leads(idx)) {
                        continue;  // too close to the end to move over for the link after
                    }
                    const double aOld = accelOn(v, l, pos[v], leader);
                    double bestGain = t.changeThreshold;
                    for (int dir : {-1, 1}) {
                        if ((dir < 0 && idx == 0) || (dir > 0 && idx + 1 >= n)) {
                            continue;
                        }
                        const std::uint32_t targetIndex = dir > 0 ? idx + 1 : idx - 1;
                        if (!leads(targetIndex)) {
                            continue;
                        }
                        const std::uint32_t tl = net.lane(link, targetIndex).index();
                        const auto [nl, nf] = neighbours(tl, pos[v], v);
                        if (nl != kNone && pos[nl] - vt(nl).length - pos[v] < t.minGap) {
                            continue;
                        }
                        if (nf != kNone && pos[v] - t.length - pos[nf] < vt(nf).minGap) {
                            continue;
                        }
                        const double aNew = accelOn(v, tl, pos[v], nl);
                        double followerNew = 0.0, followerOld = 0.0;
                        if (nf != kNone) {
                            const double aNfNew = accelOn(nf, tl, pos[nf], v);
                            if (aNfNew < -opt.safeDecel) {
                                continue;  // unsafe for the new follower
                            }
                            followerNew = aNfNew - accelOn(nf, tl, pos[nf], nl);
                        }
                        if (follower != kNone) {
                            followerOld = accelOn(follower, l, pos[follower], leader) -
                                          accelOn(follower, l, pos[follower], v);
                        }
                        const double gain = aNew - aOld + t.politeness * (followerNew + followerOld);
                        if (gain > bestGain) {
                            bestGain = gain;
                            lcWish[v] = static_cast<std::int8_t>(dir);
                        }
                    }
                }
            }
        });
    }

    /// A vehicle that must change lanes but finds no gap asks the target lane to make room:
    /// followers there treat it as a leader when it is ahead of them (cooperative merging, as
    /// in SUMO's LC2013). Requests live for one step.
    std::vector<std::vector<std::uint32_t>> mergeRequests;  // per lane: vehicles that want in
    std::vector<std::uint32_t> lastMergeTargets;  // lanes holding requests, to clear them next step
    void askToMerge(std::uint32_t v, std::uint32_t targetLane) {
        if (nextConn[v] == kNone && !lastLink(v, routeIdx[v]) && net.laneLength[lane[v]] - pos[v] < 100.0) {
            mergeRequests[targetLane].push_back(v);
            lastMergeTargets.push_back(targetLane);
        }
    }

    /// Two vehicles side by side that each must move into the other's lane (both stuck at the
    /// stop line) swap places; otherwise each would wait for the other forever.
    bool trySwap(std::uint32_t v, std::uint32_t l, std::uint32_t tl, int dir) {
        for (std::uint32_t w : laneVeh[tl]) {
            if (std::abs(pos[w] - pos[v]) > std::max(vt(v).length, vt(w).length) || lcWish[w] != -dir ||
                nextConn[w] != kNone || lastLink(w, routeIdx[w])) {
                continue;
            }
            // Each takes the other's position; check the gaps around both new places.
            std::swap(pos[v], pos[w]);
            auto fits = [&](std::uint32_t x, std::uint32_t laneX) {
                const auto [a, b] = neighbours(laneX, pos[x], x);
                const std::uint32_t other = x == v ? w : v;
                const bool aOk = a == kNone || a == other || pos[a] - vt(a).length - pos[x] >= 0.0;
                const bool bOk = b == kNone || b == other || pos[x] - vt(x).length - pos[b] >= 0.0;
                return aOk && bOk;
            };
            if (!fits(v, tl) || !fits(w, l)) {
                std::swap(pos[v], pos[w]);
                continue;
            }
            auto& lv = laneVeh[l];
            auto& tv = laneVeh[tl];
            *std::find(lv.begin(), lv.end(), v) = w;
            *std::find(tv.begin(), tv.end(), w) = v;
            auto resort = [&](std::vector<std::uint32_t>& list) {
                std::stable_sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
                    return pos[a] > pos[b] || (pos[a] == pos[b] && a < b);
                });
            };
            resort(lv);
            resort(tv);
            lane[v] = tl;
            lane[w] = l;
            nextConn[v] = nextConnFor(v, tl, routeIdx[v]);
            nextConn[w] = nextConnFor(w, l, routeIdx[w]);
            lcWish[w] = 0;
            lcCooldown[v] = lcCooldown[w] = opt.laneChangeCooldown;
            counters.laneChanges += 2;
            return true;
        }
        return false;
    }

    void executeLaneChanges() {
        for (std::uint32_t l : active) {
            mergeRequests[l].clear();
        }
        for (std::uint32_t l : lastMergeTargets) {
            mergeRequests[l].clear();
        }
        lastMergeTargets.clear();
        const std::vector<std::uint32_t> lanes = active;  // lane changes may add lanes; they hold nothing to do
        for (std::uint32_t l : lanes) {
            if (net.isInternal(LaneId{l})) {
                continue;
            }
            if (laneVeh[l].empty()) {
                continue;
            }
            const std::vector<std::uint32_t> snapshot = laneVeh[l];
            for (std::uint32_t v : snapshot) {
                const int dir = lcWish[v];
                if (dir == 0 || lane[v] != l) {
                    continue;
                }
                lcWish[v] = 0;  // once: the vehicle may meet this loop again on its new lane
                const LinkId link = net.laneLink[l];
                const std::uint32_t idx = net.laneIndex[l];
                if ((dir < 0 && idx == 0) || (dir > 0 && idx + 1 >= net.laneCountOf(link))) {
                    continue;
                }
                const std::uint32_t tl = net.lane(link, dir > 0 ? idx + 1 : idx - 1).index();
                const VehicleType& t = vt(v);
                // Re-check safety against the lanes as they are now (earlier changes included).
                const auto [nl, nf] = neighbours(tl, pos[v], v);
                const bool mandatory = nextConn[v] == kNone && !lastLink(v, routeIdx[v]);
                // Urgent near the lane end (or when already stopped there): small gaps and hard
                // braking accepted; otherwise the change must be comfortable for both.
                const bool urgent = mandatory && (net.laneLength[l] - pos[v] < 30.0 || speed[v] < 1.0);
                const double need = urgent ? 0.5 : t.minGap;
                if (mandatory && trySwap(v, l, tl, dir)) {
                    continue;
                }
                if (nl != kNone &&
                    (pos[nl] - vt(nl).length - pos[v] < need ||
                     accelOn(v, tl, pos[v], nl) < -(urgent ? t.emergencyDecel * 0.5 : opt.safeDecel))) {
                    askToMerge(v, tl);
                    continue;
                }
                if (nf != kNone) {
                    if (pos[v] - t.length - pos[nf] < (urgent ? 0.5 : vt(nf).minGap)) {
                        askToMerge(v, tl);
                        continue;
                    }
                    const double decel = urgent ? vt(nf).emergencyDecel * 0.5 : opt.safeDecel;
                    if (accelOn(nf, tl, pos[nf], v) < -decel) {
                        askToMerge(v, tl);
                        continue;
                    }
                }
                auto& from = laneVeh[l];
                from.erase(std::find(from.begin(), from.end(), v));
                auto& to = laneVeh[tl];
                auto it = to.begin();
                while (it != to.end() && (pos[*it] > pos[v] || (pos[*it] == pos[v] && *it < v))) {
                    ++it;
                }
                to.insert(it, v);
                activate(tl);
                lane[v] = tl;
                nextConn[v] = nextConnFor(v, tl, routeIdx[v]);
                lcCooldown[v] = opt.laneChangeCooldown;
                ++counters.laneChanges;
            }
        }
    }

    /// Each vehicle that might reach the end of its lane this step asks for the lanes it could
    /// enter; the nearest (then the lowest vehicle id) wins each lane. Order-independent.
    void requestEntries() {
        // Clear last step's keys (only lanes that were asked for hold one).
        for (auto& lanes : keyedLanes) {
            for (std::uint32_t l : lanes) {
                entryKey[l].store(std::numeric_limits<std::uint64_t>::max(), std::memory_order_relaxed);
            }
            lanes.clear();
        }
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active.size(), 64), [&](const auto& r) {
            auto& keyed = keyedLanes.local();
            for (std::size_t ai = r.begin(); ai != r.end(); ++ai) {
                const std::uint32_t l = active[ai];
                for (std::uint32_t v : laneVeh[l]) {
                    const VehicleType& t = vt(v);
                    const double reach = (speed[v] + t.maxAccel * dt) * dt;
                    double dist = net.laneLength[l] - pos[v];
                    if (dist > reach) {
                        break;  // vehicles behind are farther from the end
                    }
                    Cursor c{l, routeIdx[v], nextConn[v]};
                    while (dist <= reach) {
                        if (!net.isInternal(LaneId{c.lane}) && lastLink(v, c.idx)) {
                            break;
                        }
                        if (!advance(v, c, false)) {
                            break;
                        }
                        const std::uint64_t key =
                            (static_cast<std::uint64_t>(std::min(dist, 16000.0) * 1000.0) << 24) |
                            (v & 0xffffffULL);
                        keyed.push_back(c.lane);
                        std::uint64_t cur = entryKey[c.lane].load(std::memory_order_relaxed);
                        while (key < cur &&
                               !entryKey[c.lane].compare_exchange_weak(cur, key, std::memory_order_relaxed)) {
                        }
                        dist += net.laneLength[c.lane];
                    }
                }
            }
        });
    }

    /// Car following and movement, lane by lane in parallel, front to back within a lane.
    void moveVehicles() {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active.size(), 16), [&](const auto& r) {
            for (std::size_t ai = r.begin(); ai != r.end(); ++ai) {
                const std::uint32_t l = active[ai];
                auto& out = moves[l];
                out.clear();
                const auto& veh = laneVeh[l];
                const double laneLen = net.laneLength[l];
                // The vehicle ahead on this lane: where it was (the IDM reads the previous state,
                // as in the model's simultaneous update) and where it is after its move (the
                // safety cap: nobody moves past the new back of its leader).
                bool aheadStayed = false, aheadFollowable = false;
                double aheadOldBack = 0.0, aheadOldSpeed = 0.0, aheadNewBack = 0.0;
                std::uint32_t aheadNextConn = kNone;
                for (std::size_t k = 0; k < veh.size(); ++k) {
                    const std::uint32_t v = veh[k];
                    const VehicleType& t = vt(v);
                    const double sp = speed[v];
                    const double v0 = std::min(static_cast<double>(net.laneSpeed[l]) * factor[v], t.maxSpeed);
                    Cursor cur{l, routeIdx[v], nextConn[v]};
                    // The leader: the vehicle ahead on this lane (also when it just moved on to the
                    // next lane along our path), else whatever lies ahead beyond the lane end.
                    Obstacle ob;
                    double cap = std::numeric_limits<double>::infinity();
                    if (k > 0 && (aheadStayed || (aheadFollowable && aheadNextConn == nextConn[v]))) {
                        ob.found = true;
                        ob.gap = aheadOldBack - pos[v];
                        ob.speed = aheadOldSpeed;
                        cap = aheadNewBack - pos[v];
                        // Near the lane end, slow in time for the speed limit of the next lane
                        // (a turn) even behind a leader.
                        const double toEnd = laneLen - pos[v];
                        if (toEnd < sp * sp / (2.0 * t.comfortDecel) + sp * dt &&
                            !net.isInternal(LaneId{l}) && nextConn[v] != kNone) {
                            const double limit = net.laneSpeed[net.connVia[nextConn[v]].index()];
                            ob.maxSafe = std::sqrt(limit * limit + 2.0 * t.comfortDecel * toEnd);
                        }
                        if (!aheadStayed) {
                            const Obstacle beyond = lookAhead(v, cur, laneLen - pos[v], sp);
                            ob.maxSafe = beyond.maxSafe;
                            if (beyond.found && beyond.gap < ob.gap) {
                                ob.gap = beyond.gap;
                                ob.speed = beyond.speed;
                                cap = std::min(cap, beyond.gap);
                            }
                        }
                    } else {
                        ob = lookAhead(v, cur, laneLen - pos[v], sp);
                        if (ob.found) {
                            cap = ob.gap;
                        }
                    }
                    double a = idm(t, sp, v0, ob.found, ob.gap, sp - ob.speed);
                    // Courtesy: leave room for a vehicle in the next lane that must merge in
                    // ahead of us, braking no harder than comfortably.
                    for (std::uint32_t w : mergeRequests[l]) {
                        const double g = pos[w] - vt(w).length - pos[v];
                        if (w != v && g >= 0.0 && (!ob.found || g < ob.gap)) {
                            const double ac = idm(t, sp, v0, true, std::max(g, 0.01), sp);
                            a = std::min(a, std::max(ac, -t.comfortDecel));
                        }
                    }
                    double vNew = std::max(0.0, sp + a * dt);
                    if (traceVehicle == static_cast<long>(v)) {
                        std::fprintf(stderr,
                                     "  t=%.0f veh %u lane %u: obstacle %d gap %.2f speed %.2f cap %.2f "
                                     "maxSafe %.2f a %.2f\n",
                                     now(), v, l, int(ob.found), ob.gap, ob.speed, cap, ob.maxSafe, a);
                    }
                    vNew = std::min(vNew, ob.maxSafe);
                    vNew = std::min(vNew, std::max(0.0, cap) / dt);  // never past the obstacle
                    if (vNew < sp - t.emergencyDecel * dt - 1e-9) {
                        // Counted, not prevented: safety comes first.
                        emergencyCount.fetch_add(1, std::memory_order_relaxed);
                        if (debugGapsOn) {
                            std::fprintf(stderr,
                                         "emergency: t=%.0f veh %u lane %u internal %d pos %.1f/%.1f v %.1f "
                                         "-> %.1f obstacle kind %d gap %.1f (own-lane leader %d) a %.2f cap "
                                         "%.1f maxSafe %.1f obspeed %.1f lc %.0f\n",
                                         now(), v, l, int(net.isInternal(LaneId{l})), pos[v], laneLen, sp,
                                         vNew, int(ob.kind), ob.gap, int(k > 0 && aheadStayed), a, cap,
                                         ob.maxSafe, ob.speed, lcCooldown[veh[k - (k > 0 ? 1 : 0)]]);
                        }
                    }
                    a = (vNew - sp) / dt;
                    // Move along the path, possibly across several lanes.
                    double p = pos[v] + vNew * dt;
                    const double driven = vNew * dt;
                    bool entered = false, arrived = false;
                    while (p > net.laneLength[cur.lane] + 1e-9) {
                        if (!net.isInternal(LaneId{cur.lane}) && lastLink(v, cur.idx)) {
                            arrived = true;
                            break;
                        }
                        const double over = p - net.laneLength[cur.lane];
                        Cursor next = cur;
                        if (!advance(v, next, false)) {
                            p = net.laneLength[cur.lane];  // cannot happen: the obstacle stops it
                            break;
                        }
                        cur = next;
                        p = over;
                        entered = true;
                    }
                    aheadOldBack = pos[v] - t.length;
                    aheadOldSpeed = sp;
                    aheadNextConn = nextConn[v];
                    if (arrived) {
                        out.push_back({v, kNone, cur.idx, kNone, p, vNew, a, driven, false});
                        aheadStayed = false;
                        aheadFollowable = false;
                        continue;
                    }
                    p = std::min(p, static_cast<double>(net.laneLength[cur.lane]));
                    out.push_back({v, cur.lane, cur.idx, cur.conn, p, vNew, a, driven, entered});
                    aheadStayed = cur.lane == l;
                    aheadNewBack = p - t.length;
                    // Moved on: still the leader of a follower taking the same connection, as
                    // long as it is on that connection's internal lane.
                    aheadFollowable =
                        !aheadStayed && nextConn[v] != kNone && net.connVia[nextConn[v]].index() == cur.lane;
                    if (aheadFollowable) {
                        aheadNewBack += laneLen;  // in this lane's coordinates
                    }
                }
            }
        });
    }

    std::atomic<std::uint64_t> emergencyCount{0};

    /// Applies the moves: lane lists rebuilt (staying vehicles keep their order, entrants go to
    /// the back: at most one per lane per step), arrivals recorded, statistics accumulated.
    void applyMoves() {
        const double t = now() + dt;
        const std::vector<std::uint32_t> moved = active;  // the lanes whose moves are pending
        for (std::uint32_t l : moved) {
            laneVeh[l].clear();
        }
        std::vector<std::pair<std::uint32_t, std::uint32_t>> entering;  // (lane, vehicle)
        double speedSum = 0.0, lossSum = 0.0, co2Sum = 0.0;
        std::uint32_t running = 0;
        for (std::uint32_t l : moved) {
            for (const Move& mv : moves[l]) {
                const std::uint32_t v = mv.veh;
                TripResult& res = results[v];
                const VehicleType& ty = vt(v);
                res.routeLength += mv.driven;
                ++counters.vehicleUpdates;
                const double vMax = std::min(static_cast<double>(net.laneSpeed[l]) * factor[v], ty.maxSpeed);
                const double loss = dt * std::max(0.0, 1.0 - mv.speed / std::max(vMax, 0.1));
                res.timeLoss += loss;
                lossSum += loss;
                if (mv.speed < kStopped) {
                    res.waitingTime += dt;
                    standing[v] += dt;
                } else {
                    standing[v] = 0.0;
                }
                lcCooldown[v] = std::max(0.0, lcCooldown[v] - dt);
                const double co2 = co2Rate(static_cast<VehicleClass>(type[v]), mv.speed, mv.accel) * dt;
                res.co2 += co2;
                co2Sum += co2;
                // Loop detectors passed by the front bumper: on the lane it started on and on
                // the lane it ended on (the lanes in between are short internal lanes).
                for (std::uint32_t d : laneDetectors[l]) {
                    const double before = pos[v], after = mv.lane == l ? mv.pos : 1e300;
                    if (before < detectors[d].pos && after >= detectors[d].pos) {
                        ++detectors[d].count;
                        detectors[d].speedSum += mv.speed;
                    }
                }
                if (mv.lane != kNone && mv.lane != l) {
                    for (std::uint32_t d : laneDetectors[mv.lane]) {
                        if (mv.pos >= detectors[d].pos) {
                            ++detectors[d].count;
                            detectors[d].speedSum += mv.speed;
                        }
                    }
                }
                speed[v] = mv.speed;
                accel[v] = mv.accel;
                if (mv.lane == kNone) {
                    res.outcome = TripOutcome::Arrived;
                    res.arrival = t;
                    res.duration = t - res.depart;
                    lane[v] = kNone;
                    ++counters.arrived;
                    ++last.arrivedThisStep;
                    continue;
                }
                pos[v] = mv.pos;
                routeIdx[v] = mv.routeIdx;
                nextConn[v] = mv.nextConn;
                lane[v] = mv.lane;
                if (mv.entered) {
                    entering.emplace_back(mv.lane, v);
                    if (!net.isInternal(LaneId{mv.lane})) {
                        ++current.entered[net.laneLink[mv.lane].index()];
                    }
                } else {
                    laneVeh[mv.lane].push_back(v);
                    activate(mv.lane);
                }
                ++running;
                speedSum += mv.speed;
            }
        }
        for (const auto& [l, v] : entering) {
            laneVeh[l].push_back(v);
            activate(l);
        }
        refreshActive();
        // Link occupancy and speeds for the interval statistics.
        for (std::uint32_t l : active) {
            if (net.isInternal(LaneId{l})) {
                continue;
            }
            const std::uint32_t link = net.laneLink[l].index();
            for (std::uint32_t v : laneVeh[l]) {
                current.vehicleSeconds[link] += dt;
                current.speedSum[link] += speed[v] * dt;
            }
        }
        // Detector occupancy: a vehicle covers [front - length, front].
        for (Detector& d : detectors) {
            for (std::uint32_t v : laneVeh[d.lane]) {
                if (pos[v] >= d.pos && pos[v] - vt(v).length <= d.pos) {
                    d.occupiedTime += dt;
                    break;
                }
            }
        }
        last.running = running;
        last.meanSpeed = running > 0 ? speedSum / running : 0.0;
        last.delayRate = lossSum / dt;
        last.travelRate = running;
        last.co2Rate = co2Sum / dt;
    }

    void teleportStuck() {
        if (opt.teleportAfter <= 0.0) {
            return;
        }
        const std::vector<std::uint32_t> lanes = active;
        for (std::uint32_t l : lanes) {
            if (laneVeh[l].empty()) {
                continue;
            }
            const std::uint32_t v = laneVeh[l].front();  // only the head of a jam is stuck by itself
            if (standing[v] < opt.teleportAfter) {
                continue;
            }
            // Jump along the route to the first lane with room at its start (SUMO's teleport).
            laneVeh[l].erase(laneVeh[l].begin());
            ++counters.teleports;
            ++results[v].teleports;
            bool placed = false;
            std::uint32_t idx = routeIdx[v] + 1;
            for (; idx < routeLen[v] && !placed; ++idx) {
                const LinkId link = routeAt(v, idx);
                if (closed[link.index()] != 0) {
                    continue;
                }
                for (std::uint32_t i = 0; i < net.laneCountOf(link) && !placed; ++i) {
                    const std::uint32_t tl = net.lane(link, i).index();
                    const VehicleType& ty = vt(v);
                    const double room = laneVeh[tl].empty()
                                            ? net.laneLength[tl]
                                            : pos[laneVeh[tl].back()] - vt(laneVeh[tl].back()).length;
                    if (room >= ty.length + ty.minGap) {
                        laneVeh[tl].push_back(v);
                        activate(tl);
                        lane[v] = tl;
                        pos[v] = std::min(ty.length, static_cast<double>(net.laneLength[tl]));
                        speed[v] = 0.0;
                        routeIdx[v] = idx;
                        nextConn[v] = nextConnFor(v, tl, idx);
                        standing[v] = 0.0;
                        placed = true;
                    }
                }
            }
            if (!placed) {
                lane[v] = kNone;
                results[v].outcome = TripOutcome::Removed;
                results[v].arrival = now();
                ++counters.removed;
                --last.running;  // it was counted as running when the moves were applied
            }
        }
    }

    /// The smallest gap on any lane, and where (for diagnostics).
    double scanGaps(std::uint32_t* where = nullptr) const {
        double g = std::numeric_limits<double>::infinity();
        for (std::uint32_t l : active) {
            const auto& veh = laneVeh[l];
            for (std::size_t k = 1; k < veh.size(); ++k) {
                const double x = pos[veh[k - 1]] - vt(veh[k - 1]).length - pos[veh[k]];
                if (x < g) {
                    g = x;
                    if (where != nullptr) {
                        *where = l;
                    }
                }
            }
        }
        return g;
    }

    // Developer diagnostics, read once: CT_DEBUG_GAPS=1 reports negative gaps after each phase;
    // CT_TRACE_VEH=<vehicle> prints one vehicle's state after each phase.
    const bool debugGapsOn = std::getenv("CT_DEBUG_GAPS") != nullptr;
    const long traceVehicle =
        std::getenv("CT_TRACE_VEH") != nullptr ? std::atol(std::getenv("CT_TRACE_VEH")) : -1;

    void debugGaps(const char* phase) const {
        if (!debugGapsOn && traceVehicle < 0) {
            return;
        }
        if (traceVehicle >= 0) {
            const auto v = static_cast<std::uint32_t>(traceVehicle);
            if (v < lane.size() && lane[v] != kNone) {
                std::fprintf(stderr, "t=%.0f %s: veh %u lane %u (int %d) pos %.2f v %.2f idx %u conn %u\n",
                             now(), phase, v, lane[v], int(net.isInternal(LaneId{lane[v]})), pos[v], speed[v],
                             routeIdx[v], nextConn[v]);
            }
        }
        std::uint32_t where = 0;
        const double g = debugGapsOn ? scanGaps(&where) : 0.0;
        if (g < 0) {
            std::fprintf(stderr, "t=%.0f after %s: gap %.3f on lane %u (internal %d):", now(), phase, g,
                         where, int(net.isInternal(LaneId{where})));
            for (std::uint32_t v : laneVeh[where]) {
                std::fprintf(stderr, " [%u pos %.2f v %.2f]", v, pos[v], speed[v]);
            }
            std::fprintf(stderr, "\n");
        }
    }

    void measureGaps() { minGapSeen = scanGaps(); }

    /// Developer aid (CT_DUMP_STUCK=<time s>): the longest-waiting heads of queues and why.
    void dumpStuck() const {
        std::vector<std::pair<double, std::uint32_t>> heads;
        for (std::uint32_t l = 0; l < net.laneCount(); ++l) {
            if (!laneVeh[l].empty()) {
                heads.emplace_back(standing[laneVeh[l].front()], l);
            }
        }
        std::sort(heads.rbegin(), heads.rend());
        for (std::size_t i = 0; i < heads.size() && i < 25; ++i) {
            const std::uint32_t l = heads[i].second, v = laneVeh[l].front();
            const std::uint32_t c = nextConn[v];
            std::fprintf(stderr, "lane %u (%s, %zu veh) head %u standing %.0f s pos %.1f/%.1f conn %u", l,
                         net.isInternal(LaneId{l}) ? "internal" : "normal", laneVeh[l].size(), v, standing[v],
                         pos[v], net.laneLength[l], c);
            if (c != kNone && !net.isInternal(LaneId{l})) {
                const std::uint32_t node = net.connNode[c].index();
                std::fprintf(stderr, " node %u ctrl %d state %c permitted %d exit-lane %zu veh", node,
                             int(net.nodeControl[node]), toChar(connState(c)),
                             int(permitted(v, c, net.laneLength[l] - pos[v], speed[v])),
                             laneVeh[net.connTo[c].index()].size());
            } else if (c == kNone && !net.isInternal(LaneId{l})) {
                std::fprintf(stderr,
                             " needs a lane change (lane index %d of %u) link %u route[%u]=%u next %u",
                             int(net.laneIndex[l]), net.laneCountOf(net.laneLink[l]), net.laneLink[l].index(),
                             routeIdx[v], routeAt(v, routeIdx[v]).index(),
                             lastLink(v, routeIdx[v]) ? 0u : routeAt(v, routeIdx[v] + 1).index());
            }
            std::fprintf(stderr, "\n");
        }
    }
    const double dumpAt =
        std::getenv("CT_DUMP_STUCK") != nullptr ? std::atof(std::getenv("CT_DUMP_STUCK")) : -1.0;

    void step() {
        last = StepStats{};
        arena.execute([&] {
            applySignals();
            insertVehicles();
            refreshActive();
            debugGaps("insert");
            planLaneChanges();
            executeLaneChanges();
            refreshActive();
            debugGaps("lanechange");
            requestEntries();
            emergencyCount.store(0);
            moveVehicles();
        });
        counters.emergencyBrakes += emergencyCount.load();
        applyMoves();
        debugGaps("move");
        teleportStuck();
        refreshActive();
        debugGaps("teleport");
        measureGaps();
        if (dumpAt >= 0 && std::abs(now() - dumpAt) < 0.5 * dt) {
            dumpStuck();
        }
        ++tick;
        last.time = now();
        counters.pending = waiting.size() + (departOrder.size() - nextDepart);
        counters.running = last.running;
        if (last.time >= current.begin + opt.statsInterval - 1e-9) {
            current.end = last.time;
            for (Detector& d : detectors) {
                DetectorInterval di;
                di.begin = current.begin;
                di.end = current.end;
                di.count = d.count;
                di.occupancy = d.occupiedTime / (current.end - current.begin);
                di.meanSpeed = d.count > 0 ? d.speedSum / d.count : 0.0;
                d.done.push_back(di);
                d.count = 0;
                d.occupiedTime = d.speedSum = 0.0;
            }
            intervals.push_back(std::move(current));
            startInterval(last.time);
        }
    }
};

Simulation::Simulation(const TrafficNetwork& net, SimOptions options)
    : m(std::make_unique<Impl>(net, std::move(options))) {}
Simulation::~Simulation() = default;

void Simulation::addTrips(std::vector<Trip> trips) {
    Impl& s = *m;
    const auto first = static_cast<std::uint32_t>(s.trips.size());
    for (Trip& t : trips) {
        TripResult r;
        r.id = t.id;
        r.vclass = t.vclass;
        s.results.push_back(std::move(r));
        s.trips.push_back(std::move(t));
    }
    const std::size_t n = s.trips.size();
    s.lane.resize(n, kNone);
    s.pos.resize(n, 0.0);
    s.speed.resize(n, 0.0);
    s.accel.resize(n, 0.0);
    s.type.resize(n, 0);
    s.factor.resize(n, 1.0f);
    s.routeOff.resize(n, 0);
    s.routeLen.resize(n, 0);
    s.routeIdx.resize(n, 0);
    s.nextConn.resize(n, kNone);
    s.standing.resize(n, 0.0);
    s.lcCooldown.resize(n, 0.0);
    for (std::uint32_t v = first; v < n; ++v) {
        s.type[v] = static_cast<std::uint8_t>(s.trips[v].vclass);
        s.factor[v] = static_cast<float>(speedFactor(s.types[s.type[v]], s.opt.seed, v));
    }
    // Departure order: by time, then by trip index (stable).
    std::vector<std::uint32_t> rest(s.departOrder.begin() + static_cast<std::ptrdiff_t>(s.nextDepart),
                                    s.departOrder.end());
    for (std::uint32_t v = first; v < n; ++v) {
        rest.push_back(v);
    }
    std::stable_sort(rest.begin(), rest.end(), [&](std::uint32_t a, std::uint32_t b) {
        return s.trips[a].depart < s.trips[b].depart || (s.trips[a].depart == s.trips[b].depart && a < b);
    });
    s.departOrder.resize(s.nextDepart);
    s.departOrder.insert(s.departOrder.end(), rest.begin(), rest.end());
    s.counters.pending = s.waiting.size() + (s.departOrder.size() - s.nextDepart);
}

void Simulation::step() {
    m->step();
}

void Simulation::runUntil(double time) {
    while (m->now() < time - 1e-9 && !finished()) {
        m->step();
    }
}

double Simulation::time() const {
    return m->now();
}
std::int64_t Simulation::tick() const {
    return m->tick;
}

bool Simulation::finished() const {
    return m->nextDepart >= m->departOrder.size() && m->waiting.empty() &&
           m->counters.inserted == m->counters.arrived + m->counters.removed;
}

void Simulation::closeLink(LinkId l) {
    Impl& s = *m;
    s.closed[l.index()] = 1;
    // Vehicles whose remaining route uses the link get a new route from the link they are on.
    Router router(s.net);
    router.setClosed(&s.closed);
    for (std::uint32_t v = 0; v < s.trips.size(); ++v) {
        if (s.lane[v] == kNone) {
            continue;
        }
        bool uses = false;
        for (std::uint32_t i = s.routeIdx[v] + 1; i < s.routeLen[v]; ++i) {
            uses = uses || s.routeAt(v, i) == l;
        }
        if (!uses) {
            continue;
        }
        const bool onInternal = s.net.isInternal(LaneId{s.lane[v]});
        // On an internal lane the vehicle is committed to the next link: route from there.
        const std::uint32_t fromIdx = onInternal ? s.routeIdx[v] + 1 : s.routeIdx[v];
        const LinkId from = s.routeAt(v, fromIdx);
        const LinkId to = s.routeAt(v, s.routeLen[v] - 1);
        std::vector<LinkId> path = router.route(from, to);
        if (path.empty()) {
            continue;  // no way around: it stops before the closed link (and may teleport)
        }
        std::vector<LinkId> full(s.routePool.begin() + s.routeOff[v],
                                 s.routePool.begin() + s.routeOff[v] + fromIdx);
        full.insert(full.end(), path.begin(), path.end());
        s.routeOff[v] = static_cast<std::uint32_t>(s.routePool.size());
        s.routeLen[v] = static_cast<std::uint32_t>(full.size());
        s.routePool.insert(s.routePool.end(), full.begin(), full.end());
        if (!onInternal) {
            s.nextConn[v] = s.nextConnFor(v, s.lane[v], s.routeIdx[v]);
        }
        ++s.results[v].reroutes;
        ++s.counters.reroutes;
    }
}

std::uint32_t Simulation::addDetector(LaneId lane, double pos) {
    Impl& s = *m;
    const auto id = static_cast<std::uint32_t>(s.detectors.size());
    s.detectors.push_back({lane.index(),
                           std::clamp(pos, 0.0, static_cast<double>(s.net.laneLength[lane.index()])),
                           0,
                           0.0,
                           0.0,
                           {}});
    s.laneDetectors[lane.index()].push_back(id);
    return id;
}

std::uint32_t Simulation::addSignalApproachDetectors() {
    Impl& s = *m;
    std::uint32_t added = 0;
    for (std::uint32_t l = 0; l < s.net.normalLaneCount; ++l) {
        const NodeId to = s.net.linkTo[s.net.laneLink[l].index()];
        if (s.net.nodeControl[to.index()] != JunctionControl::Signal) {
            continue;
        }
        const double len = s.net.laneLength[l];
        addDetector(LaneId{l}, len > 60.0 ? len - 30.0 : 0.5 * len);
        ++added;
    }
    return added;
}

std::size_t Simulation::detectorCount() const {
    return m->detectors.size();
}
LaneId Simulation::detectorLane(std::uint32_t d) const {
    return LaneId{m->detectors[d].lane};
}
double Simulation::detectorPos(std::uint32_t d) const {
    return m->detectors[d].pos;
}
const std::vector<DetectorInterval>& Simulation::detectorIntervals(std::uint32_t d) const {
    return m->detectors[d].done;
}

void Simulation::openLink(LinkId l) {
    m->closed[l.index()] = 0;
}
bool Simulation::isClosed(LinkId l) const {
    return m->closed[l.index()] != 0;
}
const Counters& Simulation::counters() const {
    return m->counters;
}
const StepStats& Simulation::lastStep() const {
    return m->last;
}
const std::vector<TripResult>& Simulation::trips() const {
    return m->results;
}
const std::vector<LinkInterval>& Simulation::linkIntervals() const {
    return m->intervals;
}
double Simulation::minGap() const {
    return m->minGapSeen;
}

std::uint64_t Simulation::stateHash() const {
    // FNV-1a over the bit patterns of the state columns of vehicles on the network.
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h = (h ^ b[i]) * 1099511628211ULL;
        }
    };
    const Impl& s = *m;
    for (std::uint32_t l = 0; l < s.net.laneCount(); ++l) {
        for (std::uint32_t v : s.laneVeh[l]) {
            mix(&v, sizeof v);
            mix(&l, sizeof l);
            mix(&s.pos[v], sizeof(double));
            mix(&s.speed[v], sizeof(double));
            mix(&s.routeIdx[v], sizeof(std::uint32_t));
        }
    }
    for (const TripResult& r : s.results) {
        mix(&r.arrival, sizeof r.arrival);
        mix(&r.timeLoss, sizeof r.timeLoss);
    }
    mix(&s.counters.arrived, sizeof s.counters.arrived);
    mix(&s.counters.teleports, sizeof s.counters.teleports);
    return h;
}

std::vector<Simulation::VehicleView> Simulation::vehicles() const {
    std::vector<VehicleView> out;
    const Impl& s = *m;
    for (std::uint32_t l = 0; l < s.net.laneCount(); ++l) {
        for (std::uint32_t v : s.laneVeh[l]) {
            out.push_back({v, LaneId{l}, static_cast<float>(s.pos[v]), static_cast<float>(s.speed[v]),
                           static_cast<VehicleClass>(s.type[v])});
        }
    }
    return out;
}

double Simulation::bytesPerVehicle() const {
    const Impl& s = *m;
    const double perSlot = sizeof(std::uint32_t) * 6 + sizeof(double) * 5 + sizeof(float) +
                           sizeof(std::uint8_t) + sizeof(std::int8_t) + sizeof(TripResult) + sizeof(Trip);
    const double routes = s.trips.empty() ? 0.0
                                          : static_cast<double>(s.routePool.size() * sizeof(LinkId)) /
                                                static_cast<double>(s.trips.size());
    return perSlot + routes;
}

}  // namespace ct::traffic
