#include "citytwin/sim/road_class.h"

#include <array>

namespace ct {

namespace {
struct ClassInfo {
    std::string_view name;
    RoadClassDefaults defaults;
};

constexpr double kmh(double v) {
    return v / 3.6;
}

// Defaults after common OSM practice in Europe (OSM wiki "Default speed limits"); see
// docs/data-schema.md. Rank orders right of way at unsignalised junctions.
constexpr std::array<ClassInfo, kRoadClassCount> kClasses{{
    {"motorway", {kmh(120), 2, 13}},
    {"motorway_link", {kmh(60), 1, 12}},
    {"trunk", {kmh(100), 2, 11}},
    {"trunk_link", {kmh(50), 1, 10}},
    {"primary", {kmh(60), 2, 9}},
    {"primary_link", {kmh(50), 1, 8}},
    {"secondary", {kmh(50), 1, 7}},
    {"secondary_link", {kmh(40), 1, 6}},
    {"tertiary", {kmh(50), 1, 5}},
    {"tertiary_link", {kmh(40), 1, 4}},
    {"unclassified", {kmh(30), 1, 3}},
    {"residential", {kmh(30), 1, 2}},
    {"living_street", {kmh(10), 1, 1}},
    {"service", {kmh(20), 1, 0}},
}};
}  // namespace

std::string_view toString(RoadClass c) {
    return kClasses[static_cast<std::size_t>(c)].name;
}

std::optional<RoadClass> roadClassFromString(std::string_view highway) {
    for (std::size_t i = 0; i < kClasses.size(); ++i) {
        if (kClasses[i].name == highway) {
            return static_cast<RoadClass>(i);
        }
    }
    if (highway == "road") {
        return RoadClass::Unclassified;  // OSM "road": class unknown, treat as unclassified
    }
    return std::nullopt;
}

RoadClassDefaults defaults(RoadClass c) {
    return kClasses[static_cast<std::size_t>(c)].defaults;
}

}  // namespace ct
