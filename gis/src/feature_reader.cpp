#include "feature_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <cpl_error.h>
#include <ogr_spatialref.h>

namespace ct::gis {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// GDAL error capture

GdalErrorCapture::GdalErrorCapture() {
    CPLPushErrorHandlerEx(&GdalErrorCapture::handler, this);
}

GdalErrorCapture::~GdalErrorCapture() {
    CPLPopErrorHandler();
}

void GdalErrorCapture::handler(CPLErr cls, CPLErrorNum /*num*/, const char* msg) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (self != nullptr && cls >= CE_Warning && msg != nullptr) {
        self->m_messages.push_back({cls, msg});
    }
}

std::vector<GdalErrorCapture::Message> GdalErrorCapture::take() {
    return std::exchange(m_messages, {});
}

std::string GdalErrorCapture::joined() const {
    std::string out;
    for (const Message& m : m_messages) {
        // GDAL often repeats the same message; say it once.
        if (out.find(m.text) == std::string::npos) {
            out += (out.empty() ? "" : "; ") + m.text;
        }
    }
    return out;
}

void GdalErrorCapture::flushTo(DiagnosticReport& report, const std::string& file, const std::string& layer) {
    std::vector<std::string> seen;
    for (Message& m : take()) {
        if (std::find(seen.begin(), seen.end(), m.text) != seen.end()) {
            continue;
        }
        seen.push_back(m.text);
        Diagnostic d;
        d.severity = m.level >= CE_Failure ? Severity::Error : Severity::Warning;
        d.code = m.level >= CE_Failure ? "gdal.failure" : "gdal.warning";
        d.file = file;
        d.layer = layer;
        d.message = "GDAL: " + m.text;
        d.action = m.level >= CE_Failure ? "load stopped: the data may be incomplete" : "reported by GDAL";
        report.add(std::move(d));
    }
}

// ---------------------------------------------------------------------------------------------
// Opening

DatasetPtr openVector(const std::string& path, DiagnosticReport& report) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        report.error("source.not_found", path, "the file does not exist");
        return nullptr;
    }
    if (fs::is_regular_file(st) && fs::file_size(path, ec) == 0) {
        report.error("source.empty_file", path, "the file is empty (0 bytes); it holds no GIS data");
        return nullptr;
    }
    GdalErrorCapture capture;
    auto* ds = static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (ds == nullptr) {
        // Say why: a raster where vector data was expected, a folder, or unreadable content.
        auto* raster = static_cast<GDALDataset*>(
            GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        if (raster != nullptr) {
            std::ostringstream msg;
            msg << "this is a raster (" << raster->GetDriver()->GetDescription() << ", "
                << raster->GetRasterXSize() << " x " << raster->GetRasterYSize() << " cells, "
                << raster->GetRasterCount() << " band(s)), not vector data; give a terrain raster with --dem";
            GDALClose(raster);
            report.error("source.raster_as_vector", path, msg.str());
        } else if (fs::is_directory(st)) {
            report.error(
                "source.folder", path,
                "this is a folder that holds no GIS layers GDAL can read; give a GIS file (GeoPackage, "
                "GeoJSON, Shapefile, .osm/.pbf) or a folder of Shapefiles");
        } else {
            const std::string why = capture.joined();
            report.error(
                "source.unreadable", path,
                "GDAL cannot read this file as vector data" + (why.empty() ? std::string() : ": " + why));
        }
        return nullptr;
    }
    // GDAL may open a file and still fail on part of it (an unknown CRS falls back to WGS 84):
    // that is an error, or the city would be placed wrongly.
    for (const GdalErrorCapture::Message& m : capture.take()) {
        if (m.level < CE_Failure) {
            continue;
        }
        const bool crs = m.text.find("crs") != std::string::npos || m.text.find("CRS") != std::string::npos;
        report.error(
            crs ? "crs.unknown" : "source.open_failure", path,
            (crs ? std::string("the file names a coordinate reference system that PROJ does not know (GDAL: ")
                 : std::string("GDAL failed while opening the file (GDAL: ")) +
                m.text + ")");
    }
    if (report.hasErrors()) {
        GDALClose(ds);
        return nullptr;
    }
    if (ds->GetLayerCount() == 0) {
        GDALClose(ds);
        report.error(fs::is_directory(st) ? "source.folder" : "source.no_layers", path,
                     fs::is_directory(st)
                         ? "this folder holds no vector layers; give a GIS file or a folder of Shapefiles"
                         : "the file has no vector layers");
        return nullptr;
    }
    return DatasetPtr(ds);
}

