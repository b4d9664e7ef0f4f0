#include "citytwin/power/power_network.h"

#include <cmath>
#include <map>
#include <sstream>

namespace ct::power {

const char* toString(BusType t) {
    switch (t) {
        case BusType::Pq:
            return "PQ";
        case BusType::Pv:
            return "PV";
        case BusType::Ref:
            return "REF";
        case BusType::Isolated:
            return "isolated";
    }
    return "?";
}

int PowerNetwork::findBus(int number) const {
    for (std::size_t i = 0; i < buses.size(); ++i) {
        if (buses[i].number == number) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

double PowerNetwork::totalLoadMW() const {
    double sum = 0;
    for (const PowerBus& b : buses) {
        sum += b.pdMW;
    }
    return sum;
}

namespace {

void addError(DiagnosticReport& report, const std::string& file, int line, std::string code,
              std::string message) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = std::move(code);
    d.file = file;
    d.line = line;
    d.message = std::move(message);
    d.action = "case rejected";
    report.add(std::move(d));
}

bool allFinite(std::initializer_list<double> values) {
    for (double v : values) {
        if (!std::isfinite(v)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool validateNetwork(const PowerNetwork& net, DiagnosticReport& report, const std::string& file) {
    const std::size_t before = report.errorCount();
    if (!(net.baseMVA > 0) || !std::isfinite(net.baseMVA)) {
        std::ostringstream m;
        m << "baseMVA must be a positive number, not " << net.baseMVA;
        addError(report, file, -1, "power.bad_base_mva", m.str());
    }
    const int nb = static_cast<int>(net.buses.size());
    std::map<int, int> seen;
    for (int i = 0; i < nb; ++i) {
        const PowerBus& b = net.buses[static_cast<std::size_t>(i)];
        if (b.number <= 0) {
            addError(report, file, b.sourceLine, "power.bad_bus_number",
                     "bus number " + std::to_string(b.number) + " is not a positive integer");
        }
        const auto [it, inserted] = seen.emplace(b.number, b.sourceLine);
        if (!inserted) {
            std::string where = it->second > 0 ? " (first on line " + std::to_string(it->second) + ")" : "";
            addError(report, file, b.sourceLine, "power.duplicate_bus",
                     "bus number " + std::to_string(b.number) + " is used twice" + where);
        }
        if (!allFinite({b.pdMW, b.qdMVAr, b.gsMW, b.bsMVAr, b.vmPu, b.vaDeg})) {
            addError(report, file, b.sourceLine, "power.bad_value",
                     "bus " + std::to_string(b.number) + " has a non-finite demand, shunt or voltage");
        }
        if (b.type != BusType::Isolated && !(b.vmPu > 0)) {
            addError(report, file, b.sourceLine, "power.bad_value",
                     "bus " + std::to_string(b.number) + " has a voltage magnitude that is not positive");
        }
    }
    for (const PowerGen& g : net.gens) {
        if (g.bus < 0 || g.bus >= nb) {
            addError(report, file, g.sourceLine, "power.unknown_bus",
                     "generator at a bus that does not exist");
            continue;
        }
        if (!allFinite({g.pgMW, g.qgMVAr, g.vgPu}) || std::isnan(g.qmaxMVAr) || std::isnan(g.qminMVAr)) {
            addError(report, file, g.sourceLine, "power.bad_value",
                     "generator at bus " + std::to_string(net.buses[static_cast<std::size_t>(g.bus)].number) +
                         " has a non-finite output, limit or voltage set point");
        }
        if (g.inService && !(g.vgPu > 0)) {
            addError(report, file, g.sourceLine, "power.bad_value",
                     "generator at bus " + std::to_string(net.buses[static_cast<std::size_t>(g.bus)].number) +
                         " has a voltage set point that is not positive");
        }
    }
    for (const PowerBranch& br : net.branches) {
        if (br.from < 0 || br.from >= nb || br.to < 0 || br.to >= nb) {
            addError(report, file, br.sourceLine, "power.unknown_bus", "branch at a bus that does not exist");
            continue;
        }
        const std::string label = "branch " +
                                  std::to_string(net.buses[static_cast<std::size_t>(br.from)].number) + "-" +
                                  std::to_string(net.buses[static_cast<std::size_t>(br.to)].number);
        if (!allFinite({br.rPu, br.xPu, br.bPu, br.ratio, br.shiftDeg, br.rateAMVA})) {
            addError(report, file, br.sourceLine, "power.bad_value", label + " has a non-finite parameter");
            continue;
        }
        if (!br.inService) {
            continue;
        }
        if (br.from == br.to) {
            addError(report, file, br.sourceLine, "power.self_loop", label + " joins a bus to itself");
        }
        if (br.rPu == 0.0 && br.xPu == 0.0) {
            addError(report, file, br.sourceLine, "power.zero_impedance",
                     label + " has zero impedance (r = x = 0); model it as one bus or give it a small x");
        }
        if (br.ratio < 0) {
            addError(report, file, br.sourceLine, "power.bad_value", label + " has a negative tap ratio");
        }
    }
    return report.errorCount() == before;
}

}  // namespace ct::power
