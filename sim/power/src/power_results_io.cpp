#include "citytwin/power/power_results_io.h"

#include "citytwin/sim/atomic_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ct::power {

namespace {

// A stream that writes doubles with 17 significant digits, enough to read back the same value.
std::ostringstream csvStream() {
    std::ostringstream os;
    os.precision(17);
    return os;
}

bool prepareDir(const std::string& dir, DiagnosticReport& report) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        report.error("power.write_failed", dir, "cannot create the output folder: " + ec.message(),
                     "nothing written");
        return false;
    }
    return true;
}

bool write(const std::string& dir, const char* name, const std::string& content, DiagnosticReport& report) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::string why;
    if (!ct::writeFileAtomically(path, content, &why)) {
        report.error("power.write_failed", path, why, "file not written");
        return false;
    }
    return true;
}

}  // namespace

bool writeResultsCsv(const PowerNetwork& net, const PowerFlowResult& r, const std::string& dir,
                     DiagnosticReport& report) {
    if (!prepareDir(dir, report)) {
        return false;
    }
    std::vector<double> pg(net.buses.size(), 0.0), qg(net.buses.size(), 0.0);
    for (std::size_t g = 0; g < net.gens.size(); ++g) {
        if (r.genOn[g]) {
            pg[static_cast<std::size_t>(net.gens[g].bus)] += r.genPMW[g];
            qg[static_cast<std::size_t>(net.gens[g].bus)] += r.genQMVAr[g];
        }
    }
    std::ostringstream b = csvStream();
    b << "bus,type,island,energised,vm_pu,va_deg,pd_mw,qd_mvar,pg_mw,qg_mvar\n";
    for (std::size_t i = 0; i < net.buses.size(); ++i) {
        const PowerBus& bus = net.buses[i];
        b << bus.number << ',' << toString(r.busTypeUsed[i]) << ',' << r.busIsland[i] << ','
          << int{r.busEnergised[i]} << ',' << r.vmPu[i] << ',' << r.vaDeg[i] << ',' << bus.pdMW << ','
          << bus.qdMVAr << ',' << pg[i] << ',' << qg[i] << '\n';
    }

    std::ostringstream l = csvStream();
    l << "branch,from_bus,to_bus,in_service,pf_mw,qf_mvar,pt_mw,qt_mvar,loss_mw,flow_mva,rate_a_mva,loading_"
         "pct\n";
    for (std::size_t k = 0; k < net.branches.size(); ++k) {
        const PowerBranch& br = net.branches[k];
        const double flow = r.branchFlowMVA(k);
        l << k + 1 << ',' << net.buses[static_cast<std::size_t>(br.from)].number << ','
          << net.buses[static_cast<std::size_t>(br.to)].number << ',' << int{r.branchOn[k]} << ','
          << r.pfMW[k] << ',' << r.qfMVAr[k] << ',' << r.ptMW[k] << ',' << r.qtMVAr[k] << ','
          << r.pfMW[k] + r.ptMW[k] << ',' << flow << ',' << br.rateAMVA << ',';
        if (br.rateAMVA > 0) {
            l << 100.0 * flow / br.rateAMVA;
        }
        l << '\n';
    }

    std::ostringstream g = csvStream();
    g << "gen,bus,on,pg_mw,qg_mvar\n";
    for (std::size_t i = 0; i < net.gens.size(); ++i) {
        g << i + 1 << ',' << net.buses[static_cast<std::size_t>(net.gens[i].bus)].number << ','
          << int{r.genOn[i]} << ',' << r.genPMW[i] << ',' << r.genQMVAr[i] << '\n';
    }
    return write(dir, "buses.csv", b.str(), report) && write(dir, "branches.csv", l.str(), report) &&
           write(dir, "gens.csv", g.str(), report);
}

bool writeContingenciesCsv(const PowerNetwork& net, const NMinus1Report& rep, const std::string& dir,
                           DiagnosticReport& diagnostics) {
    if (!prepareDir(dir, diagnostics)) {
        return false;
    }
    std::ostringstream os = csvStream();
    os << "branch,from_bus,to_bus,solved,used_dc,islands,new_islands,dark_buses,load_lost_mw,overloads,"
          "worst_loading_pct,voltage_violations,min_vm_pu,max_vm_pu\n";
    for (const ContingencyResult& c : rep.cases) {
        const PowerBranch& br = net.branches[static_cast<std::size_t>(c.branch)];
        double worst = 0;
        for (const BranchLoading& o : c.overloads) {
            worst = std::max(worst, o.loadingPct);
        }
        os << c.branch + 1 << ',' << net.buses[static_cast<std::size_t>(br.from)].number << ','
           << net.buses[static_cast<std::size_t>(br.to)].number << ',' << int{c.solved} << ','
           << int{c.usedDc} << ',' << c.islands << ',' << c.newIslands << ',' << c.darkBuses << ','
           << c.loadLostMW << ',' << c.overloads.size() << ',';
        if (!c.overloads.empty()) {
            os << worst;
        }
        os << ',' << c.voltageViolations.size() << ',';
        if (!c.voltageViolations.empty()) {
            const auto [lo, hi] = std::minmax_element(
                c.voltageViolations.begin(), c.voltageViolations.end(),
                [](const VoltageViolation& a, const VoltageViolation& b) { return a.vmPu < b.vmPu; });
            os << lo->vmPu << ',' << hi->vmPu;
        } else {
            os << ',';
        }
        os << '\n';
    }
    return write(dir, "contingencies.csv", os.str(), diagnostics);
}

}  // namespace ct::power