// ---------------------------------------------------------------------------------------------
// The local frame

namespace {

bool isMetricProjected(const OGRSpatialReference& srs) {
    return srs.IsProjected() != 0 && std::abs(srs.GetLinearUnits() - 1.0) < 1e-9;
}

void useGisOrder(OGRSpatialReference& srs) {
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
}

/// The extent of a layer in lon/lat, when the driver knows it cheaply.
bool geographicExtent(OGRLayer& layer, OGREnvelope& out) {
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) {
        return false;
    }
    OGREnvelope env;
    if (layer.GetExtent(&env, FALSE) != OGRERR_NONE || !std::isfinite(env.MinX) || env.MaxX < env.MinX) {
        return false;
    }
    OGRSpatialReference src(*srs), wgs;
    wgs.importFromEPSG(4326);
    useGisOrder(src);
    useGisOrder(wgs);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs));
    if (!ct) {
        return false;
    }
    double x[2] = {env.MinX, env.MaxX}, y[2] = {env.MinY, env.MaxY};
    if (ct->Transform(2, x, y) == 0) {
        return false;
    }
    out = {};
    out.MinX = std::min(x[0], x[1]);
    out.MaxX = std::max(x[0], x[1]);
    out.MinY = std::min(y[0], y[1]);
    out.MaxY = std::max(y[0], y[1]);
    return std::abs(out.MinX) <= 180.0 && std::abs(out.MaxX) <= 180.0 && std::abs(out.MinY) <= 90.0 &&
           std::abs(out.MaxY) <= 90.0;
}

/// The first point of the first feature with geometry, in lon/lat (for drivers without extents).
bool firstPointGeographic(GDALDataset& ds, double& lon, double& lat) {
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    useGisOrder(wgs);
    for (OGRLayer* layer : ds.GetLayers()) {
        const OGRSpatialReference* srs = layer->GetSpatialRef();
        if (srs == nullptr) {
            continue;
        }
        OGRSpatialReference src(*srs);
        useGisOrder(src);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs));
        layer->ResetReading();
        for (int i = 0; i < 1000; ++i) {
            OGRFeatureUniquePtr f(layer->GetNextFeature());
            if (!f) {
                break;
            }
            const OGRGeometry* g = f->GetGeometryRef();
            if (g == nullptr || g->IsEmpty() || !ct) {
                continue;
            }
            OGREnvelope env;
            g->getEnvelope(&env);
            double x = env.MinX, y = env.MinY;
            if (ct->Transform(1, &x, &y) != 0) {
                layer->ResetReading();
                lon = x;
                lat = y;
                return true;
            }
        }
        layer->ResetReading();
    }
    ds.ResetReading();
    return false;
}

}  // namespace

