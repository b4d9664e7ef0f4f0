#include "citytwin/utility/utility_simulation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

#include "citytwin/power/contingency.h"
#include "citytwin/power/power_flow.h"
#include "citytwin/water/water_simulation.h"

namespace ct::utility {

namespace {
constexpr double kPi = 3.14159265358979323846;

std::string fixed1(double v) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(1);
    os << v;
    return os.str();
}
}  // namespace

const char* toString(EventKind k) {
    switch (k) {
        case EventKind::PipeBurst:
            return "pipe_burst";
        case EventKind::PipeClose:
            return "pipe_close";
        case EventKind::PumpOutage:
            return "pump_outage";
        case EventKind::LineFailure:
            return "line_failure";
        case EventKind::SubstationFailure:
            return "substation_failure";
        case EventKind::Repair:
            return "repair";
    }
    return "?";
}

struct UtilitySimulation::Impl {
    const UtilityModel& model;
    const CityModel& city;
    UtilitySimOptions opt;
    double t = 0.0;

    // Water.
    water::WaterNetwork waterNet;
    std::optional<water::WaterSimulation> wsim;
    std::vector<double> leakArea;             // by node, m^2 (sum of the bursts there)
    std::vector<double> burstArea;            // by link, m^2 of its burst (0: none)
    std::vector<std::uint8_t> closedByEvent;  // by link
    std::vector<std::uint8_t> pumpOut;        // by pump entry: outage event
    std::vector<std::uint8_t> pumpWants;      // by pump entry: the tank control wants it on
    std::vector<std::uint8_t> pumpOn;         // by pump entry: running this step
    std::vector<double> pressure, flow, tankLevel;

    // Power.
    std::vector<std::uint8_t> branchFailed, branchTripped, busFailed, busLive;
    std::vector<double> overloadSince, loading;

    // Service.
    std::vector<std::uint8_t> hasWater, hasPower, isCustomer;
    std::vector<double> minutesNoWater, minutesNoPower;
    std::vector<double> backupLeftH;     // by backup entry
    std::vector<std::int32_t> backupOf;  // by building: backup entry, -1
    std::size_t customers = 0;
    double totalResidents = 0;

    std::vector<UtilityEvent> events;
    std::size_t nextEvent = 0;
    std::vector<UtilityKpi> kpis;
    std::vector<ServiceChange> changes;
    std::vector<UtilityLogEntry> log;
    DiagnosticReport diagnostics;
    UtilityKpi totals;  // cumulative figures

    Impl(const UtilityModel& mo, const CityModel& c, UtilitySimOptions o) : model(mo), city(c), opt(o) {
        opt.step = std::max(opt.step, 1.0);
        const std::size_t nb = city.buildings.count();
        hasWater.assign(nb, 1);
        hasPower.assign(nb, 1);
        isCustomer.assign(nb, 0);
        minutesNoWater.assign(nb, 0.0);
        minutesNoPower.assign(nb, 0.0);
        backupOf.assign(nb, -1);
        for (std::size_t b = 0; b < nb; ++b) {
            isCustomer[b] = city.buildings.residents[b] + city.buildings.jobs[b] > 0 ? 1 : 0;
            customers += isCustomer[b];
            totalResidents += city.buildings.residents[b];
        }
        for (std::size_t i = 0; i < model.backups.size(); ++i) {
            backupLeftH.push_back(model.backups[i].backupHours);
            backupOf[model.backups[i].building.index()] = static_cast<std::int32_t>(i);
        }
        if (model.hasWater) {
            waterNet = model.water;
            // Pumps are switched by this simulation (tank levels and power), not by controls.
            std::erase_if(waterNet.controls, [&](const water::Control& ctl) {
                return std::any_of(model.pumps.begin(), model.pumps.end(),
                                   [&](const PumpFeed& f) { return f.link == ctl.link; });
            });
            const auto step = static_cast<std::int64_t>(std::llround(opt.step));
            waterNet.times.hydraulicStep = step;
            waterNet.times.reportStep = step;
            waterNet.times.duration = std::numeric_limits<std::int32_t>::max();
            wsim.emplace(waterNet);
            leakArea.assign(waterNet.nodeCount(), 0.0);
            burstArea.assign(waterNet.linkCount(), 0.0);
            closedByEvent.assign(waterNet.linkCount(), 0);
        }
        pumpOut.assign(model.pumps.size(), 0);
        pumpWants.assign(model.pumps.size(), 1);
        pumpOn.assign(model.pumps.size(), 0);
        for (std::size_t p = 0; p < model.pumps.size(); ++p) {
            pumpOn[p] = model.water.linkStatus[model.pumps[p].link] != water::LinkStatus::Closed ? 1 : 0;
        }
        const std::size_t nbr = model.power.branches.size(), nbus = model.power.buses.size();
        branchFailed.assign(nbr, 0);
        branchTripped.assign(nbr, 0);
        overloadSince.assign(nbr, -1.0);
        loading.assign(nbr, 0.0);
        busFailed.assign(nbus, 0);
        busLive.assign(nbus, model.hasPower ? 1 : 0);
    }

