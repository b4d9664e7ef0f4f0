// A scenario's "signals" array applied to a traffic network.

#include "citytwin/scenarios/signal_overrides.h"

#include <cstdint>
#include <string>

namespace ct::scenarios {

namespace {

void signalError(const ScenarioSpec& spec, int index, const std::string& where, const std::string& what,
                 DiagnosticReport& report) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = "scenario.signal";
    d.file = spec.file;
    d.layer = "/signals/" + std::to_string(index) + where;
    d.message = what;
    d.action = "load stopped";
    report.add(std::move(d));
}

}  // namespace

void applySignalOverrides(const ScenarioSpec& spec, traffic::TrafficNetwork& net, DiagnosticReport& report) {
    for (const SignalOverride& o : spec.signalPrograms) {
        if (o.node >= net.nodeCount() || net.connectionsOfNode(NodeId{o.node}).empty()) {
            signalError(spec, o.index, "/node",
                        "node " + std::to_string(o.node) +
                            " is not a junction of this network (citytwin signals lists them)",
                        report);
            continue;
        }
        const std::size_t n = net.connectionsOfNode(NodeId{o.node}).size();
        bool ok = true;
        for (std::size_t k = 0; k < o.phases.size(); ++k) {
            if (o.phases[k].state.size() != n) {
                signalError(spec, o.index, "/phases/" + std::to_string(k) + "/state",
                            "node " + std::to_string(o.node) + " has " + std::to_string(n) +
                                " connections, the state has " + std::to_string(o.phases[k].state.size()) +
                                " letters",
                            report);
                ok = false;
            }
        }
        if (!ok) {
            continue;
        }
        traffic::SignalProgram p;
        p.offset = o.offset;
        for (const auto& ph : o.phases) {
            p.phases.push_back({ph.duration, ph.state});
        }
        // A node without signals gets one: the program replaces its priority rules.
        if (net.nodeProgram[o.node] == UINT32_MAX) {
            net.nodeProgram[o.node] = static_cast<std::uint32_t>(net.programs.size());
            net.programs.push_back(std::move(p));
            net.nodeControl[o.node] = traffic::JunctionControl::Signal;
        } else {
            net.programs[net.nodeProgram[o.node]] = std::move(p);
        }
    }
}

}  // namespace ct::scenarios
