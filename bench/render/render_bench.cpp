// citytwin-render-bench: frame time and draw calls of the city view over scene sizes.
//
// For each building count and vehicle count: a synthetic city (bench_city.h), its scene built by
// ct::render exactly as citytwin-gui builds it (buildCityScene, then the link overlay, the
// instanced vehicle layer, the highlight and the signal layer above it), rendered offscreen
// (an OSG GLX pbuffer; run under xvfb-run) for warm-up + measured frames, the camera orbiting a
// little and every vehicle moving along its lanes each frame (positions from LaneGeometry, the
// instance data replaced with VehicleLayer::update, as the GUI does per frame). Prints ms per
// frame (mean, p95, and where it goes), the draw calls OpenGL really received (counted by
// interposing the GL draw functions, gl_draw_counter.h), OSG's own count after culling,
// triangles, build times and memory. Not a test: timings never fail anything.

#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <osg/Camera>
#include <osg/GL>
#include <osg/Group>
#include <osg/Image>
#include <osg/Stats>
#include <osg/Viewport>
#include <osgDB/WriteFile>
#include <osgViewer/Viewer>

#include "bench_city.h"
#include "citytwin/render/highlight_layer.h"
#include "citytwin/render/lane_geometry.h"
#include "citytwin/render/link_overlay.h"
#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/render/scene_stats.h"
#include "citytwin/render/signal_layer.h"
#include "citytwin/render/vehicle_layer.h"
#include "citytwin/traffic/traffic_network.h"
#include "gl_draw_counter.h"

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/// ms of CPU time the process has used, all threads (llvmpipe's rasteriser threads included):
/// unlike wall time, hardly affected by other processes on the same cores.
double cpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct Args {
    std::vector<int> buildings{5000, 25000, 100000};
    std::vector<int> vehicles{1000, 10000, 50000};
    std::vector<std::string> views{"overview", "street"};
    int warmup = 5;
    int frames = 30;
    int width = 1280;
    int height = 720;
    int buildingsPerFacility = 480;
    bool window = false;
    bool labels = true;
    bool layerCosts = true;
    bool trace = false;
    int maxTilesPerSide = ct::render::SceneOptions{}.maxTilesPerSide;
    bool terrainLod = true;
    std::string pngDir;
    std::string csvPath;
};

void usage() {
    std::puts(
        "usage: citytwin-render-bench [--quick] [--buildings N,N..] [--vehicles N,N..] [--views "
        "overview,street]\n"
        "                             [--frames N] [--warmup N] [--size WxH] [--facility-every N]\n"
        "                             [--no-labels] [--no-layer-costs] [--trace] [--window] [--png DIR]\n"
        "                             [--tiles N] [--no-terrain-lod] [--csv FILE]\n"
        "Renders synthetic cities offscreen (a GLX pbuffer: run it under xvfb-run -a when there is no\n"
        "display) and prints ms per frame, draw calls, triangles, build times and memory.\n"
        "  --quick             buildings 5000, vehicles 1000,10000, overview only, 2 + 8 frames\n"
        "  --buildings LIST    building counts (default 5000,25000,100000)\n"
        "  --vehicles LIST     vehicle counts (default 1000,10000,50000)\n"
        "  --views LIST        camera paths: overview (the whole city, as the app opens), street (450 m "
        "away)\n"
        "  --frames N          measured frames per case (default 30), after --warmup N (default 5)\n"
        "  --size WxH          viewport (default 1280x720)\n"
        "  --facility-every N  one named facility per N buildings (default 480, the sample city's; 0 = "
        "none)\n"
        "  --no-labels         build the scene without facility labels (SceneOptions::drawLabels = false)\n"
        "  --no-layer-costs    skip hiding one layer at a time to measure what each costs (overview)\n"
        "  --trace             print every frame's time\n"
        "  --window            render into a window instead of a pbuffer\n"
        "  --png DIR           save the last frame of each case as PNG\n"
        "  --tiles N           buildings and roads in at most N x N tiles (SceneOptions::maxTilesPerSide,\n"
        "                      default 8; 1 = one mesh per layer, the layout before tiling)\n"
        "  --no-terrain-lod    terrain tiles at full resolution at any distance (SceneOptions::terrainLod\n"
        "                      = false; with --tiles 1 the terrain is one mesh, as before tiling)\n"
        "  --csv FILE          also write the results as CSV");
}

std::vector<int> parseList(const std::string& s) {
    std::vector<int> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        out.push_back(std::stoi(item));
    }
    return out;
}

std::vector<std::string> parseNames(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        out.push_back(item);
    }
    return out;
}

