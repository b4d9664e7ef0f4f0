#pragma once
/// The colours of the 3D city view, as plain linear RGB in [0,1] (no OSG types, so tests and UI
/// code can use them too). Lighting scales these colours; their hue and saturation survive.

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/road_class.h"
#include "citytwin/traffic/traffic_network.h"
#include "citytwin/traffic/vehicle_type.h"

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

/// Links by delay index (mean travel time / free-flow travel time): green at 1 (or below),
/// yellow at 1.5, orange at 2, red from 3; grey for NaN (no data).
Rgb delayIndexColor(double index);
/// Links by density, vehicles per km and lane: green when empty, yellow at 20, orange at 40,
/// red from 70 (a standing queue is about 130); grey when negative (no data).
Rgb densityColor(double vehPerKmLane);

/// A closed road link (striped with white) and its barrier.
Rgb closedColor();

/// A selected vehicle's route: the part still ahead, and the part already driven.
Rgb routeColor();
Rgb routeDrivenColor();

/// Body colour of a vehicle of the given class (emergency vehicles flash between this and white).
Rgb vehicleColor(traffic::VehicleClass vclass);

/// Colour of a link by its mean speed as a share of its speed limit: red (standing) over orange
/// and yellow to green (0.8 and above). NaN or negative (no data) gives noDataColor().
Rgb speedRatioColor(double ratio);

/// Links without vehicles in the colour-by-data view: a light neutral grey.
Rgb noDataColor();

/// The highlight of the selected object.
Rgb highlightColor();

/// The colour of a signal state: green for go (a lighter green when yielding), yellow, red,
/// orange for stop-then-go, grey when off.
Rgb signalColor(traffic::LinkState state);

}  // namespace ct::render
