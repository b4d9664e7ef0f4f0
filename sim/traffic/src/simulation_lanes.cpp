#include "simulation_impl.h"

namespace ct::traffic {

double Simulation::Impl::accelOn(std::uint32_t v, std::uint32_t l, double p, std::uint32_t leader) const {
    const VehicleType& t = vt(v);
    const double v0 = std::min(static_cast<double>(net.laneSpeed[l]) * factor[v], t.maxSpeed);
    if (leader == kNone) {
        // Treat the lane end as free road; the junction logic governs it.
        return idm(t, speed[v], v0, false, 0.0, 0.0);
    }
    return idm(t, speed[v], v0, true, pos[leader] - vt(leader).length - p, speed[v] - speed[leader]);
}

std::pair<std::uint32_t, std::uint32_t> Simulation::Impl::neighbours(std::uint32_t l, double p,
                                                                     std::uint32_t self) const {
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

void Simulation::Impl::planLaneChanges() {
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
                    const std::uint32_t c = connToward(net.lane(link, laneIndex).index(), routeAt(v, ri + 1));
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

void Simulation::Impl::askToMerge(std::uint32_t v, std::uint32_t targetLane) {
    if (nextConn[v] == kNone && !lastLink(v, routeIdx[v]) && net.laneLength[lane[v]] - pos[v] < 100.0) {
        mergeRequests[targetLane].push_back(v);
        lastMergeTargets.push_back(targetLane);
    }
}

bool Simulation::Impl::trySwap(std::uint32_t v, std::uint32_t l, std::uint32_t tl, int dir) {
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

void Simulation::Impl::executeLaneChanges() {
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

}  // namespace ct::traffic