bool parseArgs(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--quick") {
            a.buildings = {5000};
            a.vehicles = {1000, 10000};
            a.views = {"overview"};
            a.warmup = 2;
            a.frames = 8;
            a.layerCosts = false;
        } else if (arg == "--buildings") {
            a.buildings = parseList(value());
        } else if (arg == "--vehicles") {
            a.vehicles = parseList(value());
        } else if (arg == "--views") {
            a.views = parseNames(value());
        } else if (arg == "--frames") {
            a.frames = std::max(1, std::stoi(value()));
        } else if (arg == "--warmup") {
            a.warmup = std::max(0, std::stoi(value()));
        } else if (arg == "--size") {
            const std::string v = value();
            const auto x = v.find('x');
            if (x == std::string::npos) {
                throw std::invalid_argument("--size wants WxH");
            }
            a.width = std::stoi(v.substr(0, x));
            a.height = std::stoi(v.substr(x + 1));
        } else if (arg == "--facility-every") {
            a.buildingsPerFacility = std::max(0, std::stoi(value()));
        } else if (arg == "--no-labels") {
            a.labels = false;
        } else if (arg == "--trace") {
            a.trace = true;
        } else if (arg == "--no-layer-costs") {
            a.layerCosts = false;
        } else if (arg == "--window") {
            a.window = true;
        } else if (arg == "--png") {
            a.pngDir = value();
        } else if (arg == "--tiles") {
            a.maxTilesPerSide = std::max(1, std::stoi(value()));
        } else if (arg == "--no-terrain-lod") {
            a.terrainLod = false;
        } else if (arg == "--csv") {
            a.csvPath = value();
        } else if (arg == "--help" || arg == "-h") {
            usage();
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    for (const std::string& v : a.views) {
        if (v != "overview" && v != "street") {
            throw std::invalid_argument("unknown view " + v);
        }
    }
    return !a.buildings.empty() && !a.vehicles.empty() && !a.views.empty();
}

/// kB of the process's resident set now (VmRSS) or at its peak (VmHWM).
std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    double one = 0.0;
    double five = 0.0;
    in >> one >> five;
    char text[64];
    std::snprintf(text, sizeof text, "%.2f (1 min), %.2f (5 min)", one, five);
    return text;
}

long procStatusKb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
        }
    }
    return -1;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) {
        return 0.0;
    }
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

double mean(const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

std::uint32_t mix(std::uint32_t a, std::uint32_t b) {
    std::uint32_t h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u + (a << 6) + (a >> 2));
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

/// Vehicles wandering the lane network: each drives on at its own speed and, at the end of a
/// lane, takes one of its connections through the junction (a pseudo-random one).
class Fleet {
public:
    Fleet(const ct::traffic::TrafficNetwork& net, std::size_t count) : m_net(net) {
        const std::uint32_t lanes = std::max<std::uint32_t>(net.normalLaneCount, 1);
        m_lane.resize(count);
        m_pos.resize(count);
        m_speed.resize(count);
        m_class.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto k = static_cast<std::uint32_t>(i);
            m_lane[i] = mix(k, 11) % lanes;
            m_pos[i] = (mix(k, 12) % 1000) / 1000.0 * laneLength(m_lane[i]);
            m_speed[i] = 6.0f + static_cast<float>(mix(k, 13) % 800) / 100.0f;
            const std::uint32_t c = mix(k, 14) % 100;
            m_class[i] = c < 90   ? ct::traffic::VehicleClass::Car
                         : c < 95 ? ct::traffic::VehicleClass::Truck
                         : c < 99 ? ct::traffic::VehicleClass::Bus
                                  : ct::traffic::VehicleClass::Emergency;
        }
        m_instances.resize(count);
    }

    /// Moves every vehicle `dt` seconds on.
    void advance(double dt) {
        for (std::size_t i = 0; i < m_lane.size(); ++i) {
            m_pos[i] += m_speed[i] * dt;
            for (int hop = 0; hop < 4 && m_pos[i] >= laneLength(m_lane[i]); ++hop) {
                m_pos[i] -= laneLength(m_lane[i]);
                m_lane[i] = nextLane(m_lane[i], static_cast<std::uint32_t>(i) + m_turns++);
            }
            m_pos[i] = std::min(m_pos[i], laneLength(m_lane[i]));
        }
    }

    /// The vehicles as the vehicle layer draws them (as the GUI's simulation worker publishes them).
    const std::vector<ct::render::VehicleInstance>& instances(const ct::render::LaneGeometry& lanes) {
        for (std::size_t i = 0; i < m_lane.size(); ++i) {
            const ct::render::LanePose p = lanes.at(ct::traffic::LaneId{m_lane[i]}, m_pos[i]);
            m_instances[i] = {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z),
                              static_cast<float>(p.heading), m_class[i]};
        }
        return m_instances;
    }

