#include "citytwin/gis/geo_output.h"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <utility>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "feature_reader.h"

namespace ct::gis {

namespace {

/// A field per name, then the rows, in one transaction per layer.
struct LayerSpec {
    std::string name;
    OGRwkbGeometryType type;
    std::vector<std::pair<std::string, OGRFieldType>> fields;
    /// Fills feature `row` (fields and geometry); returns false to stop with an error.
    std::function<void(OGRFeature&, std::size_t row)> fill;
    std::size_t rows = 0;
};

/// Writes the layers into a new GeoPackage at a temporary name, then renames it onto `path`
/// (a reader never sees a half-written file). Returns false with *error set.
bool writeGeoPackage(const std::string& path, const CityModel& city, const std::vector<LayerSpec>& layers,
                     std::string* error) {
    GDALAllRegister();
    GdalErrorCapture capture;
    auto fail = [&](const std::string& what) {
        if (error != nullptr) {
            const std::string why = capture.joined();
            *error = what + (why.empty() ? std::string() : ": " + why);
        }
        return false;
    };
    const std::string tmp = path + ".tmp.gpkg";
    std::filesystem::remove(tmp);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (drv == nullptr) {
        return fail("GDAL has no GeoPackage driver");
    }
    {
        DatasetPtr ds(drv->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) {
            return fail("cannot create " + tmp);
        }
        OGRSpatialReference srs;
        srs.importFromWkt(city.meta.crsWkt.c_str());
        for (const LayerSpec& layer : layers) {
            OGRLayer* l = ds->CreateLayer(layer.name.c_str(), &srs, layer.type, nullptr);
            if (l == nullptr) {
                return fail("cannot create layer " + layer.name);
            }
            for (const auto& [name, type] : layer.fields) {
                OGRFieldDefn f(name.c_str(), type);
                l->CreateField(&f);
            }
            if (l->StartTransaction() != OGRERR_NONE) {
                return fail("cannot start a transaction on " + layer.name);
            }
            for (std::size_t row = 0; row < layer.rows; ++row) {
                OGRFeature f(l->GetLayerDefn());
                layer.fill(f, row);
                if (l->CreateFeature(&f) != OGRERR_NONE) {
                    (void)l->RollbackTransaction();
                    return fail("cannot write a feature of " + layer.name);
                }
            }
            if (l->CommitTransaction() != OGRERR_NONE) {
                return fail("cannot commit " + layer.name);
            }
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return fail("cannot rename " + tmp + " to " + path + ": " + ec.message());
    }
    return true;
}

}  // namespace

bool writeLinkGeoPackage(const std::string& path, const CityModel& city, const std::vector<LinkLayer>& layers,
                         std::string* error) {
    const RoadNetwork& r = city.roads;
    std::vector<LayerSpec> specs;
    for (const LinkLayer& layer : layers) {
        LayerSpec spec{
            layer.name,
            wkbLineString,
            {{"link", OFTInteger64}, {"name", OFTString}, {"class", OFTString}, {"lanes", OFTInteger}},
            {},
            layer.rows.size()};
        for (const std::string& c : layer.columns) {
            spec.fields.emplace_back(c, OFTReal);
        }
        spec.fill = [&city, &r, &layer](OGRFeature& f, std::size_t i) {
            const LinkLayer::Row& row = layer.rows[i];
            f.SetField("link", static_cast<GIntBig>(row.link));
            f.SetField("name", r.names[r.linkName[row.link]].c_str());
            f.SetField("class", std::string(toString(r.linkClass[row.link])).c_str());
            f.SetField("lanes", r.linkLanes[row.link]);
            for (std::size_t k = 0; k < layer.columns.size() && k < row.values.size(); ++k) {
                f.SetField(layer.columns[k].c_str(), row.values[k]);
            }
            OGRLineString line;
            for (const Vec2& p : r.shape(LinkId{row.link})) {
                line.addPoint(p.x + city.meta.originEasting, p.y + city.meta.originNorthing);
            }
            f.SetGeometry(&line);
        };
        specs.push_back(std::move(spec));
    }
    return writeGeoPackage(path, city, specs, error);
}

bool writeBuildingGeoPackage(const std::string& path, const CityModel& city,
                             const std::vector<BuildingLayer>& layers, std::string* error) {
    const Buildings& b = city.buildings;
    std::vector<LayerSpec> specs;
    for (const BuildingLayer& layer : layers) {
        LayerSpec spec{layer.name,
                       wkbPolygon,
                       {{"building", OFTInteger64},
                        {"name", OFTString},
                        {"use", OFTString},
                        {"residents", OFTInteger},
                        {"jobs", OFTInteger}},
                       {},
                       layer.rows.size()};
        for (const std::string& c : layer.columns) {
            spec.fields.emplace_back(c, OFTReal);
        }
        spec.fill = [&city, &b, &layer](OGRFeature& f, std::size_t i) {
            const BuildingLayer::Row& row = layer.rows[i];
            f.SetField("building", static_cast<GIntBig>(row.building));
            f.SetField("name", b.name[row.building].c_str());
            f.SetField("use", toString(b.use[row.building]));
            f.SetField("residents", static_cast<int>(b.residents[row.building]));
            f.SetField("jobs", static_cast<int>(b.jobs[row.building]));
            for (std::size_t k = 0; k < layer.columns.size() && k < row.values.size(); ++k) {
                f.SetField(layer.columns[k].c_str(), row.values[k]);
            }
            OGRPolygon poly;
            OGRLinearRing ring;
            const auto pts = b.footprint(BuildingId{row.building});
            for (const Vec2& p : pts) {
                ring.addPoint(p.x + city.meta.originEasting, p.y + city.meta.originNorthing);
            }
            if (!pts.empty()) {
                ring.addPoint(pts.front().x + city.meta.originEasting,
                              pts.front().y + city.meta.originNorthing);
            }
            poly.addRing(&ring);
            f.SetGeometry(&poly);
        };
        specs.push_back(std::move(spec));
    }
    return writeGeoPackage(path, city, specs, error);
}

struct GeoFrame::Impl {
    std::unique_ptr<OGRCoordinateTransformation> ct;
    double ox = 0, oy = 0;
};

GeoFrame::GeoFrame(const CityMetadata& meta) : m(std::make_unique<Impl>()) {
    OGRSpatialReference wgs, dst;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    dst.importFromWkt(meta.crsWkt.c_str());
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m->ct.reset(OGRCreateCoordinateTransformation(&wgs, &dst));
    m->ox = meta.originEasting;
    m->oy = meta.originNorthing;
}

GeoFrame::~GeoFrame() = default;

std::optional<Vec2> GeoFrame::toLocal(double lonDeg, double latDeg) const {
    if (!m->ct || std::abs(lonDeg) > 180.0 || std::abs(latDeg) > 90.0) {
        return std::nullopt;
    }
    double x = lonDeg, y = latDeg;
    if (m->ct->Transform(1, &x, &y) == 0) {
        return std::nullopt;
    }
    return Vec2{x - m->ox, y - m->oy};
}

}  // namespace ct::gis
