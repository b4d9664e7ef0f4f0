#include "bench_city.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace ct::bench {

namespace {

constexpr double kBlock = 110.0;    // m, street spacing (centre line to centre line)
constexpr int kLots = 4;            // lots per block side: 16 buildings a block
constexpr double kLot = 22.0;       // m, lot pitch
constexpr double kLotStart = 11.0;  // m, first lot's corner from the street's centre line

/// A small deterministic hash: the same city on every run and machine.
std::uint32_t mix(std::uint32_t a, std::uint32_t b) {
    std::uint32_t h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u + (a << 6) + (a >> 2));
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/// Uniform in [lo, hi) from a hash.
double uniform(std::uint32_t h, double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(h & 0xffffffu) / 16777216.0);
}

void addRing(std::vector<std::uint32_t>& offsets, std::vector<Vec2>& points, const std::vector<Vec2>& ring) {
    points.insert(points.end(), ring.begin(), ring.end());
    offsets.push_back(static_cast<std::uint32_t>(points.size()));
}

/// A footprint inside the lot whose south-west corner is `o` (lots are kLot wide; at most 18 m
/// of it is built on). Counter-clockwise.
std::vector<Vec2> footprint(Vec2 o, std::uint32_t h) {
    const double w = uniform(mix(h, 1), 9.0, 18.0);
    const double d = uniform(mix(h, 2), 9.0, 18.0);
    const Vec2 c = o + Vec2{kLot * 0.5 - 1.0, kLot * 0.5 - 1.0};
    const std::uint32_t kind = mix(h, 3) % 10;
    if (kind < 6) {  // a rectangle
        return {c + Vec2{-w / 2, -d / 2}, c + Vec2{w / 2, -d / 2}, c + Vec2{w / 2, d / 2},
                c + Vec2{-w / 2, d / 2}};
    }
    if (kind < 8) {  // an L: the rectangle less its north-east quarter-ish
        const double cw = w * uniform(mix(h, 4), 0.35, 0.6);
        const double cd = d * uniform(mix(h, 5), 0.35, 0.6);
        return {c + Vec2{-w / 2, -d / 2},         c + Vec2{w / 2, -d / 2},     c + Vec2{w / 2, d / 2 - cd},
                c + Vec2{w / 2 - cw, d / 2 - cd}, c + Vec2{w / 2 - cw, d / 2}, c + Vec2{-w / 2, d / 2}};
    }
    if (kind < 9) {  // a rectangle turned by up to 25 degrees
        const double a = uniform(mix(h, 6), -25.0, 25.0) * std::numbers::pi / 180.0;
        const double ca = std::cos(a);
        const double sa = std::sin(a);
        const double hw = std::min(w, 14.0) / 2;
        const double hd = std::min(d, 14.0) / 2;
        std::vector<Vec2> ring;
        for (const Vec2 p : {Vec2{-hw, -hd}, Vec2{hw, -hd}, Vec2{hw, hd}, Vec2{-hw, hd}}) {
            ring.push_back(c + Vec2{ca * p.x - sa * p.y, sa * p.x + ca * p.y});
        }
        return ring;
    }
    // An octagonal tower.
    const double r = std::min(w, d) / 2;
    std::vector<Vec2> ring;
    for (int k = 0; k < 8; ++k) {
        const double a = (k + 0.5) * std::numbers::pi / 4.0;
        ring.push_back(c + Vec2{r * std::cos(a), r * std::sin(a)});
    }
    return ring;
}

BuildingUse useOf(std::uint32_t h, double centrality) {
    const std::uint32_t u = h % 100;
    if (u < static_cast<std::uint32_t>(10 + 30 * centrality)) {
        return BuildingUse::Commercial;
    }
    if (u < 45) {
        return u < 38 ? BuildingUse::Residential : BuildingUse::Industrial;
    }
    if (u < 48) {
        return BuildingUse::Public;
    }
    return u < 97 ? BuildingUse::Residential : BuildingUse::Other;
}

RoadClass lineClass(int i, int grid) {
    if (i == 0 || i == grid) {
        return RoadClass::Primary;
    }
    if (i % 8 == 0) {
        return RoadClass::Secondary;
    }
    if (i % 4 == 0) {
        return RoadClass::Tertiary;
    }
    return RoadClass::Residential;
}

}  // namespace

