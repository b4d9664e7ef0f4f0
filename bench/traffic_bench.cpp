// citytwin-traffic-bench: imports a SUMO network and its trips or routes, runs the traffic
// simulation with a 1 s step for a given duration, and prints what bench/sumo_compare.sh compares
// with SUMO: wall time, vehicle-updates per second, peak memory, mean travel time and time loss of
// the completed trips, bytes per vehicle. With --million N it instead loads N vehicles (the file's
// trips repeated, departures spread) and reports the memory they take.
//
// Usage: citytwin-traffic-bench --net NET.net.xml --routes ROUTES.rou.xml [--end S] [--threads N]
//                               [--step S] [--tripinfo OUT.csv] [--million N]
// Output: one line of JSON on stdout; diagnostics on stderr.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "citytwin/traffic/simulation.h"
#include "citytwin/traffic/sumo_import.h"

using namespace ct;
using namespace ct::traffic;

namespace {

struct Args {
    std::string net, routes, tripinfo;
    double end = 3600.0;
    double step = 1.0;
    int threads = 0;
    long million = 0;
};

void usage() {
    std::fprintf(
        stderr,
        "usage: citytwin-traffic-bench --net NET.net.xml --routes ROUTES.rou.xml [--end S] [--threads N]\n"
        "                              [--step S] [--tripinfo OUT.csv] [--million N]\n");
}

bool parseArgs(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) {
            return false;
        }
        const char* v = argv[++i];
        if (k == "--net") {
            a.net = v;
        } else if (k == "--routes") {
            a.routes = v;
        } else if (k == "--tripinfo") {
            a.tripinfo = v;
        } else if (k == "--end") {
            a.end = std::atof(v);
        } else if (k == "--step") {
            a.step = std::atof(v);
        } else if (k == "--threads") {
            a.threads = std::atoi(v);
        } else if (k == "--million") {
            a.million = std::atol(v);
        } else {
            return false;
        }
    }
    return !a.net.empty() && !a.routes.empty();
}

/// Peak resident memory of this process so far, bytes.
double peakRss() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) * 1024.0;
}