bool chooseFrame(const std::vector<std::pair<std::string, GDALDataset*>>& sources, int targetEpsg,
                 LocalFrame& frame, DiagnosticReport& report) {
    // 1. The target CRS: forced, else the data's own metric projected CRS, else UTM.
    const OGRSpatialReference* dataProjected = nullptr;
    bool anySrs = false;
    OGREnvelope geo;
    bool haveGeo = false;
    for (const auto& [path, ds] : sources) {
        for (OGRLayer* layer : ds->GetLayers()) {
            const OGRSpatialReference* srs = layer->GetSpatialRef();
            if (srs == nullptr) {
                continue;
            }
            anySrs = true;
            if (srs->IsGeographic() != 0) {
                // Degrees must look like degrees, or the CRS is wrong.
                OGREnvelope e;
                if (layer->GetExtent(&e, FALSE) == OGRERR_NONE &&
                    (std::abs(e.MinX) > 360.0 || std::abs(e.MaxX) > 360.0 || std::abs(e.MinY) > 90.0001 ||
                     std::abs(e.MaxY) > 90.0001)) {
                    std::ostringstream msg;
                    msg << "the layer's CRS is geographic (degrees) but its coordinates reach (" << e.MaxX
                        << ", " << e.MaxY << "), which are not degrees; the CRS is wrong or missing";
                    Diagnostic d;
                    d.severity = Severity::Error;
                    d.code = "crs.mismatch";
                    d.file = path;
                    d.layer = layer->GetName();
                    d.message = msg.str();
                    d.action = "load stopped";
                    report.add(std::move(d));
                    return false;
                }
            }
            if (dataProjected == nullptr && isMetricProjected(*srs)) {
                dataProjected = srs;
            }
            OGREnvelope e;
            if (geographicExtent(*layer, e)) {
                if (!haveGeo) {
                    geo = e;
                    haveGeo = true;
                } else {
                    geo.Merge(e);
                }
            }
        }
    }
    if (!anySrs) {
        report.error(
            "crs.missing", sources.empty() ? "" : sources.front().first,
            "no layer has a coordinate reference system, so the data cannot be placed on the map; add "
            "one (a .prj file for Shapefiles) or convert with ogr2ogr -a_srs");
        return false;
    }
    if (!haveGeo) {
        double lon = 0.0, lat = 0.0;
        for (const auto& [path, ds] : sources) {
            if (firstPointGeographic(*ds, lon, lat)) {
                geo.MinX = geo.MaxX = lon;
                geo.MinY = geo.MaxY = lat;
                haveGeo = true;
                break;
            }
        }
    }
    if (targetEpsg != 0) {
        if (frame.crs.importFromEPSG(targetEpsg) != OGRERR_NONE || !isMetricProjected(frame.crs)) {
            report.error("crs.bad_target", "",
                         "EPSG:" + std::to_string(targetEpsg) + " is not a projected CRS in metres");
            return false;
        }
    } else if (dataProjected != nullptr) {
        frame.crs = *dataProjected;
    } else if (haveGeo) {
        const double lon = 0.5 * (geo.MinX + geo.MaxX), lat = 0.5 * (geo.MinY + geo.MaxY);
        const int zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
        frame.crs.importFromEPSG((lat >= 0 ? 32600 : 32700) + zone);
    } else {
        report.error(
            "source.no_geometry", sources.front().first,
            "no layer has a feature with a geometry (are the layers empty?), so there is nothing to load");
        return false;
    }
    useGisOrder(frame.crs);

    // 2. The origin: the centre of the data, rounded to 10 m so that coordinates stay readable.
    if (haveGeo) {
        OGRSpatialReference wgs;
        wgs.importFromEPSG(4326);
        useGisOrder(wgs);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &frame.crs));
        double x = 0.5 * (geo.MinX + geo.MaxX), y = 0.5 * (geo.MinY + geo.MaxY);
        if (ct && ct->Transform(1, &x, &y) != 0) {
            frame.originX = std::round(x / 10.0) * 10.0;
            frame.originY = std::round(y / 10.0) * 10.0;
        }
    }
    return true;
}

