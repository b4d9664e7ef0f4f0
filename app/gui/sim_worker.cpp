#include "sim_worker.h"

#include "citytwin/utility/traffic_coupling.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <string>

namespace ct::gui {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

/// Per-link speeds averaged with exponential weights over simulated time, from the vehicles of
/// each step: decayed sums of speed and of vehicle presence.
class LinkSpeedAverager {
public:
    LinkSpeedAverager(std::size_t links, double window)
        : m_speed(links, 0.0), m_weight(links, 0.0), m_window(window) {}

    void add(const traffic::TrafficNetwork& net,
             const std::vector<traffic::Simulation::VehicleView>& vehicles, double step) {
        const double keep = std::exp(-step / std::max(m_window, step));
        for (std::size_t l = 0; l < m_speed.size(); ++l) {
            m_speed[l] *= keep;
            m_weight[l] *= keep;
        }
        for (const traffic::Simulation::VehicleView& v : vehicles) {
            if (net.isInternal(v.lane)) {
                continue;  // on a junction: counted on the links either side
            }
            const LinkId link = net.laneLink[v.lane.index()];
            if (link.valid() && link.index() < m_speed.size()) {
                m_speed[link.index()] += v.speed;
                m_weight[link.index()] += 1.0;
            }
        }
    }
    [[nodiscard]] std::vector<float> means() const {
        std::vector<float> out(m_speed.size(), std::numeric_limits<float>::quiet_NaN());
        for (std::size_t l = 0; l < m_speed.size(); ++l) {
            // Under a twentieth of a vehicle-step of weight left: no recent data.
            if (m_weight[l] > 0.05) {
                out[l] = static_cast<float>(m_speed[l] / m_weight[l]);
            }
        }
        return out;
    }

private:
    std::vector<double> m_speed;   ///< m/s x vehicles, decayed
    std::vector<double> m_weight;  ///< vehicles, decayed
    double m_window;
};

}  // namespace

SimWorker::SimWorker(std::shared_ptr<const ScenarioSession> session, SimWorkerOptions options)
    : m_session(std::move(session)), m_options(options) {
    // A first, empty snapshot, so latest() is never null.
    auto first = std::make_shared<SimSnapshot>();
    first->clockStart = m_session->clockStart;
    first->duration = m_session->spec.duration;
    first->step = m_session->spec.step;
    first->linkSpeed.assign(m_session->city->roads.linkCount(), std::numeric_limits<float>::quiet_NaN());
    m_snapshot = std::move(first);
    if (m_options.recordInterval > 0.0) {
        m_recorded.push_back(m_snapshot);
    }
    m_threadRunning = true;
    m_thread = std::thread([this] { run(); });
}

SimWorker::~SimWorker() {
    stop();
}

void SimWorker::play() {
    {
        const std::lock_guard lock(m_mutex);
        m_playing = true;
        m_reanchor = true;
        m_stopAt = -1.0;
    }
    m_wake.notify_all();
}

void SimWorker::playUntil(double time) {
    {
        const std::lock_guard lock(m_mutex);
        m_playing = true;
        m_reanchor = true;
        m_stopAt = time;
    }
    m_wake.notify_all();
}

void SimWorker::pause() {
    {
        const std::lock_guard lock(m_mutex);
        m_playing = false;
        m_pendingSteps = 0;
    }
    m_wake.notify_all();
}

void SimWorker::step(int steps) {
    {
        const std::lock_guard lock(m_mutex);
        m_playing = false;
        m_pendingSteps += std::max(steps, 0);
    }
    m_wake.notify_all();
}

void SimWorker::setSpeed(double speed) {
    {
        const std::lock_guard lock(m_mutex);
        m_speed = std::max(speed, 0.0);
        m_reanchor = true;
    }
    m_wake.notify_all();
}

void SimWorker::editLinks(std::vector<LinkId> links, bool close, std::string ref) {
    LinkEdit edit;
    edit.close = close;
    edit.ref = std::move(ref);
    for (const LinkId l : links) {
        edit.links.push_back(l.index());
    }
    {
        const std::lock_guard lock(m_mutex);
        m_edits.push_back(std::move(edit));
    }
    m_wake.notify_all();
}

