#include "simulation_impl.h"

namespace ct::traffic {

LinkState Simulation::Impl::connState(std::uint32_t c) const {
    const std::uint32_t node = net.connNode[c].index();
    const std::uint32_t prog = net.nodeProgram[node];
    if (dark[node] != 0) {
        return LinkState::Stop;  // a dark signal is an all-way stop
    }
    if (prog == UINT32_MAX || net.programs[prog].phases.empty()) {
        return net.connBaseState[c];
    }
    const std::string& st = net.programs[prog].phases[programPhase[prog]].states;
    return net.connIndex[c] < st.size() ? linkStateFromChar(st[net.connIndex[c]]) : LinkState::Off;
}

bool Simulation::Impl::exitClear(std::uint32_t v, std::uint32_t c, double dist, double sp) const {
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

bool Simulation::Impl::permitted(std::uint32_t v, std::uint32_t c, double dist, double sp) const {
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
                if (st == LinkState::Stop && fs == LinkState::Stop) {
                    // All-way stop: first come, first served. Only a foe already stopped at its
                    // line that has waited longer (ties: the lower vehicle index) goes first.
                    const bool atLine = speed[f] <= kStopped && fd <= vt(f).minGap + 1.0;
                    if (atLine && (standing[f] > standing[v] || (standing[f] == standing[v] && f < v))) {
                        return false;
                    }
                    continue;
                }
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

bool Simulation::Impl::advance(std::uint32_t v, Cursor& c, bool lookahead) const {
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

Simulation::Impl::Obstacle Simulation::Impl::lookAhead(std::uint32_t v, const Cursor& start, double toEnd,
                                                       double sp) const {
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
            (key & 0xffffffULL) != (myKeyVeh & 0xffffffULL) && dist < (sp + t.maxAccel * dt) * dt + 1e-9) {
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

}  // namespace ct::traffic
