#include "info_command.h"

#include "city_utilities.h"

#include <cstdlib>

#include "citytwin/sim/version.h"
#include "export_command.h"
#include "info_report.h"
#include "power_command.h"
#include "run_command.h"
#include "water_command.h"

namespace ct::cli {

namespace {

constexpr const char* kHelp = R"(citytwin - CityTwin, a digital-twin city simulator (headless command line)

Usage:
  citytwin info [SOURCE...] [--dem FILE] [--mapping FILE] [--crs EPSG] [--json]
  citytwin run SCENARIO.json [--threads N] [--out DIR] [--quiet]
  citytwin signals SCENARIO.json
  citytwin export-sumo (SCENARIO.json | --sample) --out DIR [--sumo-geometry] [--routes]
  citytwin power CASE.m [--dc] [--n-1] [--cascade] [--q-limits] [--json] [--out DIR]
  citytwin water FILE.inp [--duration H] [--pda] [--epanet] [--json] [--out DIR]
  citytwin --help | --version

Commands:
  info    Load a city and print its summary: CRS and origin, extent, road network
          (links, intersections, signals, length by class, lane-km, strongly connected
          share), buildings, facilities, terrain, what each layer gave, load time and
          diagnostics. Without SOURCE, the bundled sample city.
  run     Run a scenario headless (traffic on the scenario's city, its demand and
          events) with a progress bar; trips, link statistics (CSV and GeoPackage),
          KPIs over time and detector counts go to the output folder.
  signals Print the junctions and signal programs of a scenario's network as JSON, to
          edit them in the scenario's "signals" array.
  export-sumo  Write the city's traffic network (as CityTwin builds it) and the
          scenario's trips as SUMO plain XML, netconvert and SUMO configurations.
  power   Solve the AC (or DC) power flow of a MATPOWER case: a summary, N-1
          contingencies or a cascade, full results as CSV or JSON (docs/power.md).
  water   Simulate an EPANET .inp water network (steady state or extended period):
          a summary, and full results as CSV or JSON (docs/water.md).

Sources: any GDAL vector data: GeoPackage, GeoJSON, Shapefile (or a folder of them),
FlatGeobuf, OpenStreetMap .osm and .pbf. Several sources are merged into one city.

Options:
  --dem FILE      terrain raster (GeoTIFF or any GDAL raster)
  --mapping FILE  JSON mapping of layers and fields to roads, buildings... (docs/mapping.md)
  --crs EPSG      project into this EPSG code instead of the data's CRS or its UTM zone
  --json          print the report as JSON
  -h, --help      this help
  --version       the version

Exit codes:
  0  success
  1  the input could not be loaded (the diagnostics say which file, layer, feature and why)
  2  bad command line
  3  internal error (a bug; please report it)
)";

int usage(std::ostream& err, const std::string& msg) {
    err << "citytwin: " << msg << "\nTry 'citytwin --help'.\n";
    return kExitUsage;
}

int runInfo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    gis::LoadOptions options;
    bool json = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& dst) {
            if (i + 1 >= args.size()) {
                return false;
            }
            dst = args[++i];
            return true;
        };
        if (a == "--json") {
            json = true;
        } else if (a == "--dem") {
            if (!value(options.demPath)) {
                return usage(err, "--dem needs a raster file");
            }
        } else if (a == "--mapping") {
            if (!value(options.mappingPath)) {
                return usage(err, "--mapping needs a JSON file");
            }
        } else if (a == "--crs") {
            std::string v;
            if (!value(v)) {
                return usage(err, "--crs needs an EPSG code");
            }
            if (v.rfind("EPSG:", 0) == 0) {
                v = v.substr(5);
            }
            char* end = nullptr;
            const long code = std::strtol(v.c_str(), &end, 10);
            if (end == v.c_str() || *end != '\0' || code <= 0) {
                return usage(err, "--crs needs an EPSG code such as 32633, not '" + v + "'");
            }
            options.targetEpsg = static_cast<int>(code);
        } else if (a == "-h" || a == "--help") {
            out << kHelp;
            return kExitOk;
        } else if (!a.empty() && a[0] == '-') {
            return usage(err, "unknown option '" + a + "' for info");
        } else {
            options.vectorSources.push_back(a);
        }
    }
    if (options.vectorSources.empty()) {
        const char* env = std::getenv("CITYTWIN_ASSETS_DIR");
        const gis::LoadOptions sample = gis::sampleCityOptions(env != nullptr ? env : CT_DEFAULT_ASSETS_DIR);
        options.vectorSources = sample.vectorSources;
        if (options.demPath.empty()) {
            options.demPath = sample.demPath;
        }
    }
    const gis::LoadResult result = gis::loadCity(options);
    if (json) {
        out << infoJson(result, options) << '\n';
    } else if (result.city) {
        out << infoText(result, options);
    } else {
        err << infoText(result, options);
    }
    return result.city ? kExitOk : kExitLoadError;
}

}  // namespace

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << kHelp;
        return kExitUsage;
    }
    const std::string& cmd = args.front();
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        out << kHelp;
        return kExitOk;
    }
    if (cmd == "--version" || cmd == "version") {
        out << "citytwin " << kVersion << '\n';
        return kExitOk;
    }
    if (cmd == "info") {
        return runInfo({args.begin() + 1, args.end()}, out, err);
    }
    if (cmd == "run") {
        return runScenarioCommand({args.begin() + 1, args.end()}, out, err);
    }
    if (cmd == "signals") {
        return runSignalsCommand({args.begin() + 1, args.end()}, out, err);
    }
    if (cmd == "export-sumo") {
        return runExportSumoCommand({args.begin() + 1, args.end()}, out, err);
    }
    if (cmd == "power" || cmd == "water") {
        const char* env = std::getenv("CITYTWIN_ASSETS_DIR");
        installCityUtilityLoaders(env != nullptr ? env : CT_DEFAULT_ASSETS_DIR);
    }
    if (cmd == "power") {
        return runPowerCommand({args.begin() + 1, args.end()}, out, err);
    }
    if (cmd == "water") {
        return runWaterCommand({args.begin() + 1, args.end()}, out, err);
    }
    return usage(err, "unknown command '" + cmd + "'");
}

}  // namespace ct::cli