private:
    double laneLength(std::uint32_t lane) const {
        return lane < m_net.laneLength.size() ? std::max(1.0, static_cast<double>(m_net.laneLength[lane]))
                                              : 1.0;
    }

    std::uint32_t nextLane(std::uint32_t lane, std::uint32_t salt) const {
        const ct::traffic::LaneId id{lane};
        if (m_net.isInternal(id)) {
            const std::uint32_t c = m_net.laneConnection[lane];
            return c < m_net.connTo.size() ? m_net.connTo[c].index() : 0u;
        }
        const std::uint32_t first = m_net.laneConnOffset[lane];
        const std::uint32_t last = m_net.laneConnOffset[lane + 1];
        if (first == last) {
            return mix(salt, 99) % std::max<std::uint32_t>(m_net.normalLaneCount, 1);  // a dead end: reappear
        }
        return m_net.connVia[first + mix(salt, 98) % (last - first)].index();
    }

    const ct::traffic::TrafficNetwork& m_net;
    std::vector<std::uint32_t> m_lane;
    std::vector<double> m_pos;
    std::vector<float> m_speed;
    std::vector<ct::traffic::VehicleClass> m_class;
    std::vector<ct::render::VehicleInstance> m_instances;
    std::uint32_t m_turns = 0;
};

/// Ends every frame with glFinish, so a frame's time includes the rasterisation, and grabs the
/// frame when asked.
class FinishDraw : public osg::Camera::DrawCallback {
public:
    FinishDraw(int width, int height) : m_width(width), m_height(height) {}

    void operator()(osg::RenderInfo&) const override {
        const Clock::time_point t0 = Clock::now();
        glFinish();
        finishMs = msSince(t0);
        if (grab) {
            image = new osg::Image;
            image->readPixels(0, 0, m_width, m_height, GL_RGB, GL_UNSIGNED_BYTE);
            grab = false;
        }
    }

    mutable double finishMs = 0.0;
    mutable bool grab = false;
    mutable osg::ref_ptr<osg::Image> image;

private:
    int m_width;
    int m_height;
};

osg::ref_ptr<osg::GraphicsContext> makeContext(int width, int height, bool window) {
    osg::ref_ptr<osg::GraphicsContext::Traits> traits = new osg::GraphicsContext::Traits;
    traits->readDISPLAY();  // Traits ignore $DISPLAY otherwise
    traits->setUndefinedScreenDetailsToDefaultScreen();
    traits->x = 0;
    traits->y = 0;
    traits->width = width;
    traits->height = height;
    traits->red = traits->green = traits->blue = 8;
    traits->alpha = 0;  // Xvfb's 24-bit visuals have no alpha
    traits->depth = 24;
    traits->stencil = 8;
    traits->windowDecoration = false;
    traits->doubleBuffer = window;
    traits->pbuffer = !window;
    traits->vsync = false;
    osg::ref_ptr<osg::GraphicsContext> gc = osg::GraphicsContext::createGraphicsContext(traits.get());
    if (!gc || !gc->valid()) {
        return nullptr;
    }
    return gc;
}

/// A camera placement: the point looked at, the distance to it, the direction looked towards
/// (clockwise from north) and how far down.
struct Pose {
    osg::Vec3d center;
    double distance = 1000.0;
    double heading = 0.0;  // rad
    double pitch = 0.7;    // rad below the horizon
    [[nodiscard]] osg::Vec3d eye() const {
        const osg::Vec3d forward(std::sin(heading) * std::cos(pitch), std::cos(heading) * std::cos(pitch),
                                 -std::sin(pitch));
        return center - forward * distance;
    }
};

Pose poseOf(const ct::render::HomeView& home) {
    Pose p;
    p.center = home.center;
    osg::Vec3d f = home.center - home.eye;
    p.distance = f.length();
    f.normalize();
    p.pitch = std::asin(std::clamp(-f.z(), -1.0, 1.0));
    p.heading = std::atan2(f.x(), f.y());
    return p;
}

/// The camera at frame `k` of a view: it orbits half a degree a frame and breathes in and out.
Pose framePose(const Pose& start, const std::string& view, int k) {
    Pose p = start;
    if (view == "street") {
        p.distance = 450.0;
        p.pitch = 30.0 * std::numbers::pi / 180.0;
    }
    p.heading += k * 0.5 * std::numbers::pi / 180.0;
    p.distance *= 1.0 + 0.03 * std::sin(k * 0.25);
    return p;
}

struct LayerCost {
    std::string name;
    ct::render::SceneStats stats;
};

/// What one layer costs: the frame without it, against the frame with everything.
struct LayerProbe {
    std::string name;
    double ms = 0.0;       ///< ms/frame saved by hiding the layer
    double glCalls = 0.0;  ///< GL draw calls saved by hiding it
};

