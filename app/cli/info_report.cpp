#include "info_report.h"

#include <map>

#include <cstdio>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "citytwin/sim/city_summary.h"
#include "citytwin/sim/version.h"

namespace ct::cli {

namespace {

/// Features of a utility layer counted by their `kind` field, e.g. "1168 junction, 2 tank".
std::map<std::string, int> countKinds(const std::vector<UtilityFeature>& fs) {
    std::map<std::string, int> out;
    for (const UtilityFeature& f : fs) {
        ++out[f.attr("kind").empty() ? std::string("?") : std::string(f.attr("kind"))];
    }
    return out;
}

double lineKm(const std::vector<UtilityFeature>& fs) {
    double m = 0;
    for (const UtilityFeature& f : fs) {
        for (std::size_t i = 1; i < f.points.size(); ++i) {
            m += distance(f.points[i - 1], f.points[i]);
        }
    }
    return m / 1000.0;
}

std::string kindsText(const std::map<std::string, int>& k) {
    std::string out;
    for (const auto& [kind, n] : k) {
        out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    }
    return out;
}

std::string fixed(double v, int decimals) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(decimals) << v;
    return os.str();
}

std::string pct(double share) {
    return fixed(100.0 * share, 1) + " %";
}

void row(std::ostringstream& os, const std::string& label, const std::string& value) {
    os << "  " << std::left << std::setw(26) << label << value << '\n';
}

}  // namespace

