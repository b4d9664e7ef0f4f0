#include "citytwin/gis/geo_output.h"

#include <cstdio>
#include <filesystem>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "feature_reader.h"

namespace ct::gis {

bool writeLinkGeoPackage(const std::string& path, const CityModel& city, const std::vector<LinkLayer>& layers,
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
        const RoadNetwork& r = city.roads;
        for (const LinkLayer& layer : layers) {
            OGRLayer* l = ds->CreateLayer(layer.name.c_str(), &srs, wkbLineString, nullptr);
            if (l == nullptr) {
                return fail("cannot create layer " + layer.name);
            }
            OGRFieldDefn id("link", OFTInteger64), name("name", OFTString), cls("class", OFTString),
                lanes("lanes", OFTInteger);
            l->CreateField(&id);
            l->CreateField(&name);
            l->CreateField(&cls);
            l->CreateField(&lanes);
            for (const std::string& c : layer.columns) {
                OGRFieldDefn f(c.c_str(), OFTReal);
                l->CreateField(&f);
            }
            if (l->StartTransaction() != OGRERR_NONE) {
                return fail("cannot start a transaction on " + layer.name);
            }
            for (const LinkLayer::Row& row : layer.rows) {
                OGRFeature f(l->GetLayerDefn());
                f.SetField("link", static_cast<GIntBig>(row.link));
                f.SetField("name", r.names[r.linkName[row.link]].c_str());
                f.SetField("class", std::string(toString(r.linkClass[row.link])).c_str());
                f.SetField("lanes", r.linkLanes[row.link]);
                for (std::size_t i = 0; i < layer.columns.size() && i < row.values.size(); ++i) {
                    f.SetField(layer.columns[i].c_str(), row.values[i]);
                }
                OGRLineString line;
                for (const Vec2& p : r.shape(LinkId{row.link})) {
                    line.addPoint(p.x + city.meta.originEasting, p.y + city.meta.originNorthing);
                }
                f.SetGeometry(&line);
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

bool writeBuildingGeoPackage(const std::string& path, const CityModel& city,
                             const std::vector<BuildingLayer>& layers, std::string* error) {
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
        const Buildings& b = city.buildings;
        for (const BuildingLayer& layer : layers) {
            OGRLayer* l = ds->CreateLayer(layer.name.c_str(), &srs, wkbPolygon, nullptr);
            if (l == nullptr) {
                return fail("cannot create layer " + layer.name);
            }
            OGRFieldDefn id("building", OFTInteger64), name("name", OFTString), use("use", OFTString),
                residents("residents", OFTInteger), jobs("jobs", OFTInteger);
            for (OGRFieldDefn* fd : {&id, &name, &use, &residents, &jobs}) {
                l->CreateField(fd);
            }
            for (const std::string& c : layer.columns) {
                OGRFieldDefn f(c.c_str(), OFTReal);
                l->CreateField(&f);
            }
            if (l->StartTransaction() != OGRERR_NONE) {
                return fail("cannot start a transaction on " + layer.name);
            }
            for (const BuildingLayer::Row& row : layer.rows) {
                OGRFeature f(l->GetLayerDefn());
                f.SetField("building", static_cast<GIntBig>(row.building));
                f.SetField("name", b.name[row.building].c_str());
                f.SetField("use", toString(b.use[row.building]));
                f.SetField("residents", static_cast<int>(b.residents[row.building]));
                f.SetField("jobs", static_cast<int>(b.jobs[row.building]));
                for (std::size_t i = 0; i < layer.columns.size() && i < row.values.size(); ++i) {
                    f.SetField(layer.columns[i].c_str(), row.values[i]);
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
