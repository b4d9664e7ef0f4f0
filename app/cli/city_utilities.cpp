#include "city_utilities.h"

#include <cmath>

#include "citytwin/gis/city_loader.h"
#include "citytwin/utility/utility_model.h"
#include "power_command.h"
#include "water_command.h"

namespace ct::cli {

namespace {

/// The city's utility model, or nullopt with the reasons in `report`.
std::optional<utility::UtilityModel> loadModel(const std::string& source, const std::string& assetsDir,
                                               DiagnosticReport& report) {
    gis::LoadOptions o;
    if (source == "sample") {
        o = gis::sampleCityOptions(assetsDir);
    } else {
        o.vectorSources = {source};
    }
    gis::LoadResult r = gis::loadCity(o);
    report.append(r.report);
    if (!r.city) {
        return std::nullopt;
    }
    utility::UtilityModel m = utility::buildUtilityModel(*r.city, {}, 0.0, report);
    return m;
}

}  // namespace

void installCityUtilityLoaders(const std::string& assetsDir) {
    setCityWaterLoader([assetsDir](const std::string& source,
                                   DiagnosticReport& report) -> std::optional<water::WaterNetwork> {
        auto m = loadModel(source, assetsDir, report);
        if (!m) {
            return std::nullopt;
        }
        if (!m->hasWater) {
            report.error("water.no_network", source,
                         "the city has no usable water network (layers water_nodes and water_links)");
            return std::nullopt;
        }
        water::WaterNetwork net = std::move(m->water);
        net.times.duration = 24 * 3600;
        net.times.hydraulicStep = 3600;
        net.times.reportStep = 3600;
        return net;
    });
    setCityPowerLoader([assetsDir](const std::string& source,
                                   DiagnosticReport& report) -> std::optional<power::PowerNetwork> {
        auto m = loadModel(source, assetsDir, report);
        if (!m) {
            return std::nullopt;
        }
        if (!m->hasPower) {
            report.error("power.no_network", source,
                         "the city has no usable power network (layers power_buses and power_lines)");
            return std::nullopt;
        }
        power::PowerNetwork net = std::move(m->power);
        const double tanPhi = std::tan(std::acos(m->options.powerFactor));
        for (std::size_t b = 0; b < net.buses.size(); ++b) {
            net.buses[b].pdMW = m->busPeakLoadMW[b];
        }
        for (const utility::PumpFeed& p : m->pumps) {
            if (p.bus >= 0) {
                net.buses[static_cast<std::size_t>(p.bus)].pdMW += p.designPowerMW;
            }
        }
        for (power::PowerBus& b : net.buses) {
            b.qdMVAr = b.pdMW * tanPhi;
        }
        net.name = source == "sample" ? "sample city" : net.name;
        return net;
    });
}

}  // namespace ct::cli