    void note(std::string what) { log.push_back({t, std::move(what)}); }

    std::vector<std::uint32_t> busesNamed(const std::string& target) const {
        std::vector<std::uint32_t> out;
        for (std::size_t b = 0; b < model.busId.size(); ++b) {
            // An id, a name, or a station's name that the bus names carry with a suffix
            // ("Umspannwerk Nord" for "Umspannwerk Nord 110 kV" and "Umspannwerk Nord 10 kV").
            const std::string& name = model.busName[b];
            if (model.busId[b] == target ||
                (!name.empty() &&
                 (name == target || (name.size() > target.size() && name.rfind(target + " ", 0) == 0)))) {
                out.push_back(static_cast<std::uint32_t>(b));
            }
        }
        return out;
    }
    std::int32_t branchNamed(const std::string& target) const {
        for (std::size_t b = 0; b < model.branchId.size(); ++b) {
            if (model.branchId[b] == target) {
                return static_cast<std::int32_t>(b);
            }
        }
        return -1;
    }
    std::int32_t pumpOfLink(std::uint32_t link) const {
        for (std::size_t p = 0; p < model.pumps.size(); ++p) {
            if (model.pumps[p].link == link) {
                return static_cast<std::int32_t>(p);
            }
        }
        return -1;
    }
    std::optional<std::uint32_t> waterLink(const std::string& target) const {
        return model.hasWater ? model.water.findLink(target) : std::nullopt;
    }

    void setLeak(std::uint32_t node) { wsim->setLeak(node, leakArea[node]); }

    void apply(const UtilityEvent& e) {
        const std::string what = std::string(toString(e.kind)) + " " + e.target;
        switch (e.kind) {
            case EventKind::PipeBurst: {
                const std::uint32_t l = *waterLink(e.target);
                const std::uint32_t node = waterNet.linkTo[l];
                const double d = e.burstDiameterM > 0 ? e.burstDiameterM : 0.5 * waterNet.linkDiameter[l];
                const double area = kPi * d * d / 4.0;
                leakArea[node] += area - burstArea[l];
                burstArea[l] = area;
                setLeak(node);
                note(what + ": burst of " + fixed1(d * 1000.0) + " mm at node " + waterNet.nodeName[node]);
                break;
            }
            case EventKind::PipeClose: {
                const std::uint32_t l = *waterLink(e.target);
                closedByEvent[l] = 1;
                const std::int32_t p = pumpOfLink(l);
                if (p >= 0) {
                    pumpOut[static_cast<std::size_t>(p)] = 1;
                } else {
                    wsim->setLinkStatus(l, water::LinkStatus::Closed);
                }
                note(what + ": closed");
                break;
            }
            case EventKind::PumpOutage: {
                const std::int32_t p = pumpOfLink(*waterLink(e.target));
                pumpOut[static_cast<std::size_t>(p)] = 1;
                note(what + ": pump out of service");
                break;
            }
            case EventKind::LineFailure:
                branchFailed[static_cast<std::size_t>(branchNamed(e.target))] = 1;
                note(what + ": out of service");
                break;
            case EventKind::SubstationFailure:
                for (std::uint32_t b : busesNamed(e.target)) {
                    busFailed[b] = 1;
                }
                note(what + ": out of service");
                break;
            case EventKind::Repair: {
                if (const auto l = waterLink(e.target)) {
                    const std::uint32_t node = waterNet.linkTo[*l];
                    if (burstArea[*l] > 0) {
                        leakArea[node] = std::max(0.0, leakArea[node] - burstArea[*l]);
                        burstArea[*l] = 0;
                        setLeak(node);
                    }
                    const std::int32_t p = pumpOfLink(*l);
                    if (p >= 0) {
                        pumpOut[static_cast<std::size_t>(p)] = 0;
                    } else if (closedByEvent[*l] != 0) {
                        wsim->setLinkStatus(*l, waterNet.linkStatus[*l]);
                    }
                    closedByEvent[*l] = 0;
                }
                if (const std::int32_t br = branchNamed(e.target); br >= 0) {
                    branchFailed[static_cast<std::size_t>(br)] = 0;
                    branchTripped[static_cast<std::size_t>(br)] = 0;
                    overloadSince[static_cast<std::size_t>(br)] = -1.0;
                }
                for (std::uint32_t b : busesNamed(e.target)) {
                    busFailed[b] = 0;
                }
                note(what + ": back in service");
                break;
            }
        }
    }

