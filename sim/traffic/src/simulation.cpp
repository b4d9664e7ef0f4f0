#include "simulation_impl.h"

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

void Simulation::Impl::refreshActive() {
    // `active` stays sorted: sort the few new lanes and merge them in (linear, not n log n).
    std::sort(newlyActive.begin(), newlyActive.end());
    const auto middle = static_cast<std::ptrdiff_t>(active.size());
    active.insert(active.end(), newlyActive.begin(), newlyActive.end());
    newlyActive.clear();
    std::inplace_merge(active.begin(), active.begin() + middle, active.end());
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

void Simulation::Impl::applySignals() {
    const double t = now();
    for (std::size_t p = 0; p < net.programs.size(); ++p) {
        programPhase[p] = static_cast<std::uint32_t>(net.programs[p].phaseAt(t));
    }
}

bool Simulation::Impl::routeVehicle(std::uint32_t v) {
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

void Simulation::Impl::insertVehicles() {
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
            const double room = ahead == kNone ? net.laneLength[l] - p : pos[ahead] - vt(ahead).length - p;
            const double back = behind == kNone ? p : p - ty.length - pos[behind];
            const bool fits = room >= (ahead == kNone ? 0.0 : ty.minGap) &&
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

void Simulation::Impl::teleportStuck() {
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
        TeleportEvent ev;
        ev.time = now();
        ev.trip = v;
        ev.lane = LaneId{l};
        ev.node = net.isInternal(LaneId{l}) ? net.connNode[net.laneConnection[l]]
                                            : net.linkTo[net.laneLink[l].index()];
        ev.wanted = routeIdx[v] + 1 < routeLen[v] ? routeAt(v, routeIdx[v] + 1) : LinkId{};
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
                    ev.to = link;
                }
            }
        }
        teleportLog.push_back(ev);
        if (!placed) {
            lane[v] = kNone;
            results[v].outcome = TripOutcome::Removed;
            results[v].arrival = now();
            ++counters.removed;
            --last.running;  // it was counted as running when the moves were applied
        }
    }
}

double Simulation::Impl::scanGaps(std::uint32_t* where) const {
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

void Simulation::Impl::debugGaps(const char* phase) const {
    if (!debugGapsOn && traceVehicle < 0) {
        return;
    }
    if (traceVehicle >= 0) {
        const auto v = static_cast<std::uint32_t>(traceVehicle);
        if (v < lane.size() && lane[v] != kNone) {
            std::fprintf(stderr, "t=%.0f %s: veh %u lane %u (int %d) pos %.2f v %.2f idx %u conn %u\n", now(),
                         phase, v, lane[v], int(net.isInternal(LaneId{lane[v]})), pos[v], speed[v],
                         routeIdx[v], nextConn[v]);
        }
    }
    std::uint32_t where = 0;
    const double g = debugGapsOn ? scanGaps(&where) : 0.0;
    if (g < 0) {
        std::fprintf(stderr, "t=%.0f after %s: gap %.3f on lane %u (internal %d):", now(), phase, g, where,
                     int(net.isInternal(LaneId{where})));
        for (std::uint32_t v : laneVeh[where]) {
            std::fprintf(stderr, " [%u pos %.2f v %.2f]", v, pos[v], speed[v]);
        }
        std::fprintf(stderr, "\n");
    }
}

void Simulation::Impl::dumpStuck() const {
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
            std::fprintf(stderr, " needs a lane change (lane index %d of %u) link %u route[%u]=%u next %u",
                         int(net.laneIndex[l]), net.laneCountOf(net.laneLink[l]), net.laneLink[l].index(),
                         routeIdx[v], routeAt(v, routeIdx[v]).index(),
                         lastLink(v, routeIdx[v]) ? 0u : routeAt(v, routeIdx[v] + 1).index());
        }
        std::fprintf(stderr, "\n");
    }
}

void Simulation::Impl::step() {
    last = StepStats{};
    if (opt.rerouteInterval > 0.0 && tick > 0) {
        const auto every = std::max<std::int64_t>(1, std::llround(opt.rerouteInterval / dt));
        if (tick % every == 0) {
            rerouteAll();
        }
    }
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
        hardBrakeCount.store(0);
        moveVehicles();
    });
    counters.emergencyBrakes += emergencyCount.load();
    counters.hardBrakes += hardBrakeCount.load();
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

