#pragma once
/// The simulation thread: owns the traffic Simulation of a scenario session and steps it at the
/// chosen speed, so the GUI never waits for a step.
///
/// Threading: every public method may be called from any thread (the GUI thread in practice).
/// Commands (play, pause, step, speed, link edits) are taken by the worker before its next step. After each
/// step it may publish a SimSnapshot by swapping a shared_ptr under a mutex; latest() hands out
/// the newest one. Readers see only published snapshots, never the live simulation.
/// Plain C++ (std::thread): no Qt, no OSG.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scenario_session.h"
#include "sim_snapshot.h"

namespace ct::gui {

struct SimWorkerOptions {
    double linkSpeedWindow = 60.0;  ///< s of simulated time over which link speeds are averaged
    double kpiInterval = 60.0;      ///< s of simulated time per dashboard point
    double maxPublishRate = 30.0;   ///< snapshots per wall-clock second, at most, when running flat out
    /// s of simulated time between recorded snapshots (takeRecorded()): these are published
    /// whatever the speed, so the GUI's history misses none; 0 = record nothing.
    double recordInterval = 10.0;
    /// Simulation threads; 0 = the scenario's setting, where 0 in turn means all cores but one
    /// (the GUI needs one to draw).
    int threads = 0;
};

class SimWorker {
public:
    /// Starts the thread, paused at time 0. `session` must be loaded (non-null).
    explicit SimWorker(std::shared_ptr<const ScenarioSession> session, SimWorkerOptions options = {});
    /// Stops the thread and waits for it (at most one simulation step).
    ~SimWorker();
    SimWorker(const SimWorker&) = delete;
    SimWorker& operator=(const SimWorker&) = delete;

    void play();
    /// Plays until the simulated time reaches `time` (s), then pauses by itself.
    void playUntil(double time);
    void pause();
    /// Pauses, then advances exactly `steps` steps (each publishes a snapshot).
    void step(int steps = 1);
    /// Simulated seconds per wall-clock second (1 = real time); 0 = as fast as it goes.
    void setSpeed(double speed);
    /// Closes (`close`) or reopens links of the running simulation. Queued (thread-safe): the
    /// worker applies it before its next step, at once when paused, exactly as a scenario event
    /// of that time would apply, and lists it in the snapshots' `edits` with that time. `ref` is
    /// how a scenario file would name the links.
    void editLinks(std::vector<LinkId> links, bool close, std::string ref);
    /// The trip whose route the snapshots carry (SimSnapshot::route), or kNoTrip for none. When
    /// paused, a snapshot with the route is published at once.
    void watchTrip(std::uint32_t trip);
    static constexpr std::uint32_t kNoTrip = 0xffffffffu;
    /// Ends the thread and joins it; idempotent. The last snapshot stays available.
    void stop();

    /// The newest snapshot (never null: one is published before the first step).
    [[nodiscard]] std::shared_ptr<const SimSnapshot> latest() const;
    /// The snapshots published at each recordInterval of simulated time (and the first one)
    /// since the last call, oldest first; the caller keeps what it wants. Between two calls the
    /// worker holds at most a bounded number (the oldest go first).
    [[nodiscard]] std::vector<std::shared_ptr<const SimSnapshot>> takeRecorded();
    [[nodiscard]] const std::shared_ptr<const ScenarioSession>& session() const { return m_session; }
    /// True while the worker thread runs (false after stop()).
    [[nodiscard]] bool threadRunning() const { return m_threadRunning.load(); }
    [[nodiscard]] bool playing() const;
    [[nodiscard]] double speed() const;

private:
    void run();
    void simulate();
    void publishFailure(std::string message);

    std::shared_ptr<const ScenarioSession> m_session;
    SimWorkerOptions m_options;

    // Commands, guarded by m_mutex; the worker waits on m_wake.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_quit = false;
    bool m_playing = false;
    bool m_reanchor = true;  ///< restart the pacing clock (after play or a speed change)
    int m_pendingSteps = 0;
    double m_speed = 1.0;
    double m_stopAt = -1.0;         ///< s of simulated time at which playing pauses; < 0 = never
    std::vector<LinkEdit> m_edits;  ///< queued link edits, not yet applied (time unset)
    std::uint32_t m_watchTrip = kNoTrip;

    // The published snapshot, guarded by its own mutex so readers never wait for a step.
    mutable std::mutex m_snapshotMutex;
    std::shared_ptr<const SimSnapshot> m_snapshot;
    std::vector<std::shared_ptr<const SimSnapshot>> m_recorded;  ///< not yet taken

    std::atomic<bool> m_threadRunning{false};
    std::thread m_thread;
};

}  // namespace ct::gui