    void solvePower(double clock) {
        if (!model.hasPower) {
            return;
        }
        power::PowerNetwork net = model.power;
        const double factor = hourlyFactor(model.options.loadProfile, clock);
        const double tanPhi = std::tan(std::acos(std::clamp(model.options.powerFactor, 0.1, 1.0)));
        std::vector<double> pd(net.buses.size(), 0.0);
        for (std::size_t b = 0; b < net.buses.size(); ++b) {
            pd[b] = model.busPeakLoadMW[b] * factor;
        }
        for (std::size_t p = 0; p < model.pumps.size(); ++p) {
            if (pumpOn[p] != 0 && model.pumps[p].bus >= 0) {
                pd[static_cast<std::size_t>(model.pumps[p].bus)] += model.pumps[p].designPowerMW;
            }
        }
        for (std::size_t b = 0; b < net.buses.size(); ++b) {
            net.buses[b].pdMW = pd[b];
            net.buses[b].qdMVAr = pd[b] * tanPhi;
            if (busFailed[b] != 0) {
                net.buses[b].type = power::BusType::Isolated;
            }
        }
        for (std::size_t br = 0; br < net.branches.size(); ++br) {
            if (branchFailed[br] != 0 || branchTripped[br] != 0) {
                net.branches[br].inService = false;
            }
        }
        power::PowerFlowOptions po;
        po.dcFallback = true;
        const power::PowerFlowResult r = power::solvePowerFlow(net, po);
        if (!r.converged) {
            diagnostics.add({Severity::Warning, "power.not_converged", "", "", -1, -1,
                             "power flow did not converge at t=" + fixed1(t) + " s: " + r.message,
                             "buses of unsolved islands count as dark"});
        }
        for (std::size_t b = 0; b < net.buses.size(); ++b) {
            busLive[b] = busFailed[b] == 0 && b < r.busEnergised.size() && r.busEnergised[b] != 0 ? 1 : 0;
        }
        for (std::size_t br = 0; br < net.branches.size(); ++br) {
            const double rate = net.branches[br].rateAMVA;
            loading[br] = rate > 0 && br < r.branchOn.size() && r.branchOn[br] != 0
                              ? 100.0 * r.branchFlowMVA(br) / rate
                              : 0.0;
        }
        totals.loadServedMW = r.loadServedMW;
        totals.loadLostMW = r.loadLostMW;
        // Overloads trip after the delay; the trip shows in the next step's solve.
        for (std::size_t br = 0; br < net.branches.size(); ++br) {
            if (loading[br] > opt.overloadPct) {
                if (overloadSince[br] < 0) {
                    overloadSince[br] = t;
                    note("branch " + model.branchId[br] + " overloaded: " + fixed1(loading[br]) +
                         " % of rating");
                } else if (t - overloadSince[br] >= opt.tripDelay && branchTripped[br] == 0) {
                    branchTripped[br] = 1;
                    note("branch " + model.branchId[br] + " tripped after " + fixed1(t - overloadSince[br]) +
                         " s overloaded (" + fixed1(loading[br]) + " %)");
                }
            } else {
                overloadSince[br] = -1.0;
            }
        }
    }

