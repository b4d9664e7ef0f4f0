#pragma once
// Turns classified source features into a CityModel: roads through RoadNetworkBuilder,
// buildings with heights, uses and occupants, facilities, signals, land use.

#include <string>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "feature.h"
#include "mapping.h"

namespace ct::gis {

class CityBuilder {
public:
    explicit CityBuilder(DiagnosticReport& report) : m_report(report) {}

    /// Classifies one feature (by its layer role and tags) and keeps what the model needs.
    void add(SourceFeature& f, LayerRole role, LayerStats& stats);

    /// A turn restriction read from `file`, applied when the roads are built.
    void addTurnRestriction(const TurnRestriction& r, const std::string& file) {
        m_roads.addTurnRestriction(r);
        ++m_restrictions;
        m_restrictionFile = file;
    }

    /// Builds the model. Metadata and terrain are set by the caller before finish().
    CityModel build();

private:
    struct PendingBuilding {
        std::vector<Vec2> ring;
        double holeArea = 0.0;  // m^2 of courtyards
        double height = 0.0;
        HeightSource heightSource = HeightSource::Default;
        int levels = 0;
        bool useKnown = false;
        BuildingUse use = BuildingUse::Other;
        long residents = -1, jobs = -1;
        std::string name;
        std::int64_t id = -1;
        std::string waterNode, powerBus;
    };
    struct PendingFacility {
        FacilityKind kind;
        std::string name;
        Vec2 pos;
        std::int64_t id;
        float backupHours;
    };

    bool addRoad(const SourceFeature& f);
    bool addBuilding(const SourceFeature& f);
    bool addFacility(const SourceFeature& f);
    bool addLandUse(const SourceFeature& f);
    /// A feature of a utility layer: kept as read for sim/utility.
    void addUtility(const SourceFeature& f, LayerRole role, LayerStats& stats);
    void warn(const SourceFeature& f, std::string code, std::string message, std::string action);

    DiagnosticReport& m_report;
    RoadNetworkBuilder m_roads;
    std::vector<PendingBuilding> m_buildings;
    std::vector<PendingFacility> m_facilities;
    LandUse m_landUse;
    UtilityLayers m_utilities;
    std::size_t m_signals = 0;
    std::size_t m_restrictions = 0;
    std::string m_restrictionFile;
    std::string m_firstSignalFile;
};

}  // namespace ct::gis
