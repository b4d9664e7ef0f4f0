#include "scenario_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>

#include "citytwin/gis/city_loader.h"
#include "citytwin/scenarios/link_refs.h"
#include "citytwin/scenarios/scenario.h"
#include "citytwin/scenarios/signal_overrides.h"
#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/sumo_city.h"
#include "citytwin/traffic/sumo_import.h"

namespace ct::gui {

namespace {

/// The run settings of the scenario file.
void fillRun(const scenarios::ScenarioSpec& spec, ScenarioSession& session) {
    session.title = spec.name.empty() ? std::filesystem::path(spec.file).filename().string() : spec.name;
    SessionRun& run = session.spec;
    run.file = spec.file;
    run.name = spec.name;
    run.description = spec.description;
    run.duration = spec.duration;
    run.step = spec.step;
    run.seed = spec.seed;
    run.threads = spec.threads;
    run.teleportAfter = spec.teleportAfter;
    run.rerouteInterval = spec.rerouteInterval;
    run.statsInterval = spec.statsInterval;
    run.vehicleTypes = spec.vehicleTypes;
    run.utilityStep = spec.utilities.step;
    run.tripDelay = spec.utilities.tripDelay;
    run.darkSignalsStop = spec.utilities.darkSignalsStop;
}

void unknownLink(const scenarios::ScenarioSpec& spec, const scenarios::ScenarioEvent& e, const char* where,
                 DiagnosticReport& report) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = "scenario.unknown_link";
    d.file = spec.file;
    d.layer = "/events/" + std::to_string(e.line) + "/link";
    d.message = "'" + e.link + "' names no link of the " + where;
    d.action = "load stopped";
    report.add(std::move(d));
}

/// A scenario on a SUMO network, as `citytwin run` drives it: the net's lanes, connections and
/// signal programs, the route files' demand and vTypes, events naming SUMO edges. The city shown
/// is the net's roads (traffic::sumoCityModel), the vehicles follow SUMO's lane shapes.
std::shared_ptr<ScenarioSession> buildSumoSession(const scenarios::ScenarioSpec& spec,
                                                  DiagnosticReport& report) {
    std::optional<traffic::SumoNetwork> sumo = traffic::readSumoNetwork(spec.sumoNet, report);
    if (!sumo || report.hasErrors()) {
        return nullptr;
    }
    auto session = std::make_shared<ScenarioSession>();
    session->clockStart = scenarios::parseClock(spec.clockStart).value_or(0.0);
    traffic::SumoDemand all;
    for (const std::string& f : spec.sumoRoutes) {
        std::optional<traffic::SumoDemand> d = traffic::readSumoRoutes(f, *sumo, report);
        if (!d) {
            return nullptr;
        }
        all.trips.insert(all.trips.end(), std::make_move_iterator(d->trips.begin()),
                         std::make_move_iterator(d->trips.end()));
        all.tripTypes.insert(all.tripTypes.end(), d->tripTypes.begin(), d->tripTypes.end());
        all.types.insert(all.types.end(), d->types.begin(), d->types.end());
    }
    std::vector<traffic::VehicleType> types = traffic::simulationTypes(all, report, spec.file);
    session->trips = std::move(all.trips);

    // Events name SUMO edges: "edge:ID" or the bare id.
    for (const scenarios::ScenarioEvent& e : spec.events) {
        const LinkId l = sumo->findEdge(e.link.rfind("edge:", 0) == 0 ? e.link.substr(5) : e.link);
        if (!l.valid()) {
            unknownLink(spec, e, "SUMO network", report);
        }
        session->events.push_back({e.time, e.type == scenarios::ScenarioEvent::Type::CloseLink,
                                   l.valid() ? std::vector<LinkId>{l} : std::vector<LinkId>{}, e.link});
    }
    if (!spec.utilityEvents.empty()) {
        report.add(
            {Severity::Error, "scenario.no_utilities", spec.file, spec.utilityEvents.front().origin, -1, -1,
             "utility events need a city with water_nodes / power_buses layers; a SUMO network has none",
             "load stopped"});
    }
    if (report.hasErrors()) {
        return nullptr;
    }
    std::stable_sort(session->events.begin(), session->events.end(),
                     [](const SessionEvent& a, const SessionEvent& b) { return a.time < b.time; });

    auto network = std::make_shared<traffic::TrafficNetwork>(sumo->net);
    scenarios::applySignalOverrides(spec, *network, report);
    if (report.hasErrors()) {
        return nullptr;
    }
    session->city = std::make_shared<const CityModel>(traffic::sumoCityModel(*sumo, spec.sumoNet, report));
    session->lanes =
        std::make_shared<const render::LaneGeometry>(*network, sumo->laneShapeOffset, sumo->laneShapePoints);
    session->network = std::move(network);
    fillRun(spec, *session);
    session->spec.vehicleTypes = std::move(types);  // the route files' vTypes, as `citytwin run` uses them
    session->edgeIds = std::move(sumo->edgeIds);
    session->edgeNames = std::move(sumo->edgeNames);
    session->junctionIds = std::move(sumo->junctionIds);
    session->junctionShapeOffset = std::move(sumo->junctionShapeOffset);
    session->junctionShapePoints = std::move(sumo->junctionShapePoints);
    return session;
}

/// Everything after the scenario file was read; throws nothing, reports everything.
std::shared_ptr<ScenarioSession> buildSession(const scenarios::ScenarioSpec& spec,
                                              const std::string& assetsDir, DiagnosticReport& report) {
    if (!spec.sumoNet.empty()) {
        return buildSumoSession(spec, report);
    }
    // The city, the same way `citytwin run` finds it.
    gis::LoadOptions load;
    if (spec.sampleCity) {
        load = gis::sampleCityOptions(assetsDir);
    }
    if (!spec.citySources.empty()) {
        load.vectorSources = spec.citySources;
    }
    if (!spec.dem.empty()) {
        load.demPath = spec.dem;
    }
    load.mappingPath = spec.mapping;
    gis::LoadResult loaded = gis::loadCity(load);
    report.append(loaded.report);
    if (!loaded.city || loaded.report.hasErrors()) {
        return nullptr;
    }

    auto session = std::make_shared<ScenarioSession>();
    auto city = std::make_shared<const CityModel>(std::move(*loaded.city));
    const scenarios::LinkResolver resolver(*city);
    session->clockStart = scenarios::parseClock(spec.clockStart).value_or(0.0);

    // Demand: generated commuters and trip files.
    if (spec.generatedDemand) {
        session->trips = traffic::generateCommuterTrips(*city, spec.commuters, spec.seed);
    }
    for (const std::string& f : spec.tripFiles) {
        for (const scenarios::CsvTrip& t :
             scenarios::readTripsCsv(f, resolver, session->clockStart, report)) {
            traffic::Trip trip;
            trip.id = t.id;
            trip.depart = t.depart;
            trip.from = t.from;
            trip.to = t.to;
            trip.vclass = traffic::vehicleClassFromString(t.type).value_or(traffic::VehicleClass::Car);
            session->trips.push_back(std::move(trip));
        }
    }

    // Events: every link reference must name something.
    for (const scenarios::ScenarioEvent& e : spec.events) {
        SessionEvent ev{e.time, e.type == scenarios::ScenarioEvent::Type::CloseLink, resolver.resolve(e.link),
                        e.link};
        if (ev.links.empty()) {
            unknownLink(spec, e, "city", report);
        }
        session->events.push_back(std::move(ev));
    }
    if (report.hasErrors()) {
        return nullptr;
    }
    std::stable_sort(session->events.begin(), session->events.end(),
                     [](const SessionEvent& a, const SessionEvent& b) { return a.time < b.time; });

    // The network, with the scenario's own signal programs (as `citytwin run` applies them).
    auto network = std::make_shared<traffic::TrafficNetwork>(traffic::buildTrafficNetwork(city->roads));
    scenarios::applySignalOverrides(spec, *network, report);
    if (report.hasErrors()) {
        return nullptr;
    }
    session->lanes = std::make_shared<const render::LaneGeometry>(*city, *network);
    session->network = std::move(network);
    session->city = std::move(city);
    fillRun(spec, *session);

    // Utilities, as `citytwin run` builds them: the events are checked against the networks.
    const UtilityLayers& u = session->city->utilities;
    if ((u.hasWater() || u.hasPower()) && spec.utilities.enabled) {
        utility::ServiceOptions svc;
        svc.servicePressureM = spec.utilities.servicePressureM;
        svc.hospitalBackupHours = spec.utilities.hospitalBackupHours;
        auto model = std::make_shared<utility::UtilityModel>(
            utility::buildUtilityModel(*session->city, svc, session->clockStart, report));
        DiagnosticReport er;
        utility::UtilitySimulation check(*model, *session->city, {});
        check.addEvents(spec.utilityEvents, er);
        for (Diagnostic d : er.items()) {
            d.file = spec.file;
            report.add(std::move(d));
        }
        if (report.hasErrors()) {
            return nullptr;
        }
        session->utilities = std::move(model);
        session->utilityEvents = spec.utilityEvents;
    } else if (!spec.utilityEvents.empty()) {
        report.add({Severity::Error, "scenario.no_utilities", spec.file, spec.utilityEvents.front().origin,
                    -1, -1,
                    "utility events need a city with water_nodes / power_buses layers, and utilities enabled",
                    "load stopped"});
        return nullptr;
    }
    return session;
}

}  // namespace

SessionLoad loadScenarioSession(const std::string& path, const std::string& assetsDir) {
    const auto t0 = std::chrono::steady_clock::now();
    SessionLoad out;
    try {
        std::optional<scenarios::ScenarioSpec> spec = scenarios::readScenario(path, out.report);
        if (spec && !out.report.hasErrors()) {
            out.session = buildSession(*spec, assetsDir, out.report);
        }
    } catch (const std::exception& e) {
        out.session.reset();
        out.report.error("internal.exception", path,
                         std::string("unexpected failure while loading: ") + e.what());
    }
    if (!out.session && !out.report.hasErrors()) {
        out.report.error("scenario.not_loaded", path, "the scenario could not be loaded");
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

std::string ScenarioSession::linkReference(LinkId link) const {
    if (sumo()) {
        return link.index() < edgeIds.size() ? "edge:" + edgeIds[link.index()] : std::string{};
    }
    return std::to_string(link.index());
}

std::string clockText(double secondsOfDay) {
    const auto s = static_cast<long>(std::floor(std::max(0.0, secondsOfDay))) % 86400;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

}  // namespace ct::gui