std::string infoText(const gis::LoadResult& result, const gis::LoadOptions& options) {
    std::ostringstream os;
    os << "CityTwin " << kVersion << " - city info\n";
    os << "Sources: ";
    for (std::size_t i = 0; i < options.vectorSources.size(); ++i) {
        os << (i ? ", " : "") << options.vectorSources[i];
    }
    if (!options.demPath.empty()) {
        os << " (terrain " << options.demPath << ")";
    }
    os << '\n';
    if (result.city) {
        const CityModel& c = *result.city;
        const CitySummary s = summarize(c);
        os << "\nFrame\n";
        row(os, "CRS", c.meta.crsName + (c.meta.epsg ? " (EPSG:" + std::to_string(c.meta.epsg) + ")" : ""));
        row(os, "origin",
            "E " + fixed(c.meta.originEasting, 1) + "  N " + fixed(c.meta.originNorthing, 1) + "  (lon " +
                fixed(c.meta.originLonDeg, 5) + ", lat " + fixed(c.meta.originLatDeg, 5) + ")");
        row(os, "extent",
            fixed(c.extent.width() / 1000.0, 2) + " km x " + fixed(c.extent.height() / 1000.0, 2) +
                " km  (x " + fixed(c.extent.min.x, 0) + ".." + fixed(c.extent.max.x, 0) + " m, y " +
                fixed(c.extent.min.y, 0) + ".." + fixed(c.extent.max.y, 0) + " m)");
        os << "\nRoad network\n";
        row(os, "nodes", std::to_string(s.nodes));
        row(os, "intersections",
            std::to_string(s.intersections) + "  (signalised " + std::to_string(s.signalisedIntersections) +
                ", on roundabouts " + std::to_string(s.roundaboutNodes) + ")");
        row(os, "directed links",
            std::to_string(s.links) + "  (one-way " + std::to_string(s.onewayLinks) + ", on bridges " +
                std::to_string(s.bridgeLinks) + ")");
        row(os, "turn connections", std::to_string(s.turnConnections));
        row(os, "drivable road length", fixed(s.roadKm, 1) + " km");
        row(os, "lane length", fixed(s.laneKm, 1) + " lane-km");
        for (int k = 0; k < kRoadClassCount; ++k) {
            if (s.roadKmByClass[k] > 0.0) {
                row(os, "  " + std::string(toString(static_cast<RoadClass>(k))),
                    fixed(s.roadKmByClass[k], 1) + " km");
            }
        }
        row(os, "strongly connected",
            pct(s.mainComponentLinkShare) + " of links, " + pct(s.mainComponentLengthShare) + " of length (" +
                std::to_string(s.linksOutsideMain) + " links outside, flagged)");
        os << "\nBuildings\n";
        row(os, "buildings", std::to_string(s.buildings));
        row(os, "height from data",
            std::to_string(s.buildingsExplicitHeight) + " explicit, " +
                std::to_string(s.buildingsFromLevels) + " from levels, " +
                std::to_string(s.buildingsDefaultHeight) + " default by use");
        for (int u = 0; u < static_cast<int>(BuildingUse::Count); ++u) {
            row(os, "  " + std::string(toString(static_cast<BuildingUse>(u))),
                std::to_string(s.buildingsByUse[u]));
        }
        row(os, "footprint", fixed(s.buildingFootprintKm2, 3) + " km^2");
        row(os, "residents / jobs", std::to_string(s.residents) + " / " + std::to_string(s.jobs));
        row(os, "without road access", std::to_string(s.buildingsWithoutAccess));
        os << "\nFacilities\n";
        for (int k = 0; k < static_cast<int>(FacilityKind::Count); ++k) {
            row(os, toString(static_cast<FacilityKind>(k)), std::to_string(s.facilitiesByKind[k]));
        }
        os << "\nLand use polygons          " << s.landUsePolygons << '\n';
        const UtilityLayers& u = c.utilities;
        if (u.hasWater()) {
            os << "Water network              " << u.waterNodes.size() << " nodes ("
               << kindsText(countKinds(u.waterNodes)) << "), " << u.waterLinks.size() << " links ("
               << kindsText(countKinds(u.waterLinks)) << "), " << fixed(lineKm(u.waterLinks), 1) << " km\n";
        }
        if (u.hasPower()) {
            os << "Power network              " << u.powerBuses.size() << " buses ("
               << kindsText(countKinds(u.powerBuses)) << "), " << u.powerLines.size() << " branches ("
               << kindsText(countKinds(u.powerLines)) << "), " << fixed(lineKm(u.powerLines), 1) << " km\n";
        }
        if (s.hasTerrain) {
            os << "Terrain                    " << c.terrain.width << " x " << c.terrain.height
               << " cells of " << fixed(c.terrain.cellSize, 1) << " m, elevation " << fixed(s.terrainMin, 1)
               << ".." << fixed(s.terrainMax, 1) << " m\n";
        } else {
            os << "Terrain                    none (pass --dem FILE)\n";
        }
    }
    if (!result.layers.empty()) {
        os << "\nLayers (features read -> roads / buildings / facilities / signals / land use / utility / "
              "ignored / skipped)\n";
        for (const gis::LayerStats& l : result.layers) {
            os << "  " << std::left << std::setw(22) << l.layer << std::right << std::setw(8) << l.features
               << " -> " << l.roads << " / " << l.buildings << " / " << l.facilities << " / "
               << l.trafficSignals << " / " << l.landUse << " / " << l.utilities << " / " << l.ignored
               << " / " << l.skipped << "   [" << l.role << "]\n";
        }
    }
    os << "\nLoad time                  " << fixed(result.seconds, 2) << " s\n";
    os << "Diagnostics                " << result.report.errorCount() << " errors, "
       << result.report.warningCount() << " warnings\n";
    const std::string summary = result.report.summary();
    if (!summary.empty()) {
        std::istringstream lines(summary);
        for (std::string line; std::getline(lines, line);) {
            os << "  " << line << '\n';
        }
    }
    if (!result.city) {
        os << "The city was not loaded.\n";
    }
    return os.str();
}

