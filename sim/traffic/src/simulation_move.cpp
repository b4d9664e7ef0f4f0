#include "simulation_impl.h"

namespace ct::traffic {

void Simulation::Impl::requestEntries() {
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

void Simulation::Impl::moveVehicles() {
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
                    if (toEnd < sp * sp / (2.0 * t.comfortDecel) + sp * dt && !net.isInternal(LaneId{l}) &&
                        nextConn[v] != kNone) {
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
                // The speed safety forces (the speed limit ahead and never passing the obstacle),
                // whatever the car-following model wishes.
                const double vSafe = std::min(ob.maxSafe, std::max(0.0, cap) / dt);
                vNew = std::min(vNew, vSafe);
                if (vNew < sp - t.emergencyDecel * dt - 1e-9) {
                    hardBrakeCount.fetch_add(1, std::memory_order_relaxed);
                }
                if (vSafe < sp - t.emergencyDecel * dt - 1e-9) {
                    // Counted, not prevented: safety comes first. As SUMO's emergency braking
                    // warnings: the braking the situation forces, not the braking IDM prefers.
                    emergencyCount.fetch_add(1, std::memory_order_relaxed);
                    if (debugGapsOn) {
                        std::fprintf(stderr,
                                     "emergency: t=%.0f veh %u lane %u internal %d pos %.1f/%.1f v %.1f "
                                     "-> %.1f obstacle kind %d gap %.1f (own-lane leader %d) a %.2f cap "
                                     "%.1f maxSafe %.1f obspeed %.1f lc %.0f\n",
                                     now(), v, l, int(net.isInternal(LaneId{l})), pos[v], laneLen, sp, vNew,
                                     int(ob.kind), ob.gap, int(k > 0 && aheadStayed), a, cap, ob.maxSafe,
                                     ob.speed, lcCooldown[veh[k - (k > 0 ? 1 : 0)]]);
                    }
                }
                a = (vNew - sp) / dt;
                // Move along the path, possibly across several lanes.
                double p = pos[v] + vNew * dt;
                const double driven = vNew * dt;
                bool entered = false, arrived = false;
                Move crossedLinks{};
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
                    // A normal lane entered and left within this step: its link still counts
                    // the vehicle.
                    if (entered && !net.isInternal(LaneId{cur.lane}) &&
                        crossedLinks.crossedCount < Move::kMaxCrossed) {
                        crossedLinks.crossed[crossedLinks.crossedCount++] = net.laneLink[cur.lane].index();
                    }
                    cur = next;
                    p = over;
                    entered = true;
                }
                aheadOldBack = pos[v] - t.length;
                aheadOldSpeed = sp;
                aheadNextConn = nextConn[v];
                if (arrived) {
                    out.push_back({v, kNone, cur.idx, kNone, p, vNew, a, driven, false,
                                   crossedLinks.crossedCount, crossedLinks.crossed});
                    aheadStayed = false;
                    aheadFollowable = false;
                    continue;
                }
                p = std::min(p, static_cast<double>(net.laneLength[cur.lane]));
                out.push_back({v, cur.lane, cur.idx, cur.conn, p, vNew, a, driven, entered,
                               crossedLinks.crossedCount, crossedLinks.crossed});
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

void Simulation::Impl::applyMoves() {
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
            TripSums& res = sums[v];
            const VehicleType& ty = vt(v);
            res.route += mv.driven;
            ++counters.vehicleUpdates;
            const double vMax = std::min(static_cast<double>(net.laneSpeed[l]) * factor[v], ty.maxSpeed);
            const double loss = dt * std::max(0.0, 1.0 - mv.speed / std::max(vMax, 0.1));
            res.loss += loss;
            lossSum += loss;
            if (mv.speed < kStopped) {
                res.wait += dt;
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
            for (int i = 0; i < mv.crossedCount; ++i) {
                ++current.entered[mv.crossed[static_cast<std::size_t>(i)]];
            }
            speed[v] = mv.speed;
            accel[v] = mv.accel;
            if (mv.lane == kNone) {
                TripResult& done = results[v];
                done.outcome = TripOutcome::Arrived;
                done.arrival = t;
                done.duration = t - done.depart;
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
        double sum = 0.0;
        for (std::uint32_t v : laneVeh[l]) {
            current.vehicleSeconds[link] += dt;
            current.speedSum[link] += speed[v] * dt;
            sum += speed[v];
        }
        if (opt.rerouteInterval > 0.0 && !laneVeh[l].empty()) {
            // Relax the stored average to now, then blend in this step's mean speed.
            const double free = net.linkSpeed[link];
            const double decay = std::exp(-dt / 60.0);
            const double age = static_cast<double>(tick + 1 - linkSpeedTick[link]);
            const double prev = free + (linkSpeedAvg[link] - free) * std::pow(decay, age - 1.0);
            linkSpeedAvg[link] = static_cast<float>(
                decay * prev + (1.0 - decay) * sum / static_cast<double>(laneVeh[l].size()));
            linkSpeedTick[link] = tick + 1;
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

}  // namespace ct::traffic