CityModel makeBenchCity(const BenchCityOptions& options) {
    CityModel city;
    city.meta.name = "bench-" + std::to_string(options.buildings);
    const int perBlock = kLots * kLots;
    const int blocks = std::max(1, (options.buildings + perBlock - 1) / perBlock);
    const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(blocks))));
    const double size = grid * kBlock;
    const Vec2 mid{size / 2, size / 2};

    // Streets: one way along every grid line, sharing vertices at the crossings; signals where
    // two roads of tertiary class or more cross.
    RoadNetworkBuilder builder;
    for (int i = 0; i <= grid; ++i) {
        WayInput eastWest;
        WayInput northSouth;
        for (int j = 0; j <= grid; ++j) {
            eastWest.points.push_back({j * kBlock, i * kBlock});
            northSouth.points.push_back({i * kBlock, j * kBlock});
        }
        eastWest.roadClass = northSouth.roadClass = lineClass(i, grid);
        eastWest.name = "Street " + std::to_string(i) + " East";
        northSouth.name = "Street " + std::to_string(i) + " North";
        eastWest.sourceFeature = 2 * i;
        northSouth.sourceFeature = 2 * i + 1;
        builder.addWay(std::move(eastWest));
        builder.addWay(std::move(northSouth));
    }
    for (int i = 0; i <= grid; ++i) {
        for (int j = 0; j <= grid; ++j) {
            if (lineClass(i, grid) != RoadClass::Residential &&
                lineClass(j, grid) != RoadClass::Residential && i != 0 && j != 0 && i != grid && j != grid) {
                builder.addSignal({i * kBlock, j * kBlock}, 5.0);
            }
        }
    }
    city.roads = builder.build();

    // Buildings: 16 lots a block, filled block by block in rows.
    Buildings& b = city.buildings;
    const double maxDist = std::max(length(mid), 1.0);
    for (int k = 0; k < options.buildings; ++k) {
        const int block = k / perBlock;
        const int lot = k % perBlock;
        const Vec2 o{(block % grid) * kBlock + kLotStart + (lot % kLots) * kLot,
                     (block / grid) * kBlock + kLotStart + (lot / kLots) * kLot};
        const std::uint32_t h = mix(options.seed, static_cast<std::uint32_t>(k));
        const std::vector<Vec2> ring = footprint(o, h);
        addRing(b.ringOffset, b.ringPoints, ring);
        Vec2 centre{};
        for (const Vec2& p : ring) {
            centre = centre + p * (1.0 / static_cast<double>(ring.size()));
        }
        b.centroid.push_back(centre);
        b.area.push_back(static_cast<float>(std::abs(signedArea(ring))));
        // Two to five storeys in the suburbs, up to twenty-five in the centre.
        const double centrality = 1.0 - std::min(distance(centre, mid) / maxDist, 1.0);
        const int maxLevels = 5 + static_cast<int>(20.0 * centrality * centrality * centrality);
        const int levels = 2 + static_cast<int>(mix(h, 7) % static_cast<std::uint32_t>(maxLevels - 1));
        b.height.push_back(static_cast<float>(levels) * 3.0f + 1.0f);
        b.heightSource.push_back(HeightSource::Explicit);
        b.levels.push_back(static_cast<std::uint8_t>(levels));
        b.use.push_back(useOf(mix(h, 8), centrality));
        const bool home = b.use.back() == BuildingUse::Residential;
        const auto floor = static_cast<std::uint32_t>(b.area.back() * static_cast<float>(levels));
        b.residents.push_back(home ? floor / 40 : 0);
        b.jobs.push_back(home ? 0 : floor / 25);
        b.name.emplace_back();
        b.sourceFeature.push_back(k);
    }

    // Facilities on every n-th building, named (their labels are drawn).
    if (options.buildingsPerFacility > 0) {
        static constexpr std::array kKinds = {FacilityKind::School,   FacilityKind::FireStation,
                                              FacilityKind::School,   FacilityKind::Police,
                                              FacilityKind::Hospital, FacilityKind::Shelter};
        Facilities& fs = city.facilities;
        for (int k = options.buildingsPerFacility / 2, f = 0; k < options.buildings;
             k += options.buildingsPerFacility, ++f) {
            const FacilityKind kind = kKinds[static_cast<std::size_t>(f) % kKinds.size()];
            fs.kind.push_back(kind);
            fs.name.push_back(std::string(toString(kind)) + " " + std::to_string(f + 1));
            fs.position.push_back(b.centroid[static_cast<std::size_t>(k)]);
            fs.sourceFeature.push_back(f);
        }
    }

    // A river south of the town, and land-use districts of 8 x 8 blocks under the buildings.
    // Corners are jittered by up to a metre: ct::render's draping (render/src/drape.cpp,
    // Draper::split) recurses without end on a triangle whose two longest edges are exactly equal,
    // which halving an exact rectangle's diagonal produces (docs/render-benchmark.md).
    auto jitter = [&](Vec2 p, std::uint32_t k) {
        const std::uint32_t h = mix(options.seed + 31u, k);
        return p + Vec2{uniform(h, -1.0, 1.0), uniform(mix(h, 1), -1.0, 1.0)};
    };
    std::uint32_t corner = 0;
    {
        std::vector<Vec2> ring;
        const int n = std::max(40, grid * 4);
        for (int i = 0; i <= n; ++i) {
            const double x = -250.0 + (size + 500.0) * i / n;
            ring.push_back(jitter({x, -90.0 + 20.0 * std::sin(x / 140.0)}, corner++));
        }
        for (int i = n; i >= 0; --i) {
            const double x = -250.0 + (size + 500.0) * i / n;
            ring.push_back(jitter({x, -40.0 + 20.0 * std::sin(x / 140.0)}, corner++));
        }
        addRing(city.landUse.ringOffset, city.landUse.ringPoints, ring);
        city.landUse.kind.push_back(LandUseKind::Water);
        city.landUse.area.push_back(static_cast<float>(50.0 * (size + 500.0)));
    }
    const int district = 8;
    const int districts = (grid + district - 1) / district;
    for (int dy = 0; dy < districts; ++dy) {
        for (int dx = 0; dx < districts; ++dx) {
            const double x0 = dx * district * kBlock + 5.0;
            const double y0 = dy * district * kBlock + 5.0;
            const double x1 = std::min((dx + 1) * district * kBlock, size) - 5.0;
            const double y1 = std::min((dy + 1) * district * kBlock, size) - 5.0;
            addRing(city.landUse.ringOffset, city.landUse.ringPoints,
                    {jitter({x0, y0}, corner), jitter({x1, y0}, corner + 1), jitter({x1, y1}, corner + 2),
                     jitter({x0, y1}, corner + 3)});
            corner += 4;
            const std::uint32_t h = mix(options.seed + 17u, static_cast<std::uint32_t>(dy * 1000 + dx));
            static constexpr std::array kZones = {LandUseKind::Residential, LandUseKind::Residential,
                                                  LandUseKind::Commercial, LandUseKind::Industrial,
                                                  LandUseKind::Park};
            city.landUse.kind.push_back(kZones[h % kZones.size()]);
            city.landUse.area.push_back(static_cast<float>((x1 - x0) * (y1 - y0)));
        }
    }

    // Rolling terrain around the town, with the river valley in the south.
    if (options.demCell > 0.0) {
        Terrain& t = city.terrain;
        t.cellSize = options.demCell;
        t.originX = -400.0;
        t.originY = size + 400.0;
        t.width = static_cast<int>(std::ceil((size + 800.0) / t.cellSize));
        t.height = t.width;
        t.elevation.resize(static_cast<std::size_t>(t.width) * static_cast<std::size_t>(t.height));
        for (int r = 0; r < t.height; ++r) {
            for (int c = 0; c < t.width; ++c) {
                const double x = t.originX + (c + 0.5) * t.cellSize;
                const double y = t.originY - (r + 0.5) * t.cellSize;
                const double e = 200.0 + 14.0 * std::sin(x / 420.0) * std::cos(y / 370.0) + 0.01 * y +
                                 3.0 * std::sin(x / 97.0 + y / 131.0);
                t.elevation[static_cast<std::size_t>(r) * static_cast<std::size_t>(t.width) +
                            static_cast<std::size_t>(c)] = static_cast<float>(e);
            }
        }
        t.source = "synthetic";
    }

    DiagnosticReport report;
    city.finish(report);
    return city;
}

}  // namespace ct::bench
