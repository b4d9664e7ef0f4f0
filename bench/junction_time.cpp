// citytwin-junction-time: where CityTwin's vehicles spend their time on a scenario, split into
// normal lanes and the internal lanes across junctions, by junction control and turn, moving and
// standing (bench/sumo_city_compare.sh compares it with SUMO's edgeData including internal edges).
//
// Usage: citytwin-junction-time SCENARIO.json [--threads N]
// Prints JSON: {"rows": [{"where", "control", "dir", "vehicle_s", "standing_s"}...]} (a vehicle is
// counted on the lane its front bumper is on at the end of each step, as in the link statistics).
// The scenario is run as `citytwin run` runs it (generated or SUMO demand, signal overrides; no
// events, no utilities); it is a diagnostic, not a second runner.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "citytwin/scenarios/scenario.h"
#include "citytwin/scenarios/signal_overrides.h"
#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/simulation.h"
#include "citytwin/traffic/sumo_import.h"
#include "run_command.h"

using namespace ct;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: citytwin-junction-time SCENARIO.json [--threads N]\n");
        return 2;
    }
    int threads = 1;
    for (int i = 2; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--threads") {
            threads = std::atoi(argv[i + 1]);
        }
    }
    DiagnosticReport report;
    const auto spec = scenarios::readScenario(argv[1], report);
    cli::ScenarioNetwork sn;
    if (!spec || !cli::loadScenarioNetwork(*spec, sn, report)) {
        std::fprintf(stderr, "%s", report.summary().c_str());
        return 1;
    }
    scenarios::applySignalOverrides(*spec, sn.net, report);
    const traffic::TrafficNetwork& net = sn.net;
    std::vector<traffic::Trip> trips;
    traffic::SimOptions so;
    if (sn.sumo) {
        for (const std::string& f : spec->sumoRoutes) {
            auto d = traffic::readSumoRoutes(f, *sn.sumo, report);
            if (!d) {
                std::fprintf(stderr, "%s", report.summary().c_str());
                return 1;
            }
            so.types = traffic::simulationTypes(*d, report);
            trips.insert(trips.end(), d->trips.begin(), d->trips.end());
        }
    } else {
        so.types = spec->vehicleTypes;
        if (spec->generatedDemand) {
            trips = traffic::generateCommuterTrips(*sn.loaded->city, spec->commuters, spec->seed);
        }
    }
    so.step = spec->step;
    so.seed = spec->seed;
    so.threads = threads;
    so.teleportAfter = spec->teleportAfter;
    so.rerouteInterval = spec->rerouteInterval;
    traffic::Simulation sim(net, so);
    sim.addTrips(std::move(trips));

    static constexpr const char* kDir[] = {"straight", "right", "left", "uturn"};
    auto control = [&](std::uint32_t c) -> std::string {
        const std::uint32_t n = net.connNode[c].index();
        switch (net.nodeControl[n]) {
            case traffic::JunctionControl::Signal:
                return "signal";
            case traffic::JunctionControl::AllWayStop:
                return "all-way stop";
            case traffic::JunctionControl::Priority:
                return net.connBaseState[c] == traffic::LinkState::PriorityGreen ? "priority, major"
                                                                                 : "priority, yields";
            case traffic::JunctionControl::None:
                break;
        }
        return "no junction";
    };
    // (where, control, dir) -> vehicle-seconds, standing seconds.
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<double, double>> acc;
    while (sim.time() < spec->duration - 1e-9) {
        sim.step();
        for (const auto& v : sim.vehicles()) {
            std::tuple<std::string, std::string, std::string> key{"normal lanes", "", ""};
            if (net.isInternal(v.lane)) {
                const std::uint32_t c = net.laneConnection[v.lane.index()];
                key = {"internal lanes", control(c), kDir[static_cast<int>(net.connDir[c])]};
            }
            auto& [vs, standing] = acc[key];
            vs += spec->step;
            standing += v.speed < 0.1f ? spec->step : 0.0;
        }
    }
    std::printf("{\"rows\": [\n");
    bool first = true;
    for (const auto& [key, val] : acc) {
        std::printf(
            "%s  {\"where\": \"%s\", \"control\": \"%s\", \"dir\": \"%s\", \"vehicle_s\": %.1f, "
            "\"standing_s\": %.1f}",
            first ? "" : ",\n", std::get<0>(key).c_str(), std::get<1>(key).c_str(), std::get<2>(key).c_str(),
            val.first, val.second);
        first = false;
    }
    std::printf("\n], \"arrived\": %llu}\n", static_cast<unsigned long long>(sim.counters().arrived));
    return 0;
}