std::string infoJson(const gis::LoadResult& result, const gis::LoadOptions& options) {
    using nlohmann::json;
    json j;
    j["version"] = kVersion;
    j["ok"] = result.city.has_value();
    j["sources"] = options.vectorSources;
    j["dem"] = options.demPath;
    j["load_seconds"] = result.seconds;
    if (result.city) {
        const CityModel& c = *result.city;
        const CitySummary s = summarize(c);
        j["crs"] = {{"name", c.meta.crsName}, {"epsg", c.meta.epsg}, {"wkt", c.meta.crsWkt}};
        j["origin"] = {{"easting_m", c.meta.originEasting},
                       {"northing_m", c.meta.originNorthing},
                       {"lon_deg", c.meta.originLonDeg},
                       {"lat_deg", c.meta.originLatDeg}};
        j["extent_m"] = {{"min_x", c.extent.min.x},   {"min_y", c.extent.min.y},
                         {"max_x", c.extent.max.x},   {"max_y", c.extent.max.y},
                         {"width", c.extent.width()}, {"height", c.extent.height()}};
        json byClass = json::object();
        for (int k = 0; k < kRoadClassCount; ++k) {
            if (s.roadKmByClass[k] > 0.0) {
                byClass[std::string(toString(static_cast<RoadClass>(k)))] = s.roadKmByClass[k];
            }
        }
        j["roads"] = {{"nodes", s.nodes},
                      {"intersections", s.intersections},
                      {"signalised_intersections", s.signalisedIntersections},
                      {"roundabout_nodes", s.roundaboutNodes},
                      {"links", s.links},
                      {"oneway_links", s.onewayLinks},
                      {"bridge_links", s.bridgeLinks},
                      {"turn_connections", s.turnConnections},
                      {"road_km", s.roadKm},
                      {"lane_km", s.laneKm},
                      {"road_km_by_class", byClass},
                      {"strongly_connected_link_share", s.mainComponentLinkShare},
                      {"strongly_connected_length_share", s.mainComponentLengthShare},
                      {"links_outside_main_component", s.linksOutsideMain}};
        json byUse = json::object();
        for (int u = 0; u < static_cast<int>(BuildingUse::Count); ++u) {
            byUse[toString(static_cast<BuildingUse>(u))] = s.buildingsByUse[u];
        }
        j["buildings"] = {{"count", s.buildings},
                          {"explicit_height", s.buildingsExplicitHeight},
                          {"height_from_levels", s.buildingsFromLevels},
                          {"default_height", s.buildingsDefaultHeight},
                          {"by_use", byUse},
                          {"footprint_km2", s.buildingFootprintKm2},
                          {"residents", s.residents},
                          {"jobs", s.jobs},
                          {"without_road_access", s.buildingsWithoutAccess}};
        json fac = json::object();
        for (int k = 0; k < static_cast<int>(FacilityKind::Count); ++k) {
            fac[toString(static_cast<FacilityKind>(k))] = s.facilitiesByKind[k];
        }
        j["facilities"] = fac;
        j["landuse_polygons"] = s.landUsePolygons;
        const UtilityLayers& u = c.utilities;
        j["water_network"] = u.hasWater() ? json{{"nodes", countKinds(u.waterNodes)},
                                                 {"links", countKinds(u.waterLinks)},
                                                 {"km", lineKm(u.waterLinks)}}
                                          : json(nullptr);
        j["power_network"] = u.hasPower() ? json{{"buses", countKinds(u.powerBuses)},
                                                 {"branches", countKinds(u.powerLines)},
                                                 {"km", lineKm(u.powerLines)}}
                                          : json(nullptr);
        if (s.hasTerrain) {
            j["terrain"] = {{"width", c.terrain.width},
                            {"height", c.terrain.height},
                            {"cell_size_m", c.terrain.cellSize},
                            {"min_m", s.terrainMin},
                            {"max_m", s.terrainMax}};
        } else {
            j["terrain"] = nullptr;
        }
    }
    json layers = json::array();
    for (const gis::LayerStats& l : result.layers) {
        layers.push_back({{"file", l.file},
                          {"layer", l.layer},
                          {"role", l.role},
                          {"features", l.features},
                          {"roads", l.roads},
                          {"buildings", l.buildings},
                          {"facilities", l.facilities},
                          {"signals", l.trafficSignals},
                          {"landuse", l.landUse},
                          {"utility", l.utilities},
                          {"ignored", l.ignored},
                          {"skipped", l.skipped}});
    }
    j["layers"] = layers;
    json diags = json::array();
    for (const Diagnostic& d : result.report.items()) {
        diags.push_back({{"severity", toString(d.severity)},
                         {"code", d.code},
                         {"file", d.file},
                         {"layer", d.layer},
                         {"feature", d.feature},
                         {"line", d.line},
                         {"message", d.message},
                         {"action", d.action}});
    }
    json codes = json::object();
    for (const auto& [code, n] : result.report.countsByCode()) {
        codes[code] = n;
    }
    j["diagnostics"] = {{"errors", result.report.errorCount()},
                        {"warnings", result.report.warningCount()},
                        {"by_code", codes},
                        {"items", diags}};
    return j.dump(2);
}

}  // namespace ct::cli
