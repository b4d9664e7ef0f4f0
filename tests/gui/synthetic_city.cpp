#include "synthetic_city.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace ct::test {

namespace {

constexpr double kBlock = 100.0;  // m, street spacing
constexpr int kSlots = 4;         // buildings per block side

void addRing(std::vector<std::uint32_t>& offsets, std::vector<Vec2>& points, const std::vector<Vec2>& ring) {
    points.insert(points.end(), ring.begin(), ring.end());
    offsets.push_back(static_cast<std::uint32_t>(points.size()));
}

}  // namespace

BuildingUse syntheticUse(int k) {
    if (k % 11 == 10) {
        return BuildingUse::Public;
    }
    if (k % 7 == 6) {
        return BuildingUse::Industrial;
    }
    if (k % 4 == 3) {
        return BuildingUse::Commercial;
    }
    return BuildingUse::Residential;
}

CityModel makeSyntheticCity(const SyntheticCityOptions& options) {
    CityModel city;
    city.meta.name = "synthetic";
    const int blocks = std::max(1, (options.buildings + kSlots * kSlots - 1) / (kSlots * kSlots));
    const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(blocks))));
    const double size = grid * kBlock;

    // Streets: full-length ways through every grid line, sharing vertices at the crossings.
    RoadNetworkBuilder builder;
    for (int i = 0; i <= grid; ++i) {
        const RoadClass cls = (i == 0 || i == grid) ? RoadClass::Primary
                              : (i == grid / 2)     ? RoadClass::Secondary
                                                    : RoadClass::Residential;
        WayInput eastWest;
        WayInput northSouth;
        for (int j = 0; j <= grid; ++j) {
            eastWest.points.push_back({j * kBlock, i * kBlock});
            northSouth.points.push_back({i * kBlock, j * kBlock});
        }
        eastWest.roadClass = northSouth.roadClass = cls;
        eastWest.name = "East street " + std::to_string(i);
        northSouth.name = "North street " + std::to_string(i);
        builder.addWay(std::move(eastWest));
        builder.addWay(std::move(northSouth));
    }
    city.roads = builder.build();

    // Buildings: 14 m squares, counter-clockwise, 16 to a block.
    Buildings& b = city.buildings;
    for (int k = 0; k < options.buildings; ++k) {
        const int block = k / (kSlots * kSlots);
        const int slot = k % (kSlots * kSlots);
        const double x0 = (block % grid) * kBlock + 14.0 + (slot % kSlots) * 19.0;
        const double y0 = (block / grid) * kBlock + 14.0 + (slot / kSlots) * 19.0;
        const double w = 14.0;
        addRing(b.ringOffset, b.ringPoints, {{x0, y0}, {x0 + w, y0}, {x0 + w, y0 + w}, {x0, y0 + w}});
        b.centroid.push_back({x0 + w / 2, y0 + w / 2});
        b.area.push_back(static_cast<float>(w * w));
        const float height = 6.0f + static_cast<float>((k * 7) % 5) * 3.0f;
        b.height.push_back(height);
        b.heightSource.push_back(HeightSource::Explicit);
        b.levels.push_back(static_cast<std::uint8_t>(height / 3.0f));
        b.use.push_back(syntheticUse(k));
        b.residents.push_back(b.use.back() == BuildingUse::Residential ? 10 : 0);
        b.jobs.push_back(b.use.back() == BuildingUse::Residential ? 0 : 20);
        b.name.emplace_back();
        b.sourceFeature.push_back(k);
    }

    // Facilities on the first buildings.
    static constexpr FacilityKind kKinds[] = {FacilityKind::FireStation, FacilityKind::Hospital,
                                              FacilityKind::School, FacilityKind::Police,
                                              FacilityKind::Shelter};
    for (int f = 0; f < options.facilities && f < options.buildings; ++f) {
        Facilities& fs = city.facilities;
        fs.kind.push_back(kKinds[f % 5]);
        fs.name.push_back(std::string(toString(kKinds[f % 5])) + " " + std::to_string(f));
        fs.position.push_back(b.centroid[static_cast<std::size_t>(f) * 5]);
        fs.sourceFeature.push_back(f);
    }

    // A meandering river south of the town, and a park in the first block.
    if (options.river) {
        std::vector<Vec2> ring;
        const int n = 60;
        for (int i = 0; i <= n; ++i) {
            const double x = -200.0 + (size + 400.0) * i / n;
            ring.push_back({x, -60.0 + 15.0 * std::sin(x / 80.0)});
        }
        for (int i = n; i >= 0; --i) {
            const double x = -200.0 + (size + 400.0) * i / n;
            ring.push_back({x, -30.0 + 15.0 * std::sin(x / 80.0)});
        }
        addRing(city.landUse.ringOffset, city.landUse.ringPoints, ring);
        city.landUse.kind.push_back(LandUseKind::Water);
        city.landUse.area.push_back(static_cast<float>(30.0 * (size + 400.0)));
    }

    if (options.terrain) {
        Terrain& t = city.terrain;
        t.cellSize = 10.0;
        t.originX = -300.0;
        t.originY = size + 300.0;
        t.width = static_cast<int>((size + 600.0) / t.cellSize);
        t.height = t.width;
        t.elevation.resize(static_cast<std::size_t>(t.width) * t.height);
        for (int r = 0; r < t.height; ++r) {
            for (int c = 0; c < t.width; ++c) {
                const double x = t.originX + (c + 0.5) * t.cellSize;
                const double y = t.originY - (r + 0.5) * t.cellSize;
                double e = 100.0 + options.hillHeight * std::sin(x / 300.0) * std::cos(y / 260.0) + 0.02 * y;
                // The channel: full depth within 10 m of the river's centre line, banks 10 m wide.
                const double off = std::abs(y - (-45.0 + 15.0 * std::sin(x / 80.0)));
                e -= options.riverBed * std::clamp((20.0 - off) / 10.0, 0.0, 1.0);
                t.elevation[static_cast<std::size_t>(r) * t.width + c] = static_cast<float>(e);
            }
        }
        t.source = "synthetic";
    }

    DiagnosticReport report;
    city.finish(report);
    return city;
}

}  // namespace ct::test