void SimWorker::watchTrip(std::uint32_t trip) {
    {
        const std::lock_guard lock(m_mutex);
        m_watchTrip = trip;
    }
    m_wake.notify_all();
}

void SimWorker::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::shared_ptr<const SimSnapshot> SimWorker::latest() const {
    const std::lock_guard lock(m_snapshotMutex);
    return m_snapshot;
}

std::vector<std::shared_ptr<const SimSnapshot>> SimWorker::takeRecorded() {
    const std::lock_guard lock(m_snapshotMutex);
    std::vector<std::shared_ptr<const SimSnapshot>> out;
    out.swap(m_recorded);
    return out;
}

bool SimWorker::playing() const {
    const std::lock_guard lock(m_mutex);
    return m_playing;
}

double SimWorker::speed() const {
    const std::lock_guard lock(m_mutex);
    return m_speed;
}

void SimWorker::run() {
    // Nothing may escape the thread (std::terminate): a failure ends the run with a message.
    try {
        simulate();
    } catch (const std::exception& e) {
        publishFailure(std::string("the simulation stopped: ") + e.what());
    } catch (...) {
        publishFailure("the simulation stopped on an unknown error");
    }
    m_threadRunning = false;
}

void SimWorker::publishFailure(std::string message) {
    auto snap = std::make_shared<SimSnapshot>(*latest());
    ++snap->seq;
    snap->state = SimState::Finished;
    snap->error = std::move(message);
    const std::lock_guard lock(m_snapshotMutex);
    m_snapshot = std::move(snap);
}

