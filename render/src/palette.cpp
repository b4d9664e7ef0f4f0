#include "citytwin/render/palette.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ct::render {

namespace {

Rgb mix(Rgb a, Rgb b, float t) {
    return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

}  // namespace

Rgb buildingColor(BuildingUse use) {
    // Distinct hues, so a use stays recognisable under any lighting.
    switch (use) {
        case BuildingUse::Residential:
            return {0.86f, 0.50f, 0.36f};  // terracotta
        case BuildingUse::Commercial:
            return {0.38f, 0.55f, 0.86f};  // blue
        case BuildingUse::Industrial:
            return {0.62f, 0.52f, 0.70f};  // mauve
        case BuildingUse::Public:
            return {0.92f, 0.80f, 0.30f};  // ochre
        case BuildingUse::Other:
        case BuildingUse::Count:
            break;
    }
    return {0.78f, 0.77f, 0.74f};  // light grey
}

Rgb roadColor(RoadClass roadClass) {
    switch (roadClass) {
        case RoadClass::Motorway:
        case RoadClass::MotorwayLink:
            return {0.88f, 0.56f, 0.62f};
        case RoadClass::Trunk:
        case RoadClass::TrunkLink:
            return {0.95f, 0.72f, 0.58f};
        case RoadClass::Primary:
        case RoadClass::PrimaryLink:
            return {0.97f, 0.86f, 0.58f};
        case RoadClass::Secondary:
        case RoadClass::SecondaryLink:
            return {0.95f, 0.95f, 0.70f};
        case RoadClass::Tertiary:
        case RoadClass::TertiaryLink:
            return {0.96f, 0.96f, 0.94f};
        case RoadClass::Service:
            return {0.80f, 0.80f, 0.80f};
        case RoadClass::Unclassified:
        case RoadClass::Residential:
        case RoadClass::LivingStreet:
        case RoadClass::Count:
            break;
    }
    return {0.90f, 0.90f, 0.90f};
}

Rgb landUseColor(LandUseKind kind) {
    switch (kind) {
        case LandUseKind::Residential:
            return {0.80f, 0.78f, 0.72f};
        case LandUseKind::Commercial:
            return {0.80f, 0.76f, 0.80f};
        case LandUseKind::Industrial:
            return {0.76f, 0.74f, 0.78f};
        case LandUseKind::Park:
            return {0.52f, 0.76f, 0.44f};
        case LandUseKind::Farmland:
            return {0.86f, 0.84f, 0.58f};
        case LandUseKind::Forest:
            return {0.28f, 0.52f, 0.30f};
        case LandUseKind::Water:
            return {0.26f, 0.52f, 0.82f};
        case LandUseKind::Other:
        case LandUseKind::Count:
            break;
    }
    return {0.74f, 0.76f, 0.66f};
}

Rgb facilityColor(FacilityKind kind) {
    switch (kind) {
        case FacilityKind::FireStation:
            return {0.95f, 0.16f, 0.10f};
        case FacilityKind::Hospital:
            return {0.10f, 0.75f, 0.35f};
        case FacilityKind::Police:
            return {0.12f, 0.25f, 0.92f};
        case FacilityKind::Shelter:
            return {1.00f, 0.62f, 0.05f};
        case FacilityKind::School:
            return {0.70f, 0.25f, 0.85f};
        case FacilityKind::Count:
            break;
    }
    return {1.0f, 1.0f, 1.0f};
}

Rgb terrainColor(float t) {
    // A hypsometric ramp: meadow green in the valley, dry grass, then rock at the top.
    static constexpr std::array<Rgb, 4> kStops{{
        {0.47f, 0.64f, 0.36f},
        {0.62f, 0.70f, 0.42f},
        {0.74f, 0.70f, 0.50f},
        {0.66f, 0.62f, 0.56f},
    }};
    const float s = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(kStops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(s), kStops.size() - 2);
    return mix(kStops[i], kStops[i + 1], s - static_cast<float>(i));
}

Rgb groundColor() {
    return {0.55f, 0.68f, 0.40f};
}

Rgb skyColor() {
    return {0.70f, 0.80f, 0.91f};
}

Rgb vehicleColor(traffic::VehicleClass vclass) {
    // Hues that none of the roads, roofs, terrain or speed colours use.
    switch (vclass) {
        case traffic::VehicleClass::Car:
            return {0.85f, 0.05f, 0.70f};  // magenta
        case traffic::VehicleClass::Bus:
            return {0.00f, 0.75f, 0.90f};  // cyan
        case traffic::VehicleClass::Truck:
            return {0.22f, 0.22f, 0.30f};  // charcoal
        case traffic::VehicleClass::Emergency:
            return {1.00f, 0.05f, 0.05f};  // red
        case traffic::VehicleClass::Count:
            break;
    }
    return {0.2f, 0.2f, 0.2f};
}

Rgb speedRatioColor(double ratio) {
    if (!std::isfinite(ratio) || ratio < 0.0) {
        return noDataColor();
    }
    // Traffic-map colours: standing red, slow orange, yellow, free-flowing green.
    static constexpr std::array<Rgb, 4> kStops{{
        {0.80f, 0.05f, 0.05f},
        {0.98f, 0.45f, 0.05f},
        {0.98f, 0.85f, 0.10f},
        {0.15f, 0.72f, 0.20f},
    }};
    const float s =
        std::clamp(static_cast<float>(ratio) / 0.8f, 0.0f, 1.0f) * static_cast<float>(kStops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(s), kStops.size() - 2);
    return mix(kStops[i], kStops[i + 1], s - static_cast<float>(i));
}

Rgb noDataColor() {
    return {0.80f, 0.80f, 0.80f};
}

namespace {

/// The traffic-map ramp (free green, yellow, orange, standing red) at t in [0,1].
Rgb trafficRamp(double t) {
    static constexpr std::array<Rgb, 4> kStops{{
        {0.15f, 0.72f, 0.20f},
        {0.98f, 0.85f, 0.10f},
        {0.98f, 0.45f, 0.05f},
        {0.80f, 0.05f, 0.05f},
    }};
    const float s = std::clamp(static_cast<float>(t), 0.0f, 1.0f) * static_cast<float>(kStops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(s), kStops.size() - 2);
    return mix(kStops[i], kStops[i + 1], s - static_cast<float>(i));
}

/// Piecewise linear position of v between breakpoints, mapped to [0,1] in equal steps.
double between(double v, double a, double b, double c, double d) {
    if (v <= a) {
        return 0.0;
    }
    if (v <= b) {
        return (v - a) / (b - a) / 3.0;
    }
    if (v <= c) {
        return (1.0 + (v - b) / (c - b)) / 3.0;
    }
    if (v <= d) {
        return (2.0 + (v - c) / (d - c)) / 3.0;
    }
    return 1.0;
}

}  // namespace

Rgb delayIndexColor(double index) {
    if (!std::isfinite(index)) {
        return noDataColor();
    }
    return trafficRamp(between(index, 1.0, 1.5, 2.0, 3.0));
}

Rgb densityColor(double vehPerKmLane) {
    if (!std::isfinite(vehPerKmLane) || vehPerKmLane < 0.0) {
        return noDataColor();
    }
    return trafficRamp(between(vehPerKmLane, 0.0, 20.0, 40.0, 70.0));
}

Rgb closedColor() {
    return {0.86f, 0.08f, 0.12f};
}

Rgb routeColor() {
    return {0.0f, 0.85f, 1.0f};
}

Rgb routeDrivenColor() {
    return {0.45f, 0.45f, 0.55f};
}

Rgb highlightColor() {
    return {1.0f, 0.95f, 0.0f};
}

Rgb signalColor(traffic::LinkState state) {
    switch (state) {
        case traffic::LinkState::PriorityGreen:
            return {0.05f, 0.80f, 0.15f};
        case traffic::LinkState::YieldGreen:
            return {0.45f, 0.90f, 0.40f};
        case traffic::LinkState::Yellow:
            return {1.00f, 0.85f, 0.00f};
        case traffic::LinkState::Red:
            return {0.90f, 0.00f, 0.00f};
        case traffic::LinkState::Stop:
            return {1.00f, 0.45f, 0.00f};
        case traffic::LinkState::Off:
            break;
    }
    return {0.5f, 0.5f, 0.5f};
}

}  // namespace ct::render
