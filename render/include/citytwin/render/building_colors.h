#pragma once
/// Buildings coloured by an attribute: a sequential colour ramp, and recolouring the buildings of
/// a built scene in place (no rebuild: the tiles' colour arrays change).
///
/// Threading: recolorBuildings() changes OSG arrays; call it on the rendering thread between
/// frames.

#include <span>

#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"

namespace ct::render {

/// The ramp for attribute values, t in [0,1] (clamped): pale yellow, orange, red, dark purple
/// (light is low, dark is high, as on a printed choropleth map). NaN gives noDataColor().
Rgb attributeColor(double t);

/// Recolours the buildings of `scene` (built by buildCityScene): walls in colors[b] by BuildingId,
/// roofs a touch lighter, as the scene draws them. Buildings beyond the span keep their colour.
void recolorBuildings(const SceneBuild& scene, std::span<const Rgb> colors);

}  // namespace ct::render
