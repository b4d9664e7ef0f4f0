#include "citytwin/sim/city_summary.h"

#include <cmath>
#include <limits>

namespace ct {

CitySummary summarize(const CityModel& city) {
    CitySummary s;
    const RoadNetwork& r = city.roads;
    s.nodes = r.nodeCount();
    s.links = r.linkCount();
    s.turnConnections = r.turnTo.size();
    for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
        const bool junction = r.nodeDegree(NodeId{n}) >= 3;
        s.intersections += junction ? 1 : 0;
        s.signalisedIntersections += (r.nodeFlags[n] & node_flags::kSignalised) != 0 ? 1 : 0;
        s.roundaboutNodes += (r.nodeFlags[n] & node_flags::kRoundabout) != 0 ? 1 : 0;
    }
    double totalLen = 0.0, mainLen = 0.0;
    for (std::uint32_t l = 0; l < r.linkCount(); ++l) {
        const double km = r.linkLength[l] / 1000.0;
        const LinkId rev = r.linkReverse[l];
        // Centreline length counts a two-way road once (on its lower-id direction).
        if (!rev.valid() || rev.index() > l) {
            s.roadKmByClass[static_cast<std::size_t>(r.linkClass[l])] += km;
            s.roadKm += km;
        }
        s.laneKm += km * r.linkLanes[l];
        s.onewayLinks += (r.linkFlags[l] & link_flags::kOneway) != 0 ? 1 : 0;
        s.bridgeLinks += (r.linkFlags[l] & link_flags::kBridge) != 0 ? 1 : 0;
        totalLen += km;
        if ((r.linkFlags[l] & link_flags::kMainComponent) != 0) {
            mainLen += km;
        } else {
            ++s.linksOutsideMain;
        }
    }
    s.mainComponentLinkShare =
        s.links > 0 ? static_cast<double>(r.mainComponentLinks) / static_cast<double>(s.links) : 0.0;
    s.mainComponentLengthShare = totalLen > 0.0 ? mainLen / totalLen : 0.0;

    const Buildings& b = city.buildings;
    s.buildings = b.count();
    for (std::size_t i = 0; i < b.count(); ++i) {
        switch (b.heightSource[i]) {
            case HeightSource::Explicit:
                ++s.buildingsExplicitHeight;
                break;
            case HeightSource::Levels:
                ++s.buildingsFromLevels;
                break;
            case HeightSource::Default:
                ++s.buildingsDefaultHeight;
                break;
        }
        ++s.buildingsByUse[static_cast<std::size_t>(b.use[i])];
        s.buildingFootprintKm2 += b.area[i] / 1e6;
        s.residents += b.residents[i];
        s.jobs += b.jobs[i];
        s.buildingsWithoutAccess += b.accessLink[i].valid() ? 0 : 1;
    }
    for (FacilityKind k : city.facilities.kind) {
        ++s.facilitiesByKind[static_cast<std::size_t>(k)];
    }
    s.landUsePolygons = city.landUse.count();

    s.hasTerrain = !city.terrain.empty();
    if (s.hasTerrain) {
        float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
        for (float e : city.terrain.elevation) {
            if (!std::isnan(e)) {
                lo = std::min(lo, e);
                hi = std::max(hi, e);
            }
        }
        s.terrainMin = lo;
        s.terrainMax = hi;
    }
    return s;
}

}  // namespace ct