bool Simulation::Impl::reroute(std::uint32_t v, Router& r) {
    const bool onInternal = net.isInternal(LaneId{lane[v]});
    // On an internal lane the vehicle is committed to the next link: route from there.
    const std::uint32_t fromIdx = onInternal ? routeIdx[v] + 1 : routeIdx[v];
    if (fromIdx >= routeLen[v]) {
        return false;
    }
    const LinkId from = routeAt(v, fromIdx);
    const LinkId to = routeAt(v, routeLen[v] - 1);
    const std::vector<LinkId> path = r.route(from, to);
    const auto oldBegin = routePool.begin() + routeOff[v] + fromIdx;
    const auto oldEnd = routePool.begin() + routeOff[v] + routeLen[v];
    if (path.empty() || std::equal(path.begin(), path.end(), oldBegin, oldEnd)) {
        return false;
    }
    // On congestion (costs given) switch only for a clear gain: 10 % and 30 s on what is left,
    // so that drivers do not chase every fluctuation of the travel times.
    if (r.costs() != nullptr) {
        double oldCost = 0.0, newCost = 0.0;
        for (auto it = oldBegin; it != oldEnd; ++it) {
            oldCost += (*r.costs())[it->index()];
        }
        for (LinkId l : path) {
            newCost += (*r.costs())[l.index()];
        }
        if (newCost > 0.9 * oldCost || oldCost - newCost < 30.0) {
            return false;
        }
    }
    std::vector<LinkId> full(routePool.begin() + routeOff[v], oldBegin);
    full.insert(full.end(), path.begin(), path.end());
    routeOff[v] = static_cast<std::uint32_t>(routePool.size());
    routeLen[v] = static_cast<std::uint32_t>(full.size());
    routePool.insert(routePool.end(), full.begin(), full.end());
    if (!onInternal) {
        nextConn[v] = nextConnFor(v, lane[v], routeIdx[v]);
    }
    ++results[v].reroutes;
    ++counters.reroutes;
    return true;
}

void Simulation::Impl::rerouteAll() {
    // Travel time estimates from the recent speeds (an empty link relaxes to its limit with a
    // time constant of 60 s), then every running vehicle in id order.
    const double decayPerTick = std::exp(-dt / 60.0);
    for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
        const double free = net.linkSpeed[l];
        const double age = static_cast<double>(tick - linkSpeedTick[l]);
        const double v = free + (linkSpeedAvg[l] - free) * std::pow(decayPerTick, age);
        linkCost[l] = static_cast<float>(net.linkLength[l] / std::max(v, 0.5));
    }
    Router r(net);
    r.setClosed(&closed);
    r.setCosts(&linkCost);
    for (std::uint32_t v = 0; v < trips.size(); ++v) {
        if (lane[v] != kNone) {
            reroute(v, r);
        }
    }
}

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
    s.sums.resize(n);
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
    // Vehicles whose remaining route uses the link get a new route from the link they are on
    // (when there is no way around, a vehicle stops before the link and may be teleported).
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
        if (uses) {
            s.reroute(v, router);
        }
    }
}

void Simulation::setSignalDark(NodeId node, bool isDark) {
    if (node.index() < m->dark.size()) {
        m->dark[node.index()] = isDark ? 1 : 0;
    }
}

bool Simulation::isSignalDark(NodeId node) const {
    return node.index() < m->dark.size() && m->dark[node.index()] != 0;
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
    m->flushResults();
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
    m->flushResults();
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
    m->flushResults();
    const Impl& s = *m;
    for (std::uint32_t l = 0; l < s.net.laneCount(); ++l) {
        for (std::uint32_t v : s.laneVeh[l]) {
            out.push_back({v, LaneId{l}, static_cast<float>(s.pos[v]), static_cast<float>(s.speed[v]),
                           static_cast<VehicleClass>(s.type[v])});
        }
    }
    return out;
}

const std::vector<TeleportEvent>& Simulation::teleports() const {
    return m->teleportLog;
}

Simulation::RouteView Simulation::route(std::uint32_t trip) const {
    const Impl& s = *m;
    RouteView out;
    if (trip >= s.routeLen.size() || s.routeLen[trip] == 0) {
        return out;
    }
    out.links.assign(s.routePool.begin() + s.routeOff[trip],
                     s.routePool.begin() + s.routeOff[trip] + s.routeLen[trip]);
    out.current = std::min(s.routeIdx[trip], s.routeLen[trip] - 1);
    out.reroutes = static_cast<std::uint32_t>(s.results[trip].reroutes);
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
