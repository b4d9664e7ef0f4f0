#pragma once
// A feature as the loader sees it after reading and reprojection: geometry in the local frame
// and tags. No GDAL types.

#include <cstdint>
#include <string>
#include <vector>

#include "citytwin/gis/city_loader.h"
#include "citytwin/sim/geometry.h"
#include "tags.h"

namespace ct::gis {

enum class GeomKind { None, Point, Line, Polygon };

struct SourceFeature {
    std::string file;
    std::string layer;
    std::int64_t id = -1;  ///< FID, or the OSM id for OSM data
    GeomKind kind = GeomKind::None;
    std::vector<std::vector<Vec2>> parts;  ///< lines; polygon outer rings (not closed); one point
    int holesDropped = 0;                  ///< inner rings of polygons (not kept as geometry)
    std::vector<double> holeArea;          ///< m^2 of inner rings per part (polygons), to subtract from areas
    bool repaired = false;                 ///< a self-intersecting polygon was made valid
    Tags tags;
};

}  // namespace ct::gis
