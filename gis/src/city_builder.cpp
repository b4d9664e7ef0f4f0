#include "city_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

namespace ct::gis {

namespace {

// Building uses by OSM building=* value (OSM wiki "Key:building").
const std::map<std::string, BuildingUse, std::less<>>& buildingUses() {
    static const std::map<std::string, BuildingUse, std::less<>> kUses{
        {"residential", BuildingUse::Residential},
        {"house", BuildingUse::Residential},
        {"apartments", BuildingUse::Residential},
        {"detached", BuildingUse::Residential},
        {"semidetached_house", BuildingUse::Residential},
        {"terrace", BuildingUse::Residential},
        {"bungalow", BuildingUse::Residential},
        {"dormitory", BuildingUse::Residential},
        {"farm", BuildingUse::Residential},
        {"houseboat", BuildingUse::Residential},
        {"static_caravan", BuildingUse::Residential},
        {"cabin", BuildingUse::Residential},
        {"commercial", BuildingUse::Commercial},
        {"retail", BuildingUse::Commercial},
        {"office", BuildingUse::Commercial},
        {"supermarket", BuildingUse::Commercial},
        {"kiosk", BuildingUse::Commercial},
        {"hotel", BuildingUse::Commercial},
        {"mixed_use", BuildingUse::Commercial},
        {"industrial", BuildingUse::Industrial},
        {"warehouse", BuildingUse::Industrial},
        {"manufacture", BuildingUse::Industrial},
        {"factory", BuildingUse::Industrial},
        {"hangar", BuildingUse::Industrial},
        {"storage_tank", BuildingUse::Industrial},
        {"public", BuildingUse::Public},
        {"civic", BuildingUse::Public},
        {"government", BuildingUse::Public},
        {"school", BuildingUse::Public},
        {"university", BuildingUse::Public},
        {"college", BuildingUse::Public},
        {"kindergarten", BuildingUse::Public},
        {"hospital", BuildingUse::Public},
        {"church", BuildingUse::Public},
        {"cathedral", BuildingUse::Public},
        {"chapel", BuildingUse::Public},
        {"mosque", BuildingUse::Public},
        {"synagogue", BuildingUse::Public},
        {"temple", BuildingUse::Public},
        {"fire_station", BuildingUse::Public},
        {"police", BuildingUse::Public},
        {"train_station", BuildingUse::Public},
        {"transportation", BuildingUse::Public},
        {"sports_hall", BuildingUse::Public},
        {"stadium", BuildingUse::Public},
        {"townhall", BuildingUse::Public},
        {"garage", BuildingUse::Other},
        {"garages", BuildingUse::Other},
        {"shed", BuildingUse::Other},
        {"roof", BuildingUse::Other},
        {"hut", BuildingUse::Other},
        {"barn", BuildingUse::Other},
        {"carport", BuildingUse::Other},
        {"greenhouse", BuildingUse::Other},
        {"parking", BuildingUse::Other},
        {"service", BuildingUse::Other},
    };
    return kUses;
}

std::optional<FacilityKind> facilityKind(const Tags& t) {
    const std::string_view a = t.getOr("amenity", "");
    if (a == "fire_station") {
        return FacilityKind::FireStation;
    }
    if (a == "hospital") {
        return FacilityKind::Hospital;
    }
    if (a == "police") {
        return FacilityKind::Police;
    }
    if (a == "shelter" || t.getOr("emergency", "") == "assembly_point" ||
        t.getOr("social_facility", "") == "shelter") {
        return FacilityKind::Shelter;
    }
    if (a == "school") {
        return FacilityKind::School;
    }
    return std::nullopt;
}

std::optional<LandUseKind> landUseKind(const Tags& t) {
    const std::string_view lu = t.getOr("landuse", "");
    if (lu == "residential") {
        return LandUseKind::Residential;
    }
    if (lu == "commercial" || lu == "retail") {
        return LandUseKind::Commercial;
    }
    if (lu == "industrial") {
        return LandUseKind::Industrial;
    }
    if (lu == "grass" || lu == "recreation_ground" || lu == "village_green" ||
        t.getOr("leisure", "") == "park" || t.getOr("leisure", "") == "garden") {
        return LandUseKind::Park;
    }
    if (lu == "farmland" || lu == "meadow" || lu == "orchard" || lu == "vineyard" || lu == "farmyard") {
        return LandUseKind::Farmland;
    }
    if (lu == "forest" || t.getOr("natural", "") == "wood") {
        return LandUseKind::Forest;
    }
    if (t.getOr("natural", "") == "water" || t.getOr("waterway", "") == "riverbank" || lu == "reservoir" ||
        lu == "basin") {
        return LandUseKind::Water;
    }
    if (!lu.empty()) {
        return LandUseKind::Other;
    }
    return std::nullopt;
}

double defaultHeight(BuildingUse u) {
    switch (u) {
        case BuildingUse::Residential:
            return 6.0;
        case BuildingUse::Commercial:
            return 9.0;
        case BuildingUse::Industrial:
            return 8.0;
        case BuildingUse::Public:
            return 10.0;
        default:
            return 4.0;
    }
}

constexpr double kLevelHeight = 3.0;  // m per storey

}  // namespace

void CityBuilder::warn(const SourceFeature& f, std::string code, std::string message, std::string action) {
    Diagnostic d;
    d.severity = Severity::Warning;
    d.code = std::move(code);
    d.file = f.file;
    d.layer = f.layer;
    d.feature = f.id;
    d.message = std::move(message);
    d.action = std::move(action);
    m_report.add(std::move(d));
}

namespace {

UtilityFeature utilityFeature(const SourceFeature& f) {
    UtilityFeature u;
    u.file = f.file;
    u.layer = f.layer;
    u.sourceFeature = f.id;
    if (!f.parts.empty()) {
        u.points = f.parts.front();
    }
    u.attrs = f.tags.items();
    return u;
}

}  // namespace

void CityBuilder::addUtility(const SourceFeature& f, LayerRole role, LayerStats& stats) {
    const bool points = role == LayerRole::WaterNodes || role == LayerRole::PowerBuses;
    if (f.kind != (points ? GeomKind::Point : GeomKind::Line) || f.parts.empty()) {
        ++stats.skipped;
        warn(f, "geometry.wrong_type",
             std::string("a ") + toString(role) + " layer needs " + (points ? "point" : "line") +
                 " geometries",
             "skipped");
        return;
    }
    if (!points && f.parts.size() > 1) {
        warn(f, "utility.multipart", "a multi-part line: only its first part is used as the link's shape",
             "kept the first part");
    }
    std::vector<UtilityFeature>& out = role == LayerRole::WaterNodes   ? m_utilities.waterNodes
                                       : role == LayerRole::WaterLinks ? m_utilities.waterLinks
                                       : role == LayerRole::PowerBuses ? m_utilities.powerBuses
                                                                       : m_utilities.powerLines;
    out.push_back(utilityFeature(f));
    ++stats.utilities;
}

void CityBuilder::add(SourceFeature& f, LayerRole role, LayerStats& stats) {
    if (role == LayerRole::Auto) {
        role = utilityRoleOfLayer(f.layer);
    }
    if (role == LayerRole::WaterNodes || role == LayerRole::WaterLinks || role == LayerRole::PowerBuses ||
        role == LayerRole::PowerLines) {
        addUtility(f, role, stats);
        return;
    }
    // A role set by the mapping supplies the tag that makes a feature what the layer says it is.
    switch (role) {
        case LayerRole::Roads:
            if (!f.tags.has("highway")) {
                f.tags.set("highway", "unclassified");
            }
            break;
        case LayerRole::Buildings:
            if (!f.tags.has("building")) {
                f.tags.set("building", "yes");
            }
            break;
        case LayerRole::Signals:
            f.tags.set("highway", "traffic_signals");
            break;
        default:
            break;
    }
    const auto wrongGeometry = [&](const char* expected) {
        ++stats.skipped;
        warn(f, "geometry.wrong_type",
             std::string("a ") + toString(role) + " layer needs " + expected + " geometries", "skipped");
    };
    bool used = false;
    switch (f.kind) {
        case GeomKind::Line:
            if (role == LayerRole::Auto || role == LayerRole::Roads) {
                if (addRoad(f)) {
                    ++stats.roads;
                    used = true;
                }
            } else {
                wrongGeometry(role == LayerRole::Signals ? "point" : "polygon or point");
                return;
            }
            break;
        case GeomKind::Polygon:
            if (role == LayerRole::Roads || role == LayerRole::Signals) {
                wrongGeometry(role == LayerRole::Roads ? "line" : "point");
                return;
            }
            if ((role == LayerRole::Auto || role == LayerRole::Buildings) && addBuilding(f)) {
                ++stats.buildings;
                used = true;
            }
            if ((role == LayerRole::Auto || role == LayerRole::Facilities) && addFacility(f)) {
                ++stats.facilities;
                used = true;
            }
            if ((role == LayerRole::Auto || role == LayerRole::LandUse) && !used && addLandUse(f)) {
                ++stats.landUse;
                used = true;
            }
            break;
        case GeomKind::Point:
            if (role == LayerRole::Roads || role == LayerRole::Buildings || role == LayerRole::LandUse) {
                wrongGeometry(role == LayerRole::Roads ? "line" : "polygon");
                return;
            }
            if ((role == LayerRole::Auto || role == LayerRole::Signals) &&
                f.tags.getOr("highway", "") == "traffic_signals") {
                m_roads.addSignal(f.parts.front().front());
                if (f.tags.has("power_bus")) {
                    m_utilities.signalPoints.push_back(utilityFeature(f));
                }
                ++m_signals;
                ++stats.trafficSignals;
                used = true;
            } else if ((role == LayerRole::Auto || role == LayerRole::Facilities) && addFacility(f)) {
                ++stats.facilities;
                used = true;
            }
            break;
        case GeomKind::None:
            break;
    }
    if (!used) {
        // Either nothing CityTwin models (a footpath, a tree) or a bad item already reported.
        ++stats.ignored;
        if (role == LayerRole::Facilities) {
            warn(f, "facility.unknown_kind",
                 "amenity '" + std::string(f.tags.getOr("amenity", "")) +
                     "' is not a facility kind (fire_station, hospital, police, shelter, school)",
                 "skipped");
        }
    }
}

bool CityBuilder::addRoad(const SourceFeature& f) {
    const std::string_view highway = f.tags.getOr("highway", "");
    const auto cls = roadClassFromString(highway);
    if (!cls || f.tags.getOr("area", "") == "yes") {
        return false;  // footway, cycleway, path, construction...: not for cars
    }
    WayInput w;
    w.roadClass = *cls;
    w.name = std::string(f.tags.getOr("name", ""));
    w.sourceFeature = f.id;
    const std::string_view bridge = f.tags.getOr("bridge", "no");
    w.bridge = bridge != "no" && bridge != "false" && bridge != "0";

    // Direction: explicit oneway, else implied by roundabouts and motorways (OSM convention).
    const std::string_view junction = f.tags.getOr("junction", "");
    w.roundabout = junction == "roundabout" || junction == "circular";
    bool implied = w.roundabout || *cls == RoadClass::Motorway || *cls == RoadClass::MotorwayLink;
    WayInput::Oneway oneway = implied ? WayInput::Oneway::Forward : WayInput::Oneway::No;
    if (const auto ow = f.tags.get("oneway")) {
        switch (parseOneway(*ow)) {
            case OnewayValue::Forward:
                oneway = WayInput::Oneway::Forward;
                break;
            case OnewayValue::Backward:
                oneway = WayInput::Oneway::Backward;
                break;
            case OnewayValue::No:
                oneway = WayInput::Oneway::No;
                break;
            case OnewayValue::Unknown:
                warn(f, "road.oneway_value", "oneway='" + std::string(*ow) + "' is not yes, no or -1",
                     implied ? "kept the implied one-way" : "treated as two-way");
                break;
        }
    }
    w.oneway = oneway;

    // Lanes: OSM 'lanes' counts both directions of a two-way road.
    auto count = [&](std::string_view key) -> int {
        const auto v = f.tags.get(key);
        if (!v) {
            return 0;
        }
        const auto n = parseCount(*v);
        if (!n || *n == 0) {
            warn(f, "road.lanes_value", std::string(key) + "='" + std::string(*v) + "' is not a lane count",
                 "used the class default");
            return 0;
        }
        return *n;
    };
    const int lanes = count("lanes");
    int fwd = count("lanes:forward"), bwd = count("lanes:backward");
    if (oneway != WayInput::Oneway::No) {
        const int n = lanes > 0 ? lanes : (oneway == WayInput::Oneway::Forward ? fwd : bwd);
        fwd = bwd = n;
    } else if (lanes > 0) {
        if (fwd == 0 && bwd == 0) {
            fwd = std::max(1, (lanes + 1) / 2);
            bwd = std::max(1, lanes / 2);
        } else if (fwd == 0) {
            fwd = std::max(1, lanes - bwd);
        } else if (bwd == 0) {
            bwd = std::max(1, lanes - fwd);
        }
    }
    w.lanesForward = fwd;
    w.lanesBackward = bwd;

    if (const auto ms = f.tags.get("maxspeed")) {
        if (const auto v = parseSpeedMps(*ms)) {
            w.speedMps = *v;
        } else if (*ms != "none" && *ms != "signals" && *ms != "variable" &&
                   ms->find(':') == std::string_view::npos) {
            warn(f, "road.maxspeed_value", "maxspeed='" + std::string(*ms) + "' is not a speed",
                 "used the class default");
        }
    }

    bool any = false;
    for (const auto& part : f.parts) {
        if (part.size() < 2 || polylineLength(part) < 0.01) {
            warn(f, "geometry.degenerate_line", "a road line has fewer than two distinct points", "skipped");
            continue;
        }
        WayInput piece = w;
        piece.points = part;
        m_roads.addWay(std::move(piece));
        any = true;
    }
    return any;
}

bool CityBuilder::addBuilding(const SourceFeature& f) {
    const auto b = f.tags.get("building");
    if (!b || *b == "no") {
        return false;
    }
    PendingBuilding pb;
    pb.id = f.id;
    pb.name = std::string(f.tags.getOr("name", ""));
    pb.waterNode = std::string(f.tags.getOr("water_node", ""));
    pb.powerBus = std::string(f.tags.getOr("power_bus", ""));
    const auto& uses = buildingUses();
    if (const auto it = uses.find(*b); it != uses.end()) {
        pb.use = it->second;
        pb.useKnown = true;
    } else if (f.tags.has("shop") || f.tags.has("office")) {
        pb.use = BuildingUse::Commercial;
        pb.useKnown = true;
    } else if (f.tags.has("amenity")) {
        pb.use = BuildingUse::Public;
        pb.useKnown = true;
    }

    if (const auto h = f.tags.get("height")) {
        const auto v = parseLengthM(*h);
        if (v && *v > 0.0 && *v < 1000.0) {
            pb.height = *v;
            pb.heightSource = HeightSource::Explicit;
        } else {
            warn(f, "building.height_value",
                 "height='" + std::string(*h) + "' is not a plausible height in m",
                 "used building:levels or the default height");
        }
    }
    if (const auto l = f.tags.get("building:levels")) {
        const auto v = parseCount(*l);
        if (v && *v > 0 && *v < 300) {
            pb.levels = *v;
            if (pb.heightSource == HeightSource::Default) {
                pb.height = *v * kLevelHeight;
                pb.heightSource = HeightSource::Levels;
            }
        } else {
            warn(f, "building.levels_value",
                 "building:levels='" + std::string(*l) + "' is not a storey count", "ignored");
        }
    }
    if (const auto r = f.tags.get("residents")) {
        if (const auto v = parseCount(*r)) {
            pb.residents = *v;
        }
    }
    if (const auto j = f.tags.get("jobs")) {
        if (const auto v = parseCount(*j)) {
            pb.jobs = *v;
        }
    }

    bool any = false;
    for (std::size_t partIndex = 0; partIndex < f.parts.size(); ++partIndex) {
        const auto& ring = f.parts[partIndex];
        const double a = signedArea(ring);
        if (ring.size() < 3 || std::abs(a) < 1.0) {
            warn(f, "geometry.degenerate_polygon", "a building footprint has less than 1 m^2 of area",
                 "skipped");
            continue;
        }
        PendingBuilding part = pb;
        part.ring = ring;
        part.holeArea = partIndex < f.holeArea.size() ? f.holeArea[partIndex] : 0.0;
        if (a < 0.0) {
            std::reverse(part.ring.begin(), part.ring.end());  // counter-clockwise, as the model promises
        }
        m_buildings.push_back(std::move(part));
        any = true;
    }
    return any;
}

bool CityBuilder::addFacility(const SourceFeature& f) {
    const auto kind = facilityKind(f.tags);
    if (!kind) {
        return false;
    }
    Vec2 pos = f.parts.front().front();
    if (f.kind == GeomKind::Polygon) {
        // The centroid of the largest part.
        const auto& biggest = *std::max_element(
            f.parts.begin(), f.parts.end(),
            [](const auto& a, const auto& b) { return std::abs(signedArea(a)) < std::abs(signedArea(b)); });
        pos = ringCentroid(biggest);
    }
    float backup = std::numeric_limits<float>::quiet_NaN();
    if (const auto text = f.tags.get("backup_hours"); text && !text->empty()) {
        char* end = nullptr;
        const std::string t(*text);
        const double h = std::strtod(t.c_str(), &end);
        if (end == t.c_str() || *end != '\0' || !(h >= 0.0) || !std::isfinite(h)) {
            warn(f, "facility.bad_backup_hours", "backup_hours='" + t + "' is not a number of hours >= 0",
                 "no backup power assumed");
        } else {
            backup = static_cast<float>(h);
        }
    }
    m_facilities.push_back({*kind, std::string(f.tags.getOr("name", "")), pos, f.id, backup});
    return true;
}

bool CityBuilder::addLandUse(const SourceFeature& f) {
    const auto kind = landUseKind(f.tags);
    if (!kind) {
        return false;
    }
    for (const auto& ring : f.parts) {
        if (ring.size() < 3) {
            continue;
        }
        m_landUse.ringPoints.insert(m_landUse.ringPoints.end(), ring.begin(), ring.end());
        m_landUse.ringOffset.push_back(static_cast<std::uint32_t>(m_landUse.ringPoints.size()));
        m_landUse.kind.push_back(*kind);
        m_landUse.area.push_back(static_cast<float>(std::abs(signedArea(ring))));
    }
    return true;
}

CityModel CityBuilder::build() {
    CityModel city;
    std::size_t unmatched = 0, unmatchedRestrictions = 0;
    city.roads = m_roads.build(&unmatched, &unmatchedRestrictions);
    if (m_restrictions > 0) {
        Diagnostic d;
        d.severity = unmatchedRestrictions > 0 ? Severity::Warning : Severity::Info;
        d.code = "osm.restrictions";
        d.file = m_restrictionFile;
        d.message =
            std::to_string(m_restrictions - unmatchedRestrictions) + " of " + std::to_string(m_restrictions) +
            " turn restrictions applied" +
            (unmatchedRestrictions > 0 ? "; the others name ways or a via node not among the roads loaded"
                                       : std::string());
        d.action = unmatchedRestrictions > 0 ? "those ignored" : "applied";
        m_report.add(std::move(d));
    }
    if (unmatched > 0) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.code = "signal.no_intersection";
        d.message = std::to_string(unmatched) + " of " + std::to_string(m_signals) +
                    " traffic signals are more than 30 m from any intersection";
        d.action = "ignored";
        m_report.add(std::move(d));
    }
    city.landUse = std::move(m_landUse);

