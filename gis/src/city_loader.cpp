#include "citytwin/gis/city_loader.h"

#include <chrono>
#include <filesystem>

#include "city_builder.h"
#include "dem_loader.h"
#include "feature_reader.h"
#include "mapping.h"
#include "osm_restrictions.h"

namespace ct::gis {

LoadOptions sampleCityOptions(const std::string& assetsDir) {
    LoadOptions o;
    o.vectorSources = {assetsDir + "/sample_city/city.gpkg"};
    o.demPath = assetsDir + "/sample_city/dem.tif";
    return o;
}

LoadResult loadCity(const LoadOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    LoadResult result;
    DiagnosticReport& report = result.report;
    GDALAllRegister();

    auto finishTiming = [&] {
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return std::move(result);
    };
    if (options.vectorSources.empty()) {
        report.error("source.none", "", "no vector source given (roads and buildings come from one)");
        return finishTiming();
    }

    // 1. The mapping: built in, or from a file.
    Mapping mapping;
    if (!options.mappingPath.empty()) {
        auto m = readMapping(options.mappingPath, report);
        if (!m) {
            return finishTiming();
        }
        mapping = std::move(*m);
    }

    // 2. Open every source before reading any, so a bad path fails fast.
    std::vector<DatasetPtr> datasets;
    std::vector<std::pair<std::string, GDALDataset*>> opened;
    for (const std::string& path : options.vectorSources) {
        DatasetPtr ds = openVector(path, report);
        if (ds) {
            opened.emplace_back(path, ds.get());
            datasets.push_back(std::move(ds));
        }
    }
    if (report.hasErrors()) {
        return finishTiming();
    }

    // 3. The local metric frame, then every feature reprojected into it.
    LocalFrame frame;
    {
        GdalErrorCapture capture;
        const bool ok = chooseFrame(opened, options.targetEpsg, frame, report);
        capture.flushTo(report, opened.front().first, "");
        if (!ok || report.hasErrors()) {
            return finishTiming();
        }
    }
    CityBuilder builder(report);
    for (const auto& [path, ds] : opened) {
        readFeatures(
            path, *ds, frame, mapping,
            [&](SourceFeature& f, LayerRole role, LayerStats& st) { builder.add(f, role, st); },
            result.layers, report);
    }
    if (report.hasErrors()) {
        return finishTiming();
    }
    // Turn restrictions: OSM relations, which GDAL's OSM driver reads without member roles.
    for (const auto& [path, ds] : opened) {
        if (isOsmFile(path)) {
            for (const TurnRestriction& r : readOsmRestrictions(path, frame, report)) {
                builder.addTurnRestriction(r, path);
            }
        }
    }
    CityModel city = builder.build();
    if (city.roads.linkCount() == 0 && city.buildings.count() == 0) {
        report.error(
            "source.nothing_found", options.vectorSources.front(),
            "no roads and no buildings were found in the sources; check the layers (citytwin info --json "
            "lists what each layer gave) or pass a mapping with --mapping");
        return finishTiming();
    }

    // 4. Metadata, terrain, derived data.
    describeFrame(frame, city.meta);
    city.meta.sources = options.vectorSources;
    city.meta.name = std::filesystem::path(options.vectorSources.front()).stem().string();
    if (!options.demPath.empty()) {
        if (!loadTerrain(options.demPath, frame, city.terrain, report)) {
            return finishTiming();
        }
        city.meta.sources.push_back(options.demPath);
    }
    city.finish(report);
    if (!report.hasErrors()) {
        result.city = std::move(city);
    }
    return finishTiming();
}

}  // namespace ct::gis
