#pragma once
/// The colours of the 3D city view, as plain linear RGB in [0,1] (no OSG types, so tests and UI
/// code can use them too). Lighting scales these colours; their hue and saturation survive.

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/road_class.h"

namespace ct::render {

/// A colour with components in [0,1].
struct Rgb {
    float r = 0.0f;
    float g = 0.0f;
    float b = 0.0f;
};

/// Wall and roof colour of a building of the given use.
Rgb buildingColor(BuildingUse use);

/// Surface colour of a road of the given class.
Rgb roadColor(RoadClass roadClass);

/// Colour of a land-use polygon, drawn over the terrain.
Rgb landUseColor(LandUseKind kind);

/// Colour of a facility marker.
Rgb facilityColor(FacilityKind kind);

/// Terrain tint for a normalised elevation t in [0,1] (0 = lowest cell of the DEM, 1 = highest).
Rgb terrainColor(float t);

/// The flat ground plane drawn when a city has no terrain.
Rgb groundColor();

/// The sky: the clear colour of the view.
Rgb skyColor();

}  // namespace ct::render