    // Land-use boxes, to infer the use of buildings tagged only building=yes.
    std::vector<Box2> luBox(city.landUse.count());
    for (std::size_t i = 0; i < luBox.size(); ++i) {
        for (const Vec2& p : city.landUse.ring(i)) {
            luBox[i].add(p);
        }
    }
    auto inferUse = [&](Vec2 c, double area) {
        for (std::size_t i = 0; i < luBox.size(); ++i) {
            const Box2& b = luBox[i];
            if (c.x < b.min.x || c.x > b.max.x || c.y < b.min.y || c.y > b.max.y ||
                !pointInRing(c, city.landUse.ring(i))) {
                continue;
            }
            switch (city.landUse.kind[i]) {
                case LandUseKind::Residential:
                    return BuildingUse::Residential;
                case LandUseKind::Commercial:
                    return BuildingUse::Commercial;
                case LandUseKind::Industrial:
                    return BuildingUse::Industrial;
                default:
                    break;
            }
        }
        // Most untagged buildings of a town are homes; small ones are sheds and garages.
        return area >= 40.0 ? BuildingUse::Residential : BuildingUse::Other;
    };

    Buildings& out = city.buildings;
    for (PendingBuilding& pb : m_buildings) {
        // Courtyards are not floor area.
        const double area = std::max(1.0, signedArea(pb.ring) - pb.holeArea);
        const Vec2 c = ringCentroid(pb.ring);
        if (!pb.useKnown) {
            pb.use = inferUse(c, area);
        }
        if (pb.heightSource == HeightSource::Default) {
            pb.height = defaultHeight(pb.use);
        }
        const int levels =
            pb.levels > 0 ? pb.levels : std::max(1, static_cast<int>(std::lround(pb.height / kLevelHeight)));
        // Occupants from floor area when the data does not give them (docs/data-schema.md).
        const double floor = area * levels;
        long residents = pb.residents, jobs = pb.jobs;
        if (residents < 0) {
            residents = pb.use == BuildingUse::Residential ? std::lround(floor / 40.0) : 0;
        }
        if (jobs < 0) {
            const double perJob = pb.use == BuildingUse::Commercial   ? 25.0
                                  : pb.use == BuildingUse::Industrial ? 60.0
                                  : pb.use == BuildingUse::Public     ? 40.0
                                                                      : 0.0;
            jobs = perJob > 0.0 ? std::lround(floor / perJob) : 0;
        }
        out.ringPoints.insert(out.ringPoints.end(), pb.ring.begin(), pb.ring.end());
        out.ringOffset.push_back(static_cast<std::uint32_t>(out.ringPoints.size()));
        out.centroid.push_back(c);
        out.area.push_back(static_cast<float>(area));
        out.height.push_back(static_cast<float>(pb.height));
        out.heightSource.push_back(pb.heightSource);
        out.levels.push_back(static_cast<std::uint8_t>(std::min(levels, 255)));
        out.use.push_back(pb.use);
        out.residents.push_back(static_cast<std::uint32_t>(residents));
        out.jobs.push_back(static_cast<std::uint32_t>(jobs));
        out.name.push_back(std::move(pb.name));
        out.sourceFeature.push_back(pb.id);
        out.waterNode.push_back(std::move(pb.waterNode));
        out.powerBus.push_back(std::move(pb.powerBus));
    }

    // Facilities mapped twice (a node and an area for the same hospital) are kept once.
    for (std::size_t i = 0; i < m_facilities.size(); ++i) {
        const PendingFacility& f = m_facilities[i];
        bool duplicate = false;
        for (std::size_t j = 0; j < i && !duplicate; ++j) {
            const PendingFacility& g = m_facilities[j];
            const double d = distance(f.pos, g.pos);
            duplicate = f.kind == g.kind && (d < 30.0 || (!f.name.empty() && f.name == g.name && d < 300.0));
        }
        if (duplicate) {
            continue;
        }
        city.facilities.kind.push_back(f.kind);
        city.facilities.name.push_back(f.name);
        city.facilities.position.push_back(f.pos);
        city.facilities.sourceFeature.push_back(f.id);
        city.facilities.backupHours.push_back(f.backupHours);
    }
    city.utilities = std::move(m_utilities);
    return city;
}

}  // namespace ct::gis
