#pragma once
// Resolving the ways a user names links and places: "123", "way:4711", "name:Main Street",
// local coordinates and longitude/latitude.

#include <optional>
#include <string>
#include <vector>

#include "citytwin/gis/geo_output.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/sim/spatial_index.h"

namespace ct::scenarios {

class LinkResolver {
public:
    explicit LinkResolver(const CityModel& city);
    /// All links a reference names; empty when none (the caller reports it).
    [[nodiscard]] std::vector<LinkId> resolve(const std::string& ref) const;
    /// The drivable link nearest to a local point (within 500 m), in the main component.
    [[nodiscard]] LinkId nearest(Vec2 p) const;
    /// The same for longitude/latitude.
    [[nodiscard]] LinkId nearestLonLat(double lon, double lat) const;

private:
    const CityModel& m_city;
    LinkIndex m_index;
    gis::GeoFrame m_frame;
};

/// Reads a trips CSV (docs/scenarios.md): a header, then one trip per line with columns
/// id, depart (s or HH:MM:SS after the scenario start), type (car, bus, truck, emergency; optional)
/// and the places as from_link/to_link, from_x/from_y/to_x/to_y (local m), or
/// from_lon/from_lat/to_lon/to_lat. Bad lines become diagnostics with their line number.
struct CsvTrip {
    std::string id;
    double depart = 0.0;
    LinkId from, to;
    std::string type;
};
std::vector<CsvTrip> readTripsCsv(const std::string& path, const LinkResolver& links, double clockStart,
                                  DiagnosticReport& report);

}  // namespace ct::scenarios