void SimWorker::simulate() {
    const ScenarioSession& session = *m_session;
    const SessionRun& spec = session.spec;
    const traffic::TrafficNetwork& net = *session.network;

    traffic::SimOptions so;
    so.step = spec.step;
    so.seed = spec.seed;
    so.threads = m_options.threads > 0 ? m_options.threads : spec.threads;
    if (so.threads <= 0) {
        so.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
    }
    so.teleportAfter = spec.teleportAfter;
    so.rerouteInterval = spec.rerouteInterval;
    so.statsInterval = spec.statsInterval;
    so.types = spec.vehicleTypes;
    traffic::Simulation sim(net, so);
    sim.addTrips(session.trips);
    // The utilities beside the traffic, exactly as `citytwin run` couples them.
    std::unique_ptr<utility::UtilitySimulation> usim;
    std::unique_ptr<utility::TrafficCoupling> coupling;
    std::shared_ptr<const UtilitySnap> utilitySnap;
    if (session.utilities) {
        utility::UtilitySimOptions uo;
        uo.step = spec.utilityStep;
        uo.clockStart = session.clockStart;
        uo.tripDelay = spec.tripDelay;
        usim = std::make_unique<utility::UtilitySimulation>(*session.utilities, *session.city, uo);
        DiagnosticReport ignored;  // checked when the session was loaded
        usim->addEvents(session.utilityEvents, ignored);
        coupling =
            std::make_unique<utility::TrafficCoupling>(*usim, sim, spec.utilityStep, spec.darkSignalsStop);
    }
    auto takeUtilitySnap = [&] {
        auto u = std::make_shared<UtilitySnap>();
        u->time = usim->time();
        u->kpis = usim->kpis();
        u->log = usim->log();
        u->buildingHasWater = usim->buildingHasWater();
        u->buildingHasPower = usim->buildingHasPower();
        u->minutesWithoutWater = usim->buildingMinutesWithoutWater();
        u->minutesWithoutPower = usim->buildingMinutesWithoutPower();
        u->waterLinkState = usim->waterLinkState();
        u->branchLive = usim->branchLive();
        u->darkSignals = usim->darkSignals();
        utilitySnap = std::move(u);
    };
    traffic::KpiRecorder kpi(m_options.kpiInterval);
    LinkSpeedAverager links(net.linkCount(), m_options.linkSpeedWindow);
    std::vector<traffic::Simulation::VehicleView> views;
    std::size_t nextEvent = 0;
    // Which links are closed, and the edits applied: shared with the snapshots, copied on change.
    std::shared_ptr<const std::vector<std::uint8_t>> closed;
    std::shared_ptr<const std::vector<LinkEdit>> edits;
    bool editedSincePublish = false;
    auto setClosed = [&](const std::vector<std::uint32_t>& ls, bool close) {
        auto next = closed ? std::make_shared<std::vector<std::uint8_t>>(*closed)
                           : std::make_shared<std::vector<std::uint8_t>>(net.linkCount(), 0);
        for (const std::uint32_t l : ls) {
            if (l < next->size()) {
                (*next)[l] = close ? 1 : 0;
                if (close) {
                    sim.closeLink(LinkId(l));
                } else {
                    sim.openLink(LinkId(l));
                }
            }
        }
        closed = std::move(next);
    };
    std::uint64_t seq = m_snapshot->seq;
    bool finished = false;
    // The watched trip's route, as last published (shared while it does not change).
    std::uint32_t watched = kNoTrip;
    bool watchChanged = false;  // since the last publish
    std::shared_ptr<const RouteSnap> route;
    auto routeNow = [&]() -> std::shared_ptr<const RouteSnap> {
        if (watched == kNoTrip) {
            return nullptr;
        }
        traffic::Simulation::RouteView rv = sim.route(watched);
        if (rv.links.empty()) {
            return nullptr;
        }
        if (route && route->trip == watched && route->current == rv.current &&
            route->reroutes == rv.reroutes && route->links.size() == rv.links.size()) {
            return route;
        }
        auto r = std::make_shared<RouteSnap>();
        r->trip = watched;
        r->current = rv.current;
        r->reroutes = rv.reroutes;
        r->links.reserve(rv.links.size());
        for (const LinkId l : rv.links) {
            r->links.push_back(l.index());
        }
        return r;
    };

    // Pacing: at speed k, simulated time t is due at anchorWall + (t - anchorSim) / k.
    Clock::time_point anchorWall = Clock::now();
    double anchorSim = 0.0;
    Clock::time_point lastPublish = Clock::now();
    SimState published = SimState::Paused;
    std::int64_t publishedTick = 0;

    // Recorded moments: every recordInterval of simulated time.
    double nextRecord = m_options.recordInterval;
    constexpr std::size_t kMaxUntaken = 4096;  // nobody takes them: keep the newest

    auto publish = [&](SimState state, double speed, double wallPeriod, bool record) {
        auto snap = std::make_shared<SimSnapshot>();
        snap->seq = ++seq;
        snap->tick = sim.tick();
        snap->time = sim.time();
        snap->clockStart = session.clockStart;
        snap->duration = spec.duration;
        snap->step = spec.step;
        snap->state = state;
        snap->speed = speed;
        snap->wallPeriod = wallPeriod;
        snap->counters = sim.counters();
        snap->last = sim.lastStep();
        snap->kpis = kpi.samples();
        snap->linkSpeed = links.means();
        snap->utility = utilitySnap;
        snap->closedLinks = closed;
        snap->edits = edits;
        route = routeNow();
        snap->route = route;
        watchChanged = false;
        editedSincePublish = false;
        const std::vector<traffic::TripResult>& results = sim.trips();
        snap->vehicles.reserve(views.size());
        for (const traffic::Simulation::VehicleView& v : views) {
            const render::LanePose p = session.lanes->at(v.lane, v.pos);
            VehicleSnap s;
            s.trip = v.trip;
            s.lane = v.lane.index();
            s.pos = v.pos;
            s.x = static_cast<float>(p.x);
            s.y = static_cast<float>(p.y);
            s.z = static_cast<float>(p.z);
            s.heading = static_cast<float>(p.heading);
            s.speed = v.speed;
            s.driven = v.trip < results.size() ? static_cast<float>(results[v.trip].routeLength) : 0.0f;
            s.delay = v.trip < results.size() ? static_cast<float>(results[v.trip].timeLoss) : 0.0f;
            s.vclass = v.vclass;
            snap->vehicles.push_back(s);
        }
        std::sort(snap->vehicles.begin(), snap->vehicles.end(),
                  [](const VehicleSnap& a, const VehicleSnap& b) { return a.trip < b.trip; });
        published = state;
        publishedTick = snap->tick;
        const std::lock_guard lock(m_snapshotMutex);
        if (record) {
            if (m_recorded.size() >= kMaxUntaken) {
                m_recorded.erase(m_recorded.begin());
            }
            m_recorded.push_back(snap);
        }
        m_snapshot = std::move(snap);
    };

    while (true) {
        bool single = false;
        double speed = 1.0;
        {
            std::unique_lock lock(m_mutex);
            if (m_quit) {
                break;
            }
            if (m_watchTrip != watched) {
                watched = m_watchTrip;
                watchChanged = true;
            }
            if (!m_edits.empty()) {
                // Link edits apply now, before the next step, at the time reached: exactly as a
                // scenario event of this time would.
                std::vector<LinkEdit> queued;
                queued.swap(m_edits);
                lock.unlock();
                auto applied = edits ? std::make_shared<std::vector<LinkEdit>>(*edits)
                                     : std::make_shared<std::vector<LinkEdit>>();
                for (LinkEdit& e : queued) {
                    e.time = sim.time();
                    setClosed(e.links, e.close);
                    applied->push_back(std::move(e));
                }
                edits = std::move(applied);
                editedSincePublish = true;
                continue;
            }
            speed = m_speed;
            if (finished) {
                m_playing = false;
                m_pendingSteps = 0;
            }
            if (m_playing && m_stopAt >= 0.0 && sim.time() >= m_stopAt - 1e-9) {
                m_playing = false;  // reached the time asked for
                m_stopAt = -1.0;
            }
            if (m_pendingSteps > 0) {
                --m_pendingSteps;
                single = true;
            } else if (m_playing) {
                if (m_reanchor) {
                    m_reanchor = false;
                    anchorWall = Clock::now();
                    anchorSim = sim.time();
                }
                if (speed > 0.0) {
                    const auto due =
                        anchorWall + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>((sim.time() - anchorSim) / speed));
                    const auto now = Clock::now();
                    if (now < due) {
                        m_wake.wait_until(lock, due);
                        continue;  // commands may have changed meanwhile
                    }
                    if (seconds(now - due) > 0.5) {
                        // Behind (the simulation is slower than asked): no burst to catch up.
                        anchorWall = now;
                        anchorSim = sim.time();
                    }
                }
            } else {
                // Paused: publish the state change (and any steps not yet shown) once, then sleep
                // until a command comes.
                if (published != (finished ? SimState::Finished : SimState::Paused) ||
                    publishedTick != sim.tick() || editedSincePublish || watchChanged) {
                    lock.unlock();
                    publish(finished ? SimState::Finished : SimState::Paused, speed, 0.0, false);
                    continue;
                }
                m_wake.wait(lock);
                continue;
            }
        }

        // One step, outside the lock: the GUI may queue commands meanwhile.
        while (nextEvent < session.events.size() && session.events[nextEvent].time <= sim.time() + 1e-9) {
            const SessionEvent& e = session.events[nextEvent++];
            std::vector<std::uint32_t> ls;
            for (const LinkId l : e.links) {
                ls.push_back(l.index());
            }
            setClosed(ls, e.close);
        }
        if (coupling && coupling->beforeTrafficStep().advanced) {
            takeUtilitySnap();
        }
        sim.step();
        kpi.record(sim, spec.step);
        views = sim.vehicles();
        links.add(net, views, spec.step);
        // With utilities the run goes on to the end: outages outlast the traffic.
        finished = sim.time() >= spec.duration - 1e-9 || (sim.finished() && !usim);
        if (finished) {
            kpi.finish(sim);
        }

        // Publish: every step when paced or stepping; at most maxPublishRate a second flat out,
        // and at every recorded moment.
        const auto now = Clock::now();
        const bool flatOut = !single && speed <= 0.0;
        const bool record = m_options.recordInterval > 0.0 && sim.time() >= nextRecord - 1e-9;
        if (record) {
            while (nextRecord <= sim.time() + 1e-9) {
                nextRecord += m_options.recordInterval;
            }
        }
        if (record || !flatOut || finished || seconds(now - lastPublish) >= 1.0 / m_options.maxPublishRate) {
            double period = 0.25;  // a single step glides into place in a quarter second
            if (!single) {
                period = flatOut ? std::clamp(seconds(now - lastPublish), 0.01, 0.5) : spec.step / speed;
            }
            lastPublish = now;
            const bool playingNow = !single && !finished;
            publish(finished ? SimState::Finished : (playingNow ? SimState::Playing : SimState::Paused),
                    speed, period, record);
        }
    }
}

}  // namespace ct::gui