    void controlPumps() {
        std::vector<double> levels = tankLevel;  // at the last solve
        if (levels.empty()) {
            for (const water::Tank& tk : waterNet.tanks) {
                levels.push_back(tk.initLevel);
            }
        }
        for (std::size_t p = 0; p < model.pumps.size(); ++p) {
            const PumpFeed& f = model.pumps[p];
            const bool standby = model.water.linkStatus[f.link] == water::LinkStatus::Closed;
            const bool powered = f.bus < 0 || busLive[static_cast<std::size_t>(f.bus)] != 0;
            if (f.controlTank >= 0 && wsim) {
                const auto tank =
                    static_cast<std::size_t>(waterNet.nodeTank[static_cast<std::size_t>(f.controlTank)]);
                const double level = levels[tank];
                if (level < f.onBelowM) {
                    pumpWants[p] = 1;
                } else if (level > f.offAboveM) {
                    pumpWants[p] = 0;
                }
            }
            const bool on = !standby && powered && pumpWants[p] != 0 && pumpOut[p] == 0;
            if (on != (pumpOn[p] != 0) && !powered && !standby && pumpOut[p] == 0) {
                note("pump " + model.water.linkName[f.link] + " stopped: its bus " +
                     model.busId[static_cast<std::size_t>(f.bus)] + " has no power");
            }
            pumpOn[p] = on ? 1 : 0;
            if (wsim) {
                wsim->setLinkStatus(f.link, on ? water::LinkStatus::Open : water::LinkStatus::Closed);
            }
        }
    }

    /// Solves the water network at t and moves it to t + step; returns the first solve's report.
    void solveWater() {
        if (!wsim) {
            return;
        }
        const auto end = static_cast<std::int64_t>(std::llround(t + opt.step));
        bool first = true;
        while (wsim->time() < end) {
            const water::SolveStats st = wsim->solveNow();
            if (!st.converged) {
                diagnostics.add({Severity::Warning, "water.not_converged", "", "", -1, -1,
                                 "water network did not converge at t=" + std::to_string(wsim->time()) + " s",
                                 "results of this step are approximate"});
            }
            const water::WaterReport r = wsim->report();
            const std::int64_t before = wsim->time();
            const std::int64_t dt = std::min(wsim->advance(), end - before);
            if (dt <= 0) {
                break;
            }
            double requested = 0, delivered = 0, leak = 0;
            for (std::size_t n = 0; n < waterNet.nodeCount(); ++n) {
                requested += r.demandRequested[n];
                // Within the solver's tolerance a node may get a hair more than it asked for.
                delivered += std::min(r.demandDelivered[n], r.demandRequested[n]);
                leak += n < leakArea.size() && leakArea[n] > 0 ? r.leakFlow[n] : 0.0;
            }
            totals.requestedM3 += requested * static_cast<double>(dt);
            totals.deliveredM3 += delivered * static_cast<double>(dt);
            totals.leakM3 += leak * static_cast<double>(dt);
            if (first) {
                pressure = r.pressure;
                flow = r.flow;
                tankLevel = r.tankLevel;
                isolated = r.isolated;
                first = false;
            }
        }
    }
    std::vector<std::uint8_t> isolated;