struct SceneInfo {
    int buildings = 0;
    std::size_t facilities = 0;
    std::size_t links = 0;
    std::size_t signals = 0;
    std::size_t terrainCells = 0;
    double cityMs = 0.0;
    double sceneMs = 0.0;
    double trafficMs = 0.0;
    double layersMs = 0.0;
    double firstFrameMs = 0.0;
    ct::render::SceneStats stats;
    std::vector<LayerCost> layers;
    int probeVehicles = 0;
    double probeAllMs = 0.0;
    double probeAllGl = 0.0;
    std::vector<LayerProbe> probes;
};

struct CaseResult {
    int buildings = 0;
    int vehicles = 0;
    std::string view;
    double meanMs = 0.0;
    double medianMs = 0.0;
    double cpuMs = 0.0;  // CPU time per frame, all threads
    double p95Ms = 0.0;
    double updateMs = 0.0;
    double cullMs = 0.0;
    double drawMs = 0.0;    // draw traversal less the glFinish wait: GL calls, uploads, vertex work
    double finishMs = 0.0;  // the glFinish wait: rasterisation
    double glCalls = 0.0;
    std::uint64_t glCallsMin = 0;
    std::uint64_t glCallsMax = 0;
    std::uint64_t instances = 0;
    double osgDraws = 0.0;        // primitive sets after culling (OSG's scene stats)
    double osgDrawables = 0.0;    // drawables after culling
    std::size_t triangles = 0;    // in the scene (static, all layers, 10 per vehicle)
    double trianglesDrawn = 0.0;  // after culling (OSG's scene stats, 10 per vehicle)
    double rssMb = 0.0;
};

double attribute(osg::Stats& stats, unsigned frame, const char* name) {
    double v = 0.0;
    return stats.getAttribute(frame, name, v) ? v : 0.0;
}

void printScenes(const std::vector<SceneInfo>& scenes) {
    std::printf(
        "\nScenes (static, as built; draw calls (triangles) per layer by ct::render::collectSceneStats; the\n"
        "vehicles' one draw is instanced, its triangles are in the frame table)\n");
    std::printf(
        "| buildings | facilities | links | signal bars | city s | scene s | traffic net s | first frame s |"
        " vertices | triangles | draw calls (triangles) by layer |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const SceneInfo& s : scenes) {
        std::string layers;
        for (const LayerCost& l : s.layers) {
            if (!layers.empty()) {
                layers += ", ";
            }
            char triangles[32];
            std::snprintf(triangles, sizeof triangles, "%.2fM", static_cast<double>(l.stats.triangles) / 1e6);
            layers += l.name + " " + std::to_string(l.stats.drawCalls) + " (" + triangles + ")";
        }
        std::printf("| %d | %zu | %zu | %zu | %.2f | %.2f | %.2f | %.2f | %zu | %zu | %s |\n", s.buildings,
                    s.facilities, s.links, s.signals, s.cityMs / 1000.0, s.sceneMs / 1000.0,
                    (s.trafficMs + s.layersMs) / 1000.0, s.firstFrameMs / 1000.0, s.stats.vertices,
                    s.stats.triangles, layers.c_str());
    }
}

void printProbes(const std::vector<SceneInfo>& scenes) {
    if (scenes.empty() || scenes.front().probes.empty()) {
        return;
    }
    std::printf(
        "\nCost by layer (overview pose, vehicles standing still; CPU ms per frame (median of 3) with "
        "everything,\n"
        "and the CPU ms and GL draw calls saved by hiding each layer; differences of a few ms are noise)\n");
    std::printf("| buildings | vehicles | all: CPU ms (GL draws) |");
    for (const LayerProbe& p : scenes.front().probes) {
        std::printf(" %s |", p.name.c_str());
    }
    std::printf("\n|---:|---:|---:|");
    for (std::size_t i = 0; i < scenes.front().probes.size(); ++i) {
        std::printf("---:|");
    }
    std::printf("\n");
    for (const SceneInfo& s : scenes) {
        std::printf("| %d | %d | %.0f (%.0f) |", s.buildings, s.probeVehicles, s.probeAllMs, s.probeAllGl);
        for (const LayerProbe& p : s.probes) {
            std::printf(" %.0f (%.0f) |", p.ms, p.glCalls);
        }
        std::printf("\n");
    }
}