void describeFrame(const LocalFrame& frame, CityMetadata& meta) {
    meta.crsName = frame.crs.GetName() != nullptr ? frame.crs.GetName() : "";
    char* wkt = nullptr;
    frame.crs.exportToWkt(&wkt);
    meta.crsWkt = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    const char* auth = frame.crs.GetAuthorityName(nullptr);
    const char* code = frame.crs.GetAuthorityCode(nullptr);
    meta.epsg = (auth != nullptr && code != nullptr && std::string(auth) == "EPSG") ? std::atoi(code) : 0;
    meta.originEasting = frame.originX;
    meta.originNorthing = frame.originY;
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    useGisOrder(wgs);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&frame.crs, &wgs));
    double x = frame.originX, y = frame.originY;
    if (ct && ct->Transform(1, &x, &y) != 0) {
        meta.originLonDeg = x;
        meta.originLatDeg = y;
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

namespace {

constexpr double kMaxLocalCoordinate = 1.0e6;  // m: data farther than 1000 km from the origin is wrong

struct LayerContext {
    std::string name;
    LayerRole role = LayerRole::Auto;
    const LayerRule* rule = nullptr;
    std::unique_ptr<OGRCoordinateTransformation> transform;
    std::size_t statsIndex = 0;
    std::vector<std::string> fieldKeys;  // tag key per field index, empty = not a tag
    int otherTags = -1, osmId = -1, osmWayId = -1;
    bool noCrs = false;
};

struct Flattened {
    GeomKind kind = GeomKind::None;
    std::vector<std::vector<Vec2>> parts;                   // source coordinates
    std::vector<std::vector<std::vector<Vec2>>> holeRings;  // per part (polygons)
    int holes = 0;
    int openRings = 0;
};

void flatten(const OGRGeometry* g, Flattened& out) {
    if (g == nullptr || g->IsEmpty()) {
        return;
    }
    if (g->hasCurveGeometry() != 0) {
        std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
        flatten(linear.get(), out);
        return;
    }
    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
    auto take = [&](GeomKind k) {
        if (out.kind == GeomKind::None) {
            out.kind = k;
        }
        return out.kind == k;
    };
    auto ringPoints = [&](const OGRLinearRing* r, bool ring) {
        std::vector<Vec2> pts;
        pts.reserve(static_cast<std::size_t>(r->getNumPoints()));
        for (int i = 0; i < r->getNumPoints(); ++i) {
            pts.push_back({r->getX(i), r->getY(i)});
        }
        if (ring && pts.size() >= 2) {
            if (pts.front().x == pts.back().x && pts.front().y == pts.back().y) {
                pts.pop_back();
            } else {
                ++out.openRings;
            }
        }
        return pts;
    };
    switch (t) {
        case wkbPoint:
            if (take(GeomKind::Point)) {
                const auto* p = g->toPoint();
                out.parts.push_back({{p->getX(), p->getY()}});
            }
            break;
        case wkbLineString:
            if (take(GeomKind::Line)) {
                std::vector<Vec2> pts;
                const auto* l = g->toLineString();
                for (int i = 0; i < l->getNumPoints(); ++i) {
                    pts.push_back({l->getX(i), l->getY(i)});
                }
                out.parts.push_back(std::move(pts));
            }
            break;
        case wkbPolygon:
            if (take(GeomKind::Polygon)) {
                const auto* poly = g->toPolygon();
                if (poly->getExteriorRing() != nullptr) {
                    out.parts.push_back(ringPoints(poly->getExteriorRing(), true));
                    std::vector<std::vector<Vec2>> inner;
                    for (int h = 0; h < poly->getNumInteriorRings(); ++h) {
                        inner.push_back(ringPoints(poly->getInteriorRing(h), true));
                    }
                    out.holeRings.push_back(std::move(inner));
                }
                out.holes += poly->getNumInteriorRings();
            }
            break;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* sub : *g->toGeometryCollection()) {
                flatten(sub, out);
            }
            break;
        default:
            break;
    }
}

/// Makes a self-intersecting ring valid with GEOS and keeps the largest resulting polygon.
bool repairRing(std::vector<Vec2>& ring) {
    OGRLinearRing r;
    for (const Vec2& p : ring) {
        r.addPoint(p.x, p.y);
    }
    r.closeRings();
    OGRPolygon poly;
    poly.addRing(&r);
    std::unique_ptr<OGRGeometry> valid(poly.MakeValid());
    if (!valid) {
        return false;
    }
    Flattened f;
    flatten(valid.get(), f);
    double bestArea = 0.0;
    std::vector<Vec2> best;
    for (auto& part : f.parts) {
        const double a = std::abs(signedArea(part));
        if (f.kind == GeomKind::Polygon && a > bestArea) {
            bestArea = a;
            best = part;
        }
    }
    if (best.size() < 3) {
        return false;
    }
    ring = std::move(best);
    return true;
}

Diagnostic featureDiag(Severity sev, std::string code, const std::string& file, const std::string& layer,
                       std::int64_t id, std::string message, std::string action) {
    Diagnostic d;
    d.severity = sev;
    d.code = std::move(code);
    d.file = file;
    d.layer = layer;
    d.feature = id;
    d.message = std::move(message);
    d.action = std::move(action);
    return d;
}

}  // namespace

