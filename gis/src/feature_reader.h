#pragma once
// GDAL vector sources: opening with clear diagnostics, choosing the local metric frame, and
// reading features reprojected into it. Private to gis/.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ogrsf_frmts.h>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "feature.h"
#include "mapping.h"

namespace ct::gis {

/// Collects GDAL's CPLError messages while alive (thread-local handler stack).
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
    struct Message {
        CPLErr level;
        std::string text;
    };
    /// Messages since the last take(), oldest first.
    std::vector<Message> take();
    /// Adds the messages since the last take() to the report: GDAL failures as errors (the data
    /// may be incomplete, so the load stops), warnings as warnings.
    void flushTo(DiagnosticReport& report, const std::string& file, const std::string& layer);
    [[nodiscard]] std::string joined() const;

private:
    static void handler(CPLErr cls, CPLErrorNum num, const char* msg);
    std::vector<Message> m_messages;
};

/// The local metric frame: a projected CRS in metres and an origin in it.
struct LocalFrame {
    OGRSpatialReference crs;
    double originX = 0.0, originY = 0.0;  ///< m, projected coordinates of local (0,0)
};

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// Opens a vector source, checking the path first. Returns null after adding an error.
DatasetPtr openVector(const std::string& path, DiagnosticReport& report);

/// Chooses the local frame from the sources (see LoadOptions::targetEpsg). Adds an error and
/// returns false when no layer has a usable CRS.
bool chooseFrame(const std::vector<std::pair<std::string, GDALDataset*>>& sources, int targetEpsg,
                 LocalFrame& frame, DiagnosticReport& report);

/// Reads every feature of a dataset, reprojected into the frame, with mapping renames applied,
/// and hands each to `sink` with its layer's role. Per-layer counts of features read go to stats.
void readFeatures(const std::string& path, GDALDataset& ds, const LocalFrame& frame, const Mapping& mapping,
                  const std::function<void(SourceFeature&, LayerRole, LayerStats&)>& sink,
                  std::vector<LayerStats>& stats, DiagnosticReport& report);

/// Fills the model's metadata (CRS name, WKT, EPSG, origin in lon/lat).
void describeFrame(const LocalFrame& frame, CityMetadata& meta);

}  // namespace ct::gis