void printCases(const std::vector<CaseResult>& cases) {
    std::printf(
        "\nFrames (ms; wall time per frame: mean, median, p95; CPU ms = CPU time per frame of all the "
        "process's\n"
        "threads; of the wall time: update = moving the vehicles and refilling the layers, cull, draw = GL\n"
        "calls, uploads and vertex work, raster = the glFinish wait)\n");
    std::printf(
        "| buildings | vehicles | view | ms/frame | median | p95 | CPU ms | update | cull | draw | raster |"
        " GL draw calls | OSG draws | triangles | drawn | RSS MB |\n");
    std::printf("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const CaseResult& c : cases) {
        const std::string calls = c.glCallsMin == c.glCallsMax
                                      ? std::to_string(c.glCallsMin)
                                      : std::to_string(c.glCallsMin) + "-" + std::to_string(c.glCallsMax);
        std::printf(
            "| %d | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.0f | %.2fM | "
            "%.2fM | %.0f |\n",
            c.buildings, c.vehicles, c.view.c_str(), c.meanMs, c.medianMs, c.p95Ms, c.cpuMs, c.updateMs,
            c.cullMs, c.drawMs, c.finishMs, calls.c_str(), c.osgDraws, static_cast<double>(c.triangles) / 1e6,
            c.trianglesDrawn / 1e6, c.rssMb);
    }
}

void writeCsv(const std::string& path, const std::vector<CaseResult>& cases) {
    std::ofstream out(path);
    out << "buildings,vehicles,view,ms_mean,ms_median,ms_p95,cpu_ms,update_ms,cull_ms,draw_ms,raster_ms,gl_"
           "draw_"
           "calls,"
           "gl_draw_calls_min,gl_draw_calls_max,gl_instances,osg_primitive_sets,osg_drawables,triangles,"
           "triangles_"
           "drawn,rss_mb\n";
    for (const CaseResult& c : cases) {
        out << c.buildings << ',' << c.vehicles << ',' << c.view << ',' << c.meanMs << ',' << c.medianMs
            << ',' << c.p95Ms << ',' << c.cpuMs << ',' << c.updateMs << ',' << c.cullMs << ',' << c.drawMs
            << ',' << c.finishMs << ',' << c.glCalls << ',' << c.glCallsMin << ',' << c.glCallsMax << ','
            << c.instances << ',' << c.osgDraws << ',' << c.osgDrawables << ',' << c.triangles << ','
            << c.trianglesDrawn << ',' << c.rssMb << '\n';
    }
}