void readFeatures(const std::string& path, GDALDataset& ds, const LocalFrame& frame, const Mapping& mapping,
                  const std::function<void(SourceFeature&, LayerRole, LayerStats&)>& sink,
                  std::vector<LayerStats>& stats, DiagnosticReport& report) {
    GdalErrorCapture capture;
    const bool osm = std::string(ds.GetDriver()->GetDescription()) == "OSM";

    // Per-layer set-up: role, field-to-tag keys, transformation into the frame.
    std::map<OGRLayer*, LayerContext> contexts;  // lookup only; ordered output goes through `stats`
    const std::size_t firstStats = stats.size();
    for (OGRLayer* layer : ds.GetLayers()) {
        LayerContext c;
        c.name = layer->GetName();
        c.rule = mapping.ruleFor(c.name);
        c.role = c.rule != nullptr ? c.rule->role : mapping.unlistedRole;
        if (c.rule == nullptr && c.role == LayerRole::Auto) {
            c.role = utilityRoleOfLayer(c.name);  // water_nodes, water_links, power_buses, power_lines
        }
        // OSM relations that are not areas (routes, restrictions) describe no road of their own.
        if (osm && c.rule == nullptr && (c.name == "multilinestrings" || c.name == "other_relations")) {
            c.role = LayerRole::Ignore;
        }
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            std::string key = normaliseKey(defn->GetFieldDefn(i)->GetNameRef());
            if (key == "other_tags") {
                c.otherTags = i;
                key.clear();
            } else if (key == "osm_id") {
                c.osmId = i;
            } else if (key == "osm_way_id") {
                c.osmWayId = i;
            }
            if (c.rule != nullptr) {
                const auto it = c.rule->fields.find(key);
                if (it != c.rule->fields.end()) {
                    key = it->second;
                }
            }
            c.fieldKeys.push_back(key);
        }
        if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
            OGRSpatialReference src(*srs);
            src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            c.transform.reset(OGRCreateCoordinateTransformation(&src, &frame.crs));
        }
        c.noCrs = !c.transform;
        c.statsIndex = stats.size();
        stats.push_back({path, c.name, toString(c.role), 0, 0, 0, 0, 0, 0, 0, 0});
        contexts.emplace(layer, std::move(c));
    }

    std::map<std::string, bool> reportedNoCrs;
    auto process = [&](OGRFeature& f, LayerContext& c) {
        LayerStats& st = stats[c.statsIndex];
        ++st.features;
        if (c.role == LayerRole::Ignore) {
            ++st.ignored;
            return;
        }
        SourceFeature sf;
        sf.file = path;
        sf.layer = c.name;
        sf.id = f.GetFID();
        if (c.osmId >= 0 && f.IsFieldSetAndNotNull(c.osmId)) {
            sf.id = f.GetFieldAsInteger64(c.osmId);
        } else if (c.osmWayId >= 0 && f.IsFieldSetAndNotNull(c.osmWayId)) {
            sf.id = f.GetFieldAsInteger64(c.osmWayId);
        }
        if (c.noCrs) {
            if (!reportedNoCrs[c.name]) {
                reportedNoCrs[c.name] = true;
                report.add(featureDiag(
                    Severity::Error, "crs.layer_missing", path, c.name, -1,
                    "the layer has no coordinate reference system, so it cannot be placed on the map",
                    "load stopped"));
            }
            ++st.skipped;
            return;
        }

        // Tags: the fields (renamed by the mapping), then the OSM other_tags pairs.
        for (std::size_t i = 0; i < c.fieldKeys.size(); ++i) {
            const int fi = static_cast<int>(i);
            if (!c.fieldKeys[i].empty() && f.IsFieldSetAndNotNull(fi)) {
                std::string v = f.GetFieldAsString(fi);
                if (!v.empty()) {
                    sf.tags.set(c.fieldKeys[i], std::move(v));
                }
            }
        }
        if (c.otherTags >= 0 && f.IsFieldSetAndNotNull(c.otherTags)) {
            if (!parseHstore(f.GetFieldAsString(c.otherTags), sf.tags)) {
                report.add(featureDiag(Severity::Warning, "tags.malformed_hstore", path, c.name, sf.id,
                                       "other_tags is not a valid hstore string",
                                       "used the tags read before the error"));
            }
        }
        if (c.rule != nullptr) {
            Mapping::apply(*c.rule, sf.tags);
        }

        // Geometry: flatten, reproject into the frame, range-check.
        Flattened fl;
        flatten(f.GetGeometryRef(), fl);
        if (fl.kind == GeomKind::None || fl.parts.empty()) {
            ++st.skipped;
            report.add(featureDiag(Severity::Warning, "geometry.empty", path, c.name, sf.id,
                                   "the feature has no geometry", "skipped"));
            return;
        }
        for (auto& part : fl.parts) {
            std::vector<double> xs(part.size()), ys(part.size());
            for (std::size_t i = 0; i < part.size(); ++i) {
                xs[i] = part[i].x;
                ys[i] = part[i].y;
            }
            std::vector<int> ok(part.size(), 0);
            const bool all = c.transform->Transform(static_cast<int>(part.size()), xs.data(), ys.data(),
                                                    nullptr, ok.data()) != 0;
            for (std::size_t i = 0; i < part.size(); ++i) {
                part[i] = {xs[i] - frame.originX, ys[i] - frame.originY};
                const bool bad = !all || ok[i] == 0 || !std::isfinite(part[i].x) ||
                                 !std::isfinite(part[i].y) || std::abs(part[i].x) > kMaxLocalCoordinate ||
                                 std::abs(part[i].y) > kMaxLocalCoordinate;
                if (bad) {
                    ++st.skipped;
                    report.add(featureDiag(
                        Severity::Warning, "geometry.out_of_range", path, c.name, sf.id,
                        "coordinates cannot be reprojected or lie more than 1000 km from the city "
                        "(wrong CRS?)",
                        "skipped"));
                    return;
                }
            }
        }
        sf.kind = fl.kind;
        sf.holesDropped = fl.holes;
        // Courtyards: only their area is kept (reprojected, so it is in m^2).
        for (auto& holes : fl.holeRings) {
            double area = 0.0;
            for (auto& ring : holes) {
                std::vector<double> xs(ring.size()), ys(ring.size());
                for (std::size_t i = 0; i < ring.size(); ++i) {
                    xs[i] = ring[i].x;
                    ys[i] = ring[i].y;
                }
                if (c.transform->Transform(static_cast<int>(ring.size()), xs.data(), ys.data()) != 0) {
                    for (std::size_t i = 0; i < ring.size(); ++i) {
                        ring[i] = {xs[i], ys[i]};
                    }
                    area += std::abs(signedArea(ring));
                }
            }
            sf.holeArea.push_back(area);
        }
        if (fl.openRings > 0) {
            report.add(featureDiag(Severity::Warning, "geometry.open_ring", path, c.name, sf.id,
                                   "a polygon ring is not closed", "closed it"));
        }
        if (sf.kind == GeomKind::Polygon) {
            for (auto& ring : fl.parts) {
                if (ring.size() <= 2000 && ringSelfIntersects(ring)) {
                    if (repairRing(ring)) {
                        sf.repaired = true;
                        report.add(featureDiag(Severity::Warning, "geometry.self_intersection", path, c.name,
                                               sf.id, "the polygon crosses itself",
                                               "made valid, kept the largest part"));
                    }
                }
            }
        }
        sf.parts = std::move(fl.parts);
        sink(sf, c.role, st);
    };

    // OSM data must be read interleaved across layers (GDAL's OSM driver requirement); other
    // drivers layer by layer.
    auto flushGdalMessages = [&](const std::string& layer) { capture.flushTo(report, path, layer); };
    if (osm) {
        ds.ResetReading();
        OGRLayer* layer = nullptr;
        while (OGRFeature* raw = ds.GetNextFeature(&layer, nullptr, nullptr, nullptr)) {
            OGRFeatureUniquePtr f(raw);
            auto it = contexts.find(layer);
            if (it != contexts.end()) {
                process(*f, it->second);
            }
        }
        flushGdalMessages("");
    } else {
        for (OGRLayer* layer : ds.GetLayers()) {
            LayerContext& c = contexts.at(layer);
            layer->ResetReading();
            while (OGRFeature* raw = layer->GetNextFeature()) {
                OGRFeatureUniquePtr f(raw);
                process(*f, c);
            }
            flushGdalMessages(c.name);
        }
    }
    for (std::size_t i = firstStats; i < stats.size(); ++i) {
        if (stats[i].features == 0 && stats[i].role != std::string(toString(LayerRole::Ignore))) {
            report.add(featureDiag(Severity::Warning, "layer.empty", path, stats[i].layer, -1,
                                   "the layer has no features", "nothing loaded from it"));
        }
    }
}

}  // namespace ct::gis