/// Resident memory now, bytes (from /proc/self/statm).
double currentRss() {
    std::ifstream f("/proc/self/statm");
    long pages = 0, resident = 0;
    f >> pages >> resident;
    return static_cast<double>(resident) * 4096.0;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

/// Loads N vehicles and reports their memory; runs 600 s of them to show that they drive.
int million(const SumoNetwork& s, const SumoDemand& d, const Args& a) {
    if (d.trips.empty()) {
        std::fprintf(stderr, "no trips to repeat\n");
        return 1;
    }
    // Memory is measured from before the trips are made to after the simulation holds them (the
    // list handed over is freed by then): all that N vehicles cost.
    const double before = currentRss();
    std::vector<Trip> trips;
    trips.reserve(static_cast<std::size_t>(a.million));
    // Departures spread evenly over the repeats of the file's departure span, so the network
    // carries what the file makes it carry.
    const double span = std::max(1.0, d.trips.back().depart - d.trips.front().depart + 1.0);
    for (long k = 0; k < a.million; ++k) {
        const std::size_t i = static_cast<std::size_t>(k) % d.trips.size();
        Trip t = d.trips[i];
        t.id += "#" + std::to_string(k);
        t.depart += span * static_cast<double>(static_cast<std::size_t>(k) / d.trips.size());
        trips.push_back(std::move(t));
    }
    SimOptions o;
    o.threads = a.threads;
    o.step = a.step;
    Simulation sim(s.net, o);
    sim.addTrips(std::move(trips));
    const double after = currentRss();
    const auto t0 = std::chrono::steady_clock::now();
    sim.runUntil(600.0);
    const auto t1 = std::chrono::steady_clock::now();
    std::printf(
        "{\"vehicles\": %ld, \"rss_before_mb\": %.1f, \"rss_after_add_mb\": %.1f, \"rss_per_vehicle_bytes\": "
        "%.1f, "
        "\"bytes_per_vehicle\": %.1f, \"rss_after_600s_mb\": %.1f, \"peak_rss_mb\": %.1f, "
        "\"running_at_600s\": %llu, "
        "\"wall_600s\": %.2f}\n",
        a.million, before / 1e6, after / 1e6, (after - before) / static_cast<double>(a.million),
        sim.bytesPerVehicle(), currentRss() / 1e6, peakRss() / 1e6,
        static_cast<unsigned long long>(sim.counters().running), seconds(t0, t1));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (!parseArgs(argc, argv, a)) {
        usage();
        return 2;
    }
    DiagnosticReport report;
    const auto i0 = std::chrono::steady_clock::now();
    const auto net = readSumoNetwork(a.net, report);
    if (!net) {
        std::fprintf(stderr, "%s", report.summary().c_str());
        return 1;
    }
    const auto demand = readSumoRoutes(a.routes, *net, report);
    if (!demand) {
        std::fprintf(stderr, "%s", report.summary().c_str());
        return 1;
    }
    const auto i1 = std::chrono::steady_clock::now();
    if (report.warningCount() > 0) {
        std::fprintf(stderr, "%s", report.summary().c_str());
    }
    if (a.million > 0) {
        return million(*net, *demand, a);
    }

    SimOptions o;
    o.threads = a.threads;
    o.step = a.step;
    o.types = simulationTypes(*demand, report);
    Simulation sim(net->net, o);
    sim.addTrips(demand->trips);
    std::uint32_t maxRunning = 0;
    double minGap = std::numeric_limits<double>::infinity();
    const auto t0 = std::chrono::steady_clock::now();
    while (sim.time() < a.end - 1e-9 && !sim.finished()) {
        sim.step();
        maxRunning = std::max(maxRunning, sim.lastStep().running);
        minGap = std::min(minGap, sim.minGap());
    }
    const auto t1 = std::chrono::steady_clock::now();

    const Counters& c = sim.counters();
    double travel = 0.0, loss = 0.0;
    std::size_t done = 0;
    for (const TripResult& r : sim.trips()) {
        if (r.outcome == TripOutcome::Arrived) {
            travel += r.duration;
            loss += r.timeLoss;
            ++done;
        }
    }
    if (!a.tripinfo.empty()) {
        std::ofstream f(a.tripinfo);
        f << "id,outcome,depart,arrival,duration,routeLength,waitingTime,timeLoss,teleports\n";
        for (const TripResult& r : sim.trips()) {
            f << r.id << ',' << toString(r.outcome) << ',' << r.depart << ',' << r.arrival << ','
              << r.duration << ',' << r.routeLength << ',' << r.waitingTime << ',' << r.timeLoss << ','
              << r.teleports << '\n';
        }
    }
    const double wall = seconds(t0, t1);
    std::printf(
        "{\"net\": \"%s\", \"threads\": %d, \"sim_end\": %.0f, \"import_s\": %.3f, \"wall_s\": %.3f, "
        "\"vehicle_updates\": %llu, \"updates_per_s\": %.0f, \"peak_rss_mb\": %.1f, \"bytes_per_vehicle\": "
        "%.1f, "
        "\"trips\": %zu, \"inserted\": %llu, \"arrived\": %llu, \"running_end\": %llu, \"pending_end\": "
        "%llu, "
        "\"max_running\": %u, \"teleports\": %llu, \"removed\": %llu, \"no_route\": %llu, "
        "\"emergency_brakes\": %llu, \"hard_brakes\": %llu, "
        "\"min_gap\": %.3f, \"mean_travel_time\": %.2f, \"mean_time_loss\": %.2f}\n",
        a.net.c_str(), a.threads, sim.time(), seconds(i0, i1), wall,
        static_cast<unsigned long long>(c.vehicleUpdates),
        wall > 0 ? static_cast<double>(c.vehicleUpdates) / wall : 0.0, peakRss() / 1e6, sim.bytesPerVehicle(),
        demand->trips.size(), static_cast<unsigned long long>(c.inserted),
        static_cast<unsigned long long>(c.arrived), static_cast<unsigned long long>(c.running),
        static_cast<unsigned long long>(c.pending), maxRunning, static_cast<unsigned long long>(c.teleports),
        static_cast<unsigned long long>(c.removed), static_cast<unsigned long long>(c.noRoute),
        static_cast<unsigned long long>(c.emergencyBrakes), static_cast<unsigned long long>(c.hardBrakes),
        std::isfinite(minGap) ? minGap : 1e9, done > 0 ? travel / static_cast<double>(done) : 0.0,
        done > 0 ? loss / static_cast<double>(done) : 0.0);
    return 0;
}