    void serviceStep() {
        const std::size_t nb = city.buildings.count();
        const double dtMin = opt.step / 60.0;
        UtilityKpi k;
        k.time = t + opt.step;
        double minP = std::numeric_limits<double>::infinity();
        for (std::size_t b = 0; b < nb; ++b) {
            bool w = true;
            if (wsim && b < model.buildingWaterNode.size()) {
                const std::int32_t node = model.buildingWaterNode[b];
                if (node < 0) {
                    w = false;
                } else {
                    const auto n = static_cast<std::size_t>(node);
                    w = isolated[n] == 0 && pressure[n] >= model.options.servicePressureM;
                    if (isolated[n] == 0 && model.buildingWaterDemand[b] > 0) {
                        minP = std::min(minP, pressure[n]);
                    }
                }
            }
            bool p = true;
            if (model.hasPower && b < model.buildingPowerBus.size()) {
                const std::int32_t bus = model.buildingPowerBus[b];
                p = bus >= 0 && busLive[static_cast<std::size_t>(bus)] != 0;
                if (backupOf[b] >= 0) {
                    double& left = backupLeftH[static_cast<std::size_t>(backupOf[b])];
                    if (!p && left > 1e-9) {
                        left = std::max(0.0, left - opt.step / 3600.0);
                        p = true;
                        ++k.hospitalsOnBackup;
                    } else if (!p) {
                        ++k.hospitalsWithoutPower;
                    }
                }
            }
            if ((w ? 1 : 0) != hasWater[b]) {
                changes.push_back({t, static_cast<std::uint32_t>(b), true, w});
            }
            if ((p ? 1 : 0) != hasPower[b]) {
                changes.push_back({t, static_cast<std::uint32_t>(b), false, p});
            }
            hasWater[b] = w ? 1 : 0;
            hasPower[b] = p ? 1 : 0;
            const double res = city.buildings.residents[b];
            if (!w) {
                minutesNoWater[b] += dtMin;
                k.residentsWithoutWater += res;
                if (isCustomer[b] != 0) {
                    ++k.buildingsWithoutWater;
                    totals.customerMinutesWater += dtMin;
                }
            }
            if (!p) {
                minutesNoPower[b] += dtMin;
                k.residentsWithoutPower += res;
                if (isCustomer[b] != 0) {
                    ++k.buildingsWithoutPower;
                    totals.customerMinutesPower += dtMin;
                }
            }
        }
        k.shareWithoutWater = totalResidents > 0 ? k.residentsWithoutWater / totalResidents : 0.0;
        k.shareWithoutPower = totalResidents > 0 ? k.residentsWithoutPower / totalResidents : 0.0;
        k.customerMinutesWater = totals.customerMinutesWater;
        k.customerMinutesPower = totals.customerMinutesPower;
        k.saidiWaterMin = customers > 0 ? totals.customerMinutesWater / static_cast<double>(customers) : 0.0;
        k.saidiPowerMin = customers > 0 ? totals.customerMinutesPower / static_cast<double>(customers) : 0.0;
        k.requestedM3 = totals.requestedM3;
        k.deliveredM3 = totals.deliveredM3;
        k.unmetM3 = std::max(0.0, totals.requestedM3 - totals.deliveredM3);
        k.leakM3 = totals.leakM3;
        k.minPressureM = std::isfinite(minP) ? minP : 0.0;
        for (std::size_t p = 0; p < model.pumps.size(); ++p) {
            k.pumpsRunning += pumpOn[p];
            const std::int32_t bus = model.pumps[p].bus;
            k.pumpsWithoutPower += bus >= 0 && busLive[static_cast<std::size_t>(bus)] == 0 ? 1 : 0;
        }
        for (const SignalFeed& s : model.signalFeeds) {
            k.darkSignals +=
                model.hasPower && (s.bus < 0 || busLive[static_cast<std::size_t>(s.bus)] == 0) ? 1 : 0;
        }
        for (std::size_t b = 0; b < busLive.size(); ++b) {
            k.darkBuses += busLive[b] == 0 ? 1 : 0;
        }
        for (std::size_t br = 0; br < branchTripped.size(); ++br) {
            k.trippedBranches += branchTripped[br];
        }
        k.loadServedMW = totals.loadServedMW;
        k.loadLostMW = totals.loadLostMW;
        kpis.push_back(k);
    }

    void step() {
        while (nextEvent < events.size() && events[nextEvent].time <= t + 1e-9) {
            apply(events[nextEvent++]);
        }
        solvePower(opt.clockStart + t);
        controlPumps();
        solveWater();
        serviceStep();
        t += opt.step;
    }
};

UtilitySimulation::UtilitySimulation(const UtilityModel& model, const CityModel& city,
                                     UtilitySimOptions options)
    : m(std::make_unique<Impl>(model, city, options)) {}

UtilitySimulation::~UtilitySimulation() = default;

void UtilitySimulation::addEvents(const std::vector<UtilityEvent>& events, DiagnosticReport& report) {
    Impl& s = *m;
    for (const UtilityEvent& e : events) {
        bool known = false;
        const auto link = s.waterLink(e.target);
        switch (e.kind) {
            case EventKind::PipeBurst:
                known = link && s.waterNet.linkKind[*link] != water::LinkKind::Pump;
                break;
            case EventKind::PipeClose:
                known = link.has_value();
                break;
            case EventKind::PumpOutage:
                known = link && s.pumpOfLink(*link) >= 0;
                break;
            case EventKind::LineFailure:
                known = s.branchNamed(e.target) >= 0;
                break;
            case EventKind::SubstationFailure:
                known = !s.busesNamed(e.target).empty();
                break;
            case EventKind::Repair:
                known = link || s.branchNamed(e.target) >= 0 || !s.busesNamed(e.target).empty();
                break;
        }
        if (!known) {
            const char* what = e.kind == EventKind::PipeBurst    ? "a pipe of the water network"
                               : e.kind == EventKind::PipeClose  ? "a link of the water network"
                               : e.kind == EventKind::PumpOutage ? "a pump of the water network"
                               : e.kind == EventKind::LineFailure
                                   ? "a line, cable or transformer of the power network"
                               : e.kind == EventKind::SubstationFailure ? "a power bus id or name"
                                                                        : "a water link, power line or bus";
            report.add({Severity::Error, "event.unknown_target", "", e.origin, -1, -1,
                        std::string(toString(e.kind)) + ": '" + e.target + "' is not " + what,
                        "event not applied"});
            continue;
        }
        s.events.push_back(e);
    }
    std::stable_sort(s.events.begin() + static_cast<std::ptrdiff_t>(s.nextEvent), s.events.end(),
                     [](const UtilityEvent& a, const UtilityEvent& b) { return a.time < b.time; });
}

