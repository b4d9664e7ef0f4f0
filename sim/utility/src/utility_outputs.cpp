#include "citytwin/utility/utility_outputs.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace ct::utility {

namespace {

std::string csvText(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (char c : s) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string num(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace

std::string clockString(double clockSeconds) {
    const auto total = static_cast<long long>(std::llround(clockSeconds));
    const long long day = ((total % 86400) + 86400) % 86400;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", day / 3600, day / 60 % 60, day % 60);
    return buf;
}

std::string utilityKpiCsv(const std::vector<UtilityKpi>& kpis, double clockStart) {
    std::ostringstream os;
    os << "time_s,clock,buildings_without_water,buildings_without_power,residents_without_water,"
          "residents_without_power,share_without_water,share_without_power,customer_minutes_water,"
          "customer_minutes_power,saidi_water_min,saidi_power_min,requested_m3,delivered_m3,unmet_m3,leak_m3,"
          "min_pressure_m,pumps_running,pumps_without_power,dark_signals,hospitals_on_backup,"
          "hospitals_without_power,dark_buses,tripped_branches,load_served_mw,load_lost_mw\n";
    for (const UtilityKpi& k : kpis) {
        os << num(k.time, 0) << ',' << clockString(clockStart + k.time) << ',' << k.buildingsWithoutWater
           << ',' << k.buildingsWithoutPower << ',' << num(k.residentsWithoutWater, 0) << ','
           << num(k.residentsWithoutPower, 0) << ',' << num(k.shareWithoutWater, 5) << ','
           << num(k.shareWithoutPower, 5) << ',' << num(k.customerMinutesWater, 1) << ','
           << num(k.customerMinutesPower, 1) << ',' << num(k.saidiWaterMin, 4) << ','
           << num(k.saidiPowerMin, 4) << ',' << num(k.requestedM3, 3) << ',' << num(k.deliveredM3, 3) << ','
           << num(k.unmetM3, 3) << ',' << num(k.leakM3, 3) << ',' << num(k.minPressureM, 2) << ','
           << k.pumpsRunning << ',' << k.pumpsWithoutPower << ',' << k.darkSignals << ','
           << k.hospitalsOnBackup << ',' << k.hospitalsWithoutPower << ',' << k.darkBuses << ','
           << k.trippedBranches << ',' << num(k.loadServedMW, 4) << ',' << num(k.loadLostMW, 4) << '\n';
    }
    return os.str();
}

std::string buildingServiceCsv(const CityModel& city, const UtilityModel& model,
                               const UtilitySimulation& sim) {
    std::ostringstream os;
    os << "building,name,use,residents,jobs,water_node,power_bus,water_demand_lps,peak_load_kw,"
          "minutes_without_water,minutes_without_power,has_water,has_power\n";
    const Buildings& b = city.buildings;
    for (std::size_t i = 0; i < b.count(); ++i) {
        const std::int32_t node = i < model.buildingWaterNode.size() ? model.buildingWaterNode[i] : -1;
        const std::int32_t bus = i < model.buildingPowerBus.size() ? model.buildingPowerBus[i] : -1;
        os << i << ',' << csvText(b.name[i]) << ',' << toString(b.use[i]) << ',' << b.residents[i] << ','
           << b.jobs[i] << ','
           << (node >= 0 ? csvText(model.water.nodeName[static_cast<std::size_t>(node)]) : "") << ','
           << (bus >= 0 ? csvText(model.busId[static_cast<std::size_t>(bus)]) : "") << ','
           << num(i < model.buildingWaterDemand.size() ? model.buildingWaterDemand[i] * 1000.0 : 0.0, 4)
           << ',' << num(i < model.buildingPeakLoadMW.size() ? model.buildingPeakLoadMW[i] * 1000.0 : 0.0, 2)
           << ',' << num(sim.buildingMinutesWithoutWater()[i], 1) << ','
           << num(sim.buildingMinutesWithoutPower()[i], 1) << ',' << int(sim.buildingHasWater()[i]) << ','
           << int(sim.buildingHasPower()[i]) << '\n';
    }
    return os.str();
}

std::string serviceChangesCsv(const std::vector<ServiceChange>& changes, double clockStart) {
    std::ostringstream os;
    os << "time_s,clock,building,service,available\n";
    for (const ServiceChange& c : changes) {
        os << num(c.time, 0) << ',' << clockString(clockStart + c.time) << ',' << c.building << ','
           << (c.water ? "water" : "power") << ',' << (c.available ? 1 : 0) << '\n';
    }
    return os.str();
}

std::string utilityLogCsv(const std::vector<UtilityLogEntry>& log, double clockStart) {
    std::ostringstream os;
    os << "time_s,clock,what\n";
    for (const UtilityLogEntry& e : log) {
        os << num(e.time, 0) << ',' << clockString(clockStart + e.time) << ',' << csvText(e.what) << '\n';
    }
    return os.str();
}

}  // namespace ct::utility