/// Builds the city of `buildingCount` buildings and its scene, renders every vehicle count and view
/// of `args`, and appends the results. Leaves the scene set on the viewer (the caller lets go of it).
SceneInfo benchCity(const Args& args, int buildingCount, osgViewer::Viewer& viewer, FinishDraw& finishDraw,
                    std::vector<CaseResult>& cases) {
    osg::Camera* camera = viewer.getCamera();
    osg::Stats* stats = camera->getStats();
    FinishDraw* finish = &finishDraw;
    const double aspect = static_cast<double>(args.width) / args.height;
    SceneInfo info;
    info.buildings = buildingCount;

    Clock::time_point t0 = Clock::now();
    ct::bench::BenchCityOptions cityOptions;
    cityOptions.buildings = buildingCount;
    cityOptions.buildingsPerFacility = args.buildingsPerFacility;
    const ct::CityModel city = ct::bench::makeBenchCity(cityOptions);
    info.cityMs = msSince(t0);
    info.facilities = city.facilities.count();
    info.links = city.roads.linkCount();
    info.terrainCells = city.terrain.elevation.size();

    // The scene, as citytwin-gui's loader builds it.
    t0 = Clock::now();
    ct::render::SceneOptions sceneOptions;
    sceneOptions.drawLabels = args.labels;
    sceneOptions.maxTilesPerSide = args.maxTilesPerSide;
    sceneOptions.terrainLod = args.terrainLod;
    ct::render::SceneBuild scene = ct::render::buildCityScene(city, sceneOptions);
    info.sceneMs = msSince(t0);

    t0 = Clock::now();
    const ct::traffic::TrafficNetwork net = ct::traffic::buildTrafficNetwork(city.roads);
    const ct::render::LaneGeometry lanes(city, net);
    info.trafficMs = msSince(t0);

    // The layers above the city, as CityView::setCity and setSignals add them. The overlay is
    // shown (roads coloured by live speed) and a building is selected: every layer draws.
    t0 = Clock::now();
    osg::ref_ptr<osg::Group> top = new osg::Group;
    top->addChild(scene.root.get());
    ct::render::LinkOverlay overlay(city);
    top->addChild(overlay.node());
    ct::render::VehicleLayer vehicles;
    osg::ref_ptr<osg::Group> vehicleGroup = new osg::Group;
    vehicleGroup->setName("vehicles");
    vehicleGroup->addChild(vehicles.node());
    top->addChild(vehicleGroup.get());
    ct::render::HighlightLayer highlight(city);
    highlight.showBuilding(ct::BuildingId(static_cast<std::uint32_t>(city.buildings.count() / 2)));
    top->addChild(highlight.node());
    ct::render::SignalLayer signalLayer(net, lanes);
    top->addChild(signalLayer.node());
    info.signals = signalLayer.signalCount();
    std::vector<ct::render::Rgb> linkColors(city.roads.linkCount());
    info.layersMs = msSince(t0);

    info.stats = scene.stats;
    if (osg::Group* root = scene.root->asGroup()) {
        for (unsigned i = 0; i < root->getNumChildren(); ++i) {
            const ct::render::SceneStats s = ct::render::collectSceneStats(*root->getChild(i));
            if (s.drawCalls > 0) {
                info.layers.push_back({root->getChild(i)->getName(), s});
            }
        }
    }
    info.layers.push_back({"overlay", ct::render::collectSceneStats(*overlay.node())});
    info.layers.push_back({"signals", ct::render::collectSceneStats(*signalLayer.node())});
    info.layers.push_back({"highlight", ct::render::collectSceneStats(*highlight.node())});
    info.layers.push_back({"vehicles", {1, 0, 1, 0, 0}});  // one instanced draw, whatever the count

    viewer.setSceneData(top.get());
    const Pose home = poseOf(ct::render::homeView(city, ct::render::SceneOptions{}, 30.0, aspect));

    std::printf(
        "\n%d buildings: city %.2f s, scene %.2f s (%zu vertices, %zu triangles), traffic network "
        "and lanes %.2f s, %zu facilities, %zu signal bars\n",
        buildingCount, info.cityMs / 1000.0, info.sceneMs / 1000.0, scene.stats.vertices,
        scene.stats.triangles, info.trafficMs / 1000.0, info.facilities, info.signals);
    std::fflush(stdout);

    double simTime = 0.0;
    bool firstFrame = true;
    for (const int vehicleCount : args.vehicles) {
        Fleet fleet(net, static_cast<std::size_t>(vehicleCount));
        for (const std::string& view : args.views) {
            CaseResult r;
            r.buildings = buildingCount;
            r.vehicles = vehicleCount;
            r.view = view;
            std::vector<double> frameMs;
            std::vector<double> frameCpuMs;
            std::vector<double> updateMs;
            std::vector<double> cullMs;
            std::vector<double> drawMs;
            std::vector<double> finishMs;
            std::vector<double> glCalls;
            std::vector<double> osgDraws;
            std::vector<double> osgDrawables;
            std::vector<double> trianglesDrawn;
            r.glCallsMin = UINT64_MAX;
            const int total = args.warmup + args.frames;
            for (int k = 0; k < total; ++k) {
                const bool measured = k >= args.warmup;
                const Pose pose = framePose(home, view, k);
                finish->grab = !args.pngDir.empty() && k + 1 == total;

                // What CityView::updateDynamicLayers does each frame, with the simulation's
                // vehicle positions (LaneGeometry::at, as the simulation worker publishes them).
                const Clock::time_point frameStart = Clock::now();
                const double cpuStart = cpuMs();
                simTime += 0.5;
                fleet.advance(0.5);
                vehicles.update(fleet.instances(lanes));
                vehicles.setTime(simTime);
                vehicles.setExaggeration(static_cast<float>(std::clamp(pose.distance / 500.0, 1.0, 4.0)));
                signalLayer.setTime(simTime);
                for (std::size_t l = 0; l < linkColors.size(); ++l) {
                    const double ratio = 0.5 + 0.5 * std::sin(static_cast<double>(l) * 0.37 + simTime * 0.05);
                    linkColors[l] = ct::render::speedRatioColor(ratio);
                }
                overlay.setColors(linkColors);
                const double update = msSince(frameStart);

                camera->setViewMatrixAsLookAt(pose.eye(), pose.center, osg::Vec3d(0.0, 0.0, 1.0));
                ct::bench::resetGlDrawCounts();
                viewer.frame();
                const double frame = msSince(frameStart);
                const double frameCpu = cpuMs() - cpuStart;
                const ct::bench::GlDrawCounts counts = ct::bench::glDrawCounts();
                if (firstFrame) {
                    info.firstFrameMs = frame;
                    firstFrame = false;
                }
                const unsigned fn = viewer.getFrameStamp()->getFrameNumber();
                const double drawTraversal = 1000.0 * attribute(*stats, fn, "Draw traversal time taken");
                if (args.trace) {
                    std::printf(
                        "    frame %3d%s: %7.1f ms, CPU %7.1f ms (update %.1f, draw %.1f, raster %.1f), %llu "
                        "GL draw "
                        "calls\n",
                        k, measured ? "" : " (warm-up)", frame, frameCpu, update,
                        drawTraversal - finish->finishMs, finish->finishMs,
                        static_cast<unsigned long long>(counts.calls));
                }
                if (!measured) {
                    continue;
                }
                frameMs.push_back(frame);
                frameCpuMs.push_back(frameCpu);
                updateMs.push_back(update);
                cullMs.push_back(1000.0 * attribute(*stats, fn, "Cull traversal time taken"));
                drawMs.push_back(std::max(0.0, drawTraversal - finish->finishMs));
                finishMs.push_back(finish->finishMs);
                glCalls.push_back(static_cast<double>(counts.calls));
                r.glCallsMin = std::min(r.glCallsMin, counts.calls);
                r.glCallsMax = std::max(r.glCallsMax, counts.calls);
                r.instances = counts.instances;
                osgDraws.push_back(attribute(*stats, fn, "Visible number of PrimitiveSets"));
                osgDrawables.push_back(attribute(*stats, fn, "Visible number of drawables"));
                trianglesDrawn.push_back(attribute(*stats, fn, "Visible number of GL_TRIANGLES"));
            }
            r.meanMs = mean(frameMs);
            r.medianMs = percentile(frameMs, 0.5);
            r.cpuMs = mean(frameCpuMs);
            r.p95Ms = percentile(frameMs, 0.95);
            r.updateMs = mean(updateMs);
            r.cullMs = mean(cullMs);
            r.drawMs = mean(drawMs);
            r.finishMs = mean(finishMs);
            r.glCalls = mean(glCalls);
            r.osgDraws = mean(osgDraws);
            r.osgDrawables = mean(osgDrawables);
            const ct::render::SceneStats all = ct::render::collectSceneStats(*top);
            const std::size_t box = ct::render::collectSceneStats(*vehicles.node()).triangles;
            r.triangles = all.triangles + box * (static_cast<std::size_t>(vehicleCount) - 1);
            // OSG counts the instanced vehicle draw as one box; the vehicles are never culled.
            r.trianglesDrawn =
                mean(trianglesDrawn) + static_cast<double>(box) * (static_cast<double>(vehicleCount) - 1.0);
            r.rssMb = static_cast<double>(procStatusKb("VmRSS")) / 1024.0;
            cases.push_back(r);
            std::printf(
                "  %6d vehicles, %-8s: %8.1f ms/frame (p95 %8.1f; update %.1f, cull %.1f, draw %.1f, "
                "raster %.1f), %llu-%llu GL draw calls, %.0f OSG draws, %.2fM triangles (%.2fM drawn), RSS "
                "%.0f "
                "MB\n",
                vehicleCount, view.c_str(), r.meanMs, r.p95Ms, r.updateMs, r.cullMs, r.drawMs, r.finishMs,
                static_cast<unsigned long long>(r.glCallsMin), static_cast<unsigned long long>(r.glCallsMax),
                r.osgDraws, static_cast<double>(r.triangles) / 1e6, r.trianglesDrawn / 1e6, r.rssMb);
            std::fflush(stdout);
            if (finish->image) {
                const std::string file = args.pngDir + "/b" + std::to_string(buildingCount) + "_v" +
                                         std::to_string(vehicleCount) + "_" + view + ".png";
                if (!osgDB::writeImageFile(*finish->image, file)) {
                    std::fprintf(stderr, "citytwin-render-bench: could not write %s\n", file.c_str());
                }
                finish->image = nullptr;
            }
        }
    }

    // What each layer costs: hide one at a time (the vehicles stand still), overview pose.
    if (args.layerCosts) {
        std::vector<std::pair<std::string, osg::Node*>> nodes;
        if (osg::Group* root = scene.root->asGroup()) {
            for (unsigned i = 0; i < root->getNumChildren(); ++i) {
                if (ct::render::collectSceneStats(*root->getChild(i)).drawCalls > 0) {
                    nodes.emplace_back(root->getChild(i)->getName(), root->getChild(i));
                }
            }
        }
        nodes.emplace_back("overlay", overlay.node());
        nodes.emplace_back("vehicles", vehicleGroup.get());
        nodes.emplace_back("highlight", highlight.node());
        nodes.emplace_back("signals", signalLayer.node());
        const Pose pose = framePose(home, "overview", 0);
        camera->setViewMatrixAsLookAt(pose.eye(), pose.center, osg::Vec3d(0.0, 0.0, 1.0));
        auto measure = [&](double& ms, double& gl) {
            viewer.frame();  // warm-up: the change of state
            std::vector<double> times;
            for (int k = 0; k < 3; ++k) {
                const double start = cpuMs();
                ct::bench::resetGlDrawCounts();
                viewer.frame();
                times.push_back(cpuMs() - start);
                gl = static_cast<double>(ct::bench::glDrawCounts().calls);
            }
            ms = percentile(times, 0.5);
        };
        info.probeVehicles = args.vehicles.back();
        measure(info.probeAllMs, info.probeAllGl);
        for (const auto& [name, node] : nodes) {
            const osg::Node::NodeMask mask = node->getNodeMask();
            node->setNodeMask(0u);
            double ms = 0.0;
            double gl = 0.0;
            measure(ms, gl);
            node->setNodeMask(mask);
            info.probes.push_back({name, info.probeAllMs - ms, info.probeAllGl - gl});
        }
    }
    return info;
}