void UtilitySimulation::advanceTo(double time) {
    while (m->t + m->opt.step <= time + 1e-9) {
        m->step();
    }
}

double UtilitySimulation::time() const {
    return m->t;
}
const std::vector<UtilityKpi>& UtilitySimulation::kpis() const {
    return m->kpis;
}
const std::vector<ServiceChange>& UtilitySimulation::changes() const {
    return m->changes;
}
const std::vector<UtilityLogEntry>& UtilitySimulation::log() const {
    return m->log;
}
const std::vector<std::uint8_t>& UtilitySimulation::buildingHasWater() const {
    return m->hasWater;
}
const std::vector<std::uint8_t>& UtilitySimulation::buildingHasPower() const {
    return m->hasPower;
}
const std::vector<double>& UtilitySimulation::buildingMinutesWithoutWater() const {
    return m->minutesNoWater;
}
const std::vector<double>& UtilitySimulation::buildingMinutesWithoutPower() const {
    return m->minutesNoPower;
}
const std::vector<std::uint8_t>& UtilitySimulation::busEnergised() const {
    return m->busLive;
}
const std::vector<double>& UtilitySimulation::nodePressure() const {
    return m->pressure;
}
const std::vector<double>& UtilitySimulation::linkFlow() const {
    return m->flow;
}
const std::vector<double>& UtilitySimulation::branchLoadingPct() const {
    return m->loading;
}
const std::vector<double>& UtilitySimulation::tankLevel() const {
    return m->tankLevel;
}
const std::vector<std::uint8_t>& UtilitySimulation::pumpRunning() const {
    return m->pumpOn;
}
const DiagnosticReport& UtilitySimulation::diagnostics() const {
    return m->diagnostics;
}

std::vector<std::uint8_t> UtilitySimulation::waterLinkState() const {
    const Impl& s = *m;
    std::vector<std::uint8_t> out(s.waterNet.linkCount(), 0);
    if (!s.wsim) {
        return out;
    }
    const auto& status = s.wsim->state().status;
    for (std::size_t l = 0; l < out.size(); ++l) {
        if (s.burstArea[l] > 0) {
            out[l] = 2;
        } else if (s.closedByEvent[l] != 0 || (l < status.size() && status[l] == water::LinkStatus::Closed)) {
            out[l] = 1;
        }
    }
    return out;
}

std::vector<std::uint8_t> UtilitySimulation::branchLive() const {
    const Impl& s = *m;
    std::vector<std::uint8_t> out(s.model.power.branches.size(), 0);
    for (std::size_t b = 0; b < out.size(); ++b) {
        const power::PowerBranch& br = s.model.power.branches[b];
        out[b] = br.inService && s.branchFailed[b] == 0 && s.branchTripped[b] == 0 &&
                         s.busLive[static_cast<std::size_t>(br.from)] != 0 &&
                         s.busLive[static_cast<std::size_t>(br.to)] != 0
                     ? 1
                     : 0;
    }
    return out;
}

std::vector<NodeId> UtilitySimulation::darkSignals() const {
    std::vector<NodeId> out;
    if (!m->model.hasPower) {
        return out;
    }
    for (const SignalFeed& s : m->model.signalFeeds) {
        if (s.bus < 0 || m->busLive[static_cast<std::size_t>(s.bus)] == 0) {
            out.push_back(s.node);
        }
    }
    return out;
}

}  // namespace ct::utility
