#include "dem_loader.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include <gdal_priv.h>
#include <gdalwarper.h>

namespace ct::gis {

bool loadTerrain(const std::string& path, const LocalFrame& frame, Terrain& out, DiagnosticReport& report) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        report.error("dem.not_found", path, "the terrain raster does not exist");
        return false;
    }
    if (fs::is_directory(path, ec)) {
        report.error("dem.folder", path, "this is a folder; give a raster file (GeoTIFF) for the terrain");
        return false;
    }
    GdalErrorCapture capture;
    DatasetPtr src(static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!src || src->GetRasterCount() < 1) {
        const std::string why = capture.joined();
        report.error("dem.unreadable", path,
                     "GDAL cannot read this file as a raster" + (why.empty() ? std::string() : ": " + why));
        return false;
    }
    const OGRSpatialReference* srs = src->GetSpatialRef();
    if (srs == nullptr) {
        report.error("dem.crs_missing", path, "the terrain raster has no coordinate reference system");
        return false;
    }
    // Warp into the frame's CRS (a no-op grid when it is already there), bilinear.
    char* srcWkt = nullptr;
    char* dstWkt = nullptr;
    srs->exportToWkt(&srcWkt);
    frame.crs.exportToWkt(&dstWkt);
    DatasetPtr warped(static_cast<GDALDataset*>(
        GDALAutoCreateWarpedVRT(src.get(), srcWkt, dstWkt, GRA_Bilinear, 0.125, nullptr)));
    CPLFree(srcWkt);
    CPLFree(dstWkt);
    if (!warped) {
        report.error("dem.reproject", path,
                     "the terrain cannot be reprojected into the city's CRS: " + capture.joined());
        return false;
    }
    double gt[6];
    warped->GetGeoTransform(gt);
    if (gt[2] != 0.0 || gt[4] != 0.0 || std::abs(std::abs(gt[5]) - gt[1]) > 1e-6 * gt[1]) {
        report.error("dem.grid", path, "the warped terrain grid is rotated or has non-square cells");
        return false;
    }
    const int w = warped->GetRasterXSize(), h = warped->GetRasterYSize();
    constexpr long long kMaxCells = 100'000'000;
    if (static_cast<long long>(w) * h > kMaxCells) {
        std::ostringstream msg;
        msg << "the terrain has " << w << " x " << h << " cells, more than the limit of " << kMaxCells
            << "; clip or resample it (gdalwarp -te / -tr)";
        report.error("dem.too_large", path, msg.str());
        return false;
    }
    GDALRasterBand* band = warped->GetRasterBand(1);
    out.elevation.assign(static_cast<std::size_t>(w) * h, 0.0f);
    if (band->RasterIO(GF_Read, 0, 0, w, h, out.elevation.data(), w, h, GDT_Float32, 0, 0) != CE_None) {
        report.error("dem.read", path, "reading the terrain failed: " + capture.joined());
        out.elevation.clear();
        return false;
    }
    int hasNoData = 0;
    const double noData = band->GetNoDataValue(&hasNoData);
    for (float& e : out.elevation) {
        if ((hasNoData != 0 && e == static_cast<float>(noData)) || !std::isfinite(e)) {
            e = std::nanf("");
        }
    }
    out.width = w;
    out.height = h;
    out.cellSize = gt[1];
    out.originX = gt[0] - frame.originX;
    out.originY = gt[3] - frame.originY;
    out.source = path;
    return true;
}

}  // namespace ct::gis