int run(const Args& args) {
    osg::ref_ptr<osgViewer::Viewer> viewer = new osgViewer::Viewer;
    osg::ref_ptr<osg::GraphicsContext> gc = makeContext(args.width, args.height, args.window);
    if (!gc) {
        std::fprintf(
            stderr, "citytwin-render-bench: no OpenGL %s on display '%s' (run it under xvfb-run -a)\n",
            args.window ? "window" : "pbuffer", std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "");
        return 1;
    }
    osg::Camera* camera = viewer->getCamera();
    camera->setGraphicsContext(gc.get());
    camera->setViewport(new osg::Viewport(0, 0, args.width, args.height));
    const GLenum buffer = args.window ? GL_BACK : GL_FRONT;
    camera->setDrawBuffer(buffer);
    camera->setReadBuffer(buffer);
    const double aspect = static_cast<double>(args.width) / args.height;
    camera->setProjectionMatrixAsPerspective(30.0, aspect, 1.0, 1e4);
    const ct::render::Rgb sky = ct::render::skyColor();
    camera->setClearColor(osg::Vec4(sky.r, sky.g, sky.b, 1.0f));
    osg::ref_ptr<FinishDraw> finish = new FinishDraw(args.width, args.height);
    camera->setFinalDrawCallback(finish.get());
    // As citytwin-gui: one thread, the scene's own lights.
    viewer->setThreadingModel(osgViewer::Viewer::SingleThreaded);
    viewer->setLightingMode(osg::View::NO_LIGHT);
    viewer->setKeyEventSetsDone(0);
    osg::Stats* stats = camera->getStats();
    stats->collectStats("rendering", true);
    stats->collectStats("scene", true);
    viewer->realize();

    std::printf("citytwin-render-bench: %dx%d %s, %d warm-up + %d measured frames per case\n", args.width,
                args.height, args.window ? "window" : "pbuffer", args.warmup, args.frames);
    std::string renderer = "?";
    if (gc->makeCurrent()) {
        const auto* name = glGetString(GL_RENDERER);
        const auto* version = glGetString(GL_VERSION);
        renderer = std::string(name != nullptr ? reinterpret_cast<const char*>(name) : "?") + ", OpenGL " +
                   (version != nullptr ? reinterpret_cast<const char*>(version) : "?");
        gc->releaseContext();
    }
    std::printf("GL: %s; load average %s; %u hardware threads\n", renderer.c_str(), loadAverage().c_str(),
                std::thread::hardware_concurrency());
    std::fflush(stdout);

    std::vector<SceneInfo> scenes;
    std::vector<CaseResult> cases;
    for (const int buildingCount : args.buildings) {
        scenes.push_back(benchCity(args, buildingCount, *viewer, *finish, cases));
        // Let go of this city's scene (and its GL objects) before the next one is built.
        viewer->setSceneData(nullptr);
        viewer->frame();
        malloc_trim(0);
    }

    printScenes(scenes);
    printProbes(scenes);
    printCases(cases);

    // Do draw calls stay flat? The largest case against the smallest, per view.
    std::printf("\nDraw calls, largest case / smallest case:\n");
    for (const std::string& view : args.views) {
        const CaseResult* small = nullptr;
        const CaseResult* large = nullptr;
        for (const CaseResult& c : cases) {
            if (c.view != view) {
                continue;
            }
            if (small == nullptr || (c.buildings <= small->buildings && c.vehicles <= small->vehicles)) {
                small = &c;
            }
            if (large == nullptr || (c.buildings >= large->buildings && c.vehicles >= large->vehicles)) {
                large = &c;
            }
        }
        if (small != nullptr && large != nullptr && small->glCalls > 0.0) {
            std::printf(
                "  %-8s: GL %.0f / %.0f = %.2f; OSG %.0f / %.0f = %.2f  (%d b + %d v against %d b + %d v)\n",
                view.c_str(), large->glCalls, small->glCalls, large->glCalls / small->glCalls,
                large->osgDraws, small->osgDraws,
                small->osgDraws > 0 ? large->osgDraws / small->osgDraws : 0.0, large->buildings,
                large->vehicles, small->buildings, small->vehicles);
        }
    }
    std::printf("Load average at the end %s\n", loadAverage().c_str());
    std::printf("Peak RSS %.0f MB\n", static_cast<double>(procStatusKb("VmHWM")) / 1024.0);
    if (!args.csvPath.empty()) {
        writeCsv(args.csvPath, cases);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        if (!parseArgs(argc, argv, args)) {
            usage();
            return 2;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "citytwin-render-bench: %s\n", e.what());
        usage();
        return 2;
    }
    return run(args);
}
