// Buildings coloured by an attribute.

#include "citytwin/render/building_colors.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <osg/Array>
#include <osg/Geometry>

namespace ct::render {

namespace {

constexpr float kRoofShade = 1.06f;  ///< as the building layer draws roofs

}  // namespace

Rgb attributeColor(double t) {
    if (!std::isfinite(t)) {
        return noDataColor();
    }
    static constexpr std::array<Rgb, 5> kStops{{
        {1.00f, 0.96f, 0.70f},
        {0.99f, 0.70f, 0.30f},
        {0.93f, 0.35f, 0.18f},
        {0.70f, 0.08f, 0.25f},
        {0.30f, 0.02f, 0.35f},
    }};
    const double s = std::clamp(t, 0.0, 1.0) * static_cast<double>(kStops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(s), kStops.size() - 2);
    const auto f = static_cast<float>(s - static_cast<double>(i));
    const Rgb a = kStops[i];
    const Rgb b = kStops[i + 1];
    return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}

void recolorBuildings(const SceneBuild& scene, std::span<const Rgb> colors) {
    for (const PickTables::Table& t : scene.pick.buildings) {
        if (t.geometry == nullptr) {
            continue;
        }
        auto* array = dynamic_cast<osg::Vec4Array*>(t.geometry->getColorArray());
        if (array == nullptr) {
            continue;
        }
        const auto end = static_cast<std::uint32_t>(array->size());
        for (std::size_t k = 0; k < t.item.size() && k < t.firstVertex.size() && k < t.roofVertex.size();
             ++k) {
            const std::uint32_t b = t.item[k];
            if (b >= colors.size()) {
                continue;
            }
            const Rgb c = colors[b];
            const osg::Vec4 wall(c.r, c.g, c.b, 1.0f);
            const osg::Vec4 roof(c.r * kRoofShade, c.g * kRoofShade, c.b * kRoofShade, 1.0f);
            const std::uint32_t next = k + 1 < t.firstVertex.size() ? t.firstVertex[k + 1] : end;
            for (std::uint32_t v = t.firstVertex[k]; v < t.roofVertex[k] && v < end; ++v) {
                (*array)[v] = wall;
            }
            for (std::uint32_t v = t.roofVertex[k]; v < next && v < end; ++v) {
                (*array)[v] = roof;
            }
        }
        array->dirty();
    }
}

}  // namespace ct::render
