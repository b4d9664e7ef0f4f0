#pragma once
/// Writing power flow results as CSV files.
///
/// Every file is written to `<name>.tmp` in the target folder and renamed over `<name>` only when
/// complete, so a crash never leaves a half-written result. Numbers are written with enough digits
/// to round-trip (17 significant).

#include <string>
#include <vector>

#include "citytwin/power/contingency.h"
#include "citytwin/power/power_flow.h"
#include "citytwin/power/power_network.h"
#include "citytwin/sim/diagnostics.h"

namespace ct::power {

/// buses.csv: bus,type,island,energised,vm_pu,va_deg,pd_mw,qd_mvar,pg_mw,qg_mvar
/// branches.csv: branch,from_bus,to_bus,in_service,pf_mw,qf_mvar,pt_mw,qt_mvar,loss_mw,flow_mva,
///               rate_a_mva,loading_pct
/// gens.csv: gen,bus,on,pg_mw,qg_mvar
/// Creates `dir` when missing. Returns false and adds an error to `report` on a write failure.
bool writeResultsCsv(const PowerNetwork& net, const PowerFlowResult& result, const std::string& dir,
                     DiagnosticReport& report);

/// contingencies.csv: branch,from_bus,to_bus,solved,used_dc,islands,new_islands,dark_buses,
///                    load_lost_mw,overloads,worst_loading_pct,voltage_violations,min_vm_pu,max_vm_pu
bool writeContingenciesCsv(const PowerNetwork& net, const NMinus1Report& report, const std::string& dir,
                           DiagnosticReport& diagnostics);

}  // namespace ct::power
