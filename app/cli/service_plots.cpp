#include "service_plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "citytwin/utility/utility_outputs.h"

namespace ct::cli {

namespace {

std::string esc(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string f1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

/// A tick label: an integer when it is one, else one decimal.
std::string label(double v) {
    return std::abs(v - std::round(v)) < 1e-9 ? std::to_string(std::lround(v)) : f1(v);
}

/// A "nice" axis maximum: 1, 2 or 5 times a power of ten at or above v.
double niceMax(double v) {
    if (v <= 0) {
        return 1.0;
    }
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * p >= v) {
            return m * p;
        }
    }
    return 10 * p;
}

struct Series {
    std::string name, colour;
    std::vector<double> y;
};

/// One panel: series over x (s), axes, ticks every hour or so, legend.
void panel(std::ostringstream& os, double x0, double y0, double w, double h, const std::vector<double>& t,
           double clockStart, const std::vector<Series>& series, const std::string& yLabel, double tMin,
           double tMax) {
    double top = 0;
    for (const Series& s : series) {
        for (double v : s.y) {
            top = std::max(top, v);
        }
    }
    top = 4.0 * niceMax(top * 1.05 / 4.0);
    auto X = [&](double tt) { return x0 + (tt - tMin) / std::max(1.0, tMax - tMin) * w; };
    auto Y = [&](double v) { return y0 + h - v / top * h; };
    os << "<rect x='" << x0 << "' y='" << y0 << "' width='" << w << "' height='" << h
       << "' fill='white' stroke='#888'/>\n";
    for (int k = 0; k <= 4; ++k) {
        const double v = top * k / 4.0;
        os << "<line x1='" << x0 << "' x2='" << x0 + w << "' y1='" << f1(Y(v)) << "' y2='" << f1(Y(v))
           << "' stroke='#eee'/><text x='" << x0 - 6 << "' y='" << f1(Y(v) + 4)
           << "' text-anchor='end' font-size='11'>" << label(v) << "</text>\n";
    }
    const double span = tMax - tMin;
    const double tick = span <= 2 * 3600 ? 900 : span <= 6 * 3600 ? 1800 : 3600;
    for (double tt = std::ceil((clockStart + tMin) / tick) * tick - clockStart; tt <= tMax + 1e-9;
         tt += tick) {
        os << "<line x1='" << f1(X(tt)) << "' x2='" << f1(X(tt)) << "' y1='" << y0 + h << "' y2='"
           << y0 + h + 4 << "' stroke='#888'/><text x='" << f1(X(tt)) << "' y='" << y0 + h + 16
           << "' text-anchor='middle' font-size='11'>" << utility::clockString(clockStart + tt).substr(0, 5)
           << "</text>\n";
    }
    os << "<text x='" << x0 - 40 << "' y='" << y0 + h / 2 << "' font-size='12' transform='rotate(-90 "
       << x0 - 40 << " " << y0 + h / 2 << ")' text-anchor='middle'>" << esc(yLabel) << "</text>\n";
    double lx = x0 + 10;
    for (const Series& s : series) {
        // A step line: each value holds over its step (from the previous sample to its own time).
        os << "<polyline fill='none' stroke='" << s.colour << "' stroke-width='2' points='";
        for (std::size_t i = 0; i < t.size() && i < s.y.size(); ++i) {
            const double from = i == 0 ? tMin : t[i - 1];
            os << f1(X(from)) << ',' << f1(Y(s.y[i])) << ' ' << f1(X(t[i])) << ',' << f1(Y(s.y[i])) << ' ';
        }
        os << "'/>\n";
        os << "<rect x='" << lx << "' y='" << y0 + 8 << "' width='14' height='4' fill='" << s.colour
           << "'/><text x='" << lx + 18 << "' y='" << y0 + 14 << "' font-size='11'>" << esc(s.name)
           << "</text>\n";
        lx += 30 + 6.5 * static_cast<double>(s.name.size());
    }
}

}  // namespace

std::string serviceTimelineSvg(const std::vector<utility::UtilityKpi>& kpis,
                               const std::vector<utility::UtilityLogEntry>& log, double clockStart,
                               const std::string& title) {
    const double W = 960, H = 620, L = 70, R = 20, panelH = 190;
    std::ostringstream os;
    os << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
       << "' font-family='DejaVu Sans, sans-serif'>\n<rect width='100%' height='100%' fill='#fafafa'/>\n";
    os << "<text x='" << L << "' y='24' font-size='16' font-weight='bold'>" << esc(title) << "</text>\n";
    std::vector<double> t;
    Series water{"residents without water (%)", "#1f77b4", {}},
        power{"residents without power (%)", "#ff7f0e", {}};
    Series dark{"dark signals", "#555555", {}}, pumps{"pumps without power", "#2ca02c", {}},
        backup{"hospitals on backup", "#d62728", {}};
    for (const utility::UtilityKpi& k : kpis) {
        t.push_back(k.time);
        water.y.push_back(100.0 * k.shareWithoutWater);
        power.y.push_back(100.0 * k.shareWithoutPower);
        dark.y.push_back(k.darkSignals);
        pumps.y.push_back(k.pumpsWithoutPower);
        backup.y.push_back(k.hospitalsOnBackup);
    }
    const double tMin = 0, tMax = t.empty() ? 1.0 : t.back();
    const double w = W - L - R;
    panel(os, L, 60, w, panelH, t, clockStart, {water, power}, "% of residents", tMin, tMax);
    panel(os, L, 60 + panelH + 50, w, panelH, t, clockStart, {dark, pumps, backup}, "count", tMin, tMax);
    // Events: the log entries that record an event applied ("type target: ...").
    int row = 0;
    for (const utility::UtilityLogEntry& e : log) {
        static const char* kinds[] = {"pipe_burst",   "pipe_close",         "pump_outage",
                                      "line_failure", "substation_failure", "repair"};
        const bool isEvent = std::any_of(std::begin(kinds), std::end(kinds),
                                         [&](const char* k) { return e.what.rfind(k, 0) == 0; });
        if (!isEvent) {
            continue;
        }
        const double x = L + (e.time - tMin) / std::max(1.0, tMax - tMin) * w;
        os << "<line x1='" << f1(x) << "' x2='" << f1(x) << "' y1='60' y2='"
           << 60 + 2 * panelH + 50 + 24 + 14 * (row % 6) << "' stroke='#999' stroke-dasharray='4 3'/>\n";
        const std::string label =
            utility::clockString(clockStart + e.time).substr(0, 5) + " " + e.what.substr(0, e.what.find(':'));
        os << "<text x='" << f1(x + 3) << "' y='" << 60 + 2 * panelH + 50 + 34 + 14 * (row % 6)
           << "' font-size='11' fill='#333'>" << esc(label) << "</text>\n";
        ++row;
    }
    os << "</svg>\n";
    return os.str();
}

std::string serviceMapSvg(const CityModel& city, const std::vector<double>& minutesWithoutPower,
                          const std::vector<double>& minutesWithoutWater, const std::string& title) {
    const Box2& e = city.extent;
    const double W = 1000, pad = 20;
    const double sx = (W - 2 * pad) / std::max(1.0, e.max.x - e.min.x);
    const double H = (e.max.y - e.min.y) * sx + 2 * pad + 70;
    auto X = [&](double x) { return f1(pad + (x - e.min.x) * sx); };
    auto Y = [&](double y) { return f1(60 + (e.max.y - y) * sx); };
    double longest = 0;
    for (double m : minutesWithoutPower) {
        longest = std::max(longest, m);
    }
    std::ostringstream os;
    os << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << f1(H)
       << "' font-family='DejaVu Sans, sans-serif'>\n<rect width='100%' height='100%' fill='#f4f2ee'/>\n";
    os << "<text x='" << pad << "' y='24' font-size='16' font-weight='bold'>" << esc(title) << "</text>\n";
    os << "<text x='" << pad
       << "' y='44' font-size='12'>fill: minutes without power (grey: none, yellow to dark red: "
       << "up to " << std::lround(longest) << " min); blue outline: without water at some time</text>\n";
    const RoadNetwork& r = city.roads;
    os << "<g fill='none' stroke='#b8b8b8' stroke-width='1'>\n";
    for (std::uint32_t l = 0; l < r.linkCount(); ++l) {
        if (r.linkReverse[l].valid() && r.linkReverse[l].index() < l) {
            continue;  // draw each two-way street once
        }
        os << "<polyline points='";
        for (const Vec2& p : r.shape(LinkId{l})) {
            os << X(p.x) << ',' << Y(p.y) << ' ';
        }
        os << "'/>\n";
    }
    os << "</g>\n";
    for (std::size_t b = 0; b < city.buildings.count(); ++b) {
        const double mp = b < minutesWithoutPower.size() ? minutesWithoutPower[b] : 0.0;
        const double mw = b < minutesWithoutWater.size() ? minutesWithoutWater[b] : 0.0;
        std::string fill = "#c8c4bd";
        if (mp > 0 && longest > 0) {
            const double k = std::clamp(mp / longest, 0.0, 1.0);  // yellow (255,210,60) -> dark red (140,0,0)
            char buf[16];
            std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(255 - 115 * k),
                          static_cast<int>(210 - 210 * k), static_cast<int>(60 - 60 * k));
            fill = buf;
        }
        os << "<polygon fill='" << fill << "'" << (mw > 0 ? " stroke='#1565c0' stroke-width='1.5'" : "")
           << " points='";
        for (const Vec2& p : city.buildings.footprint(BuildingId{static_cast<std::uint32_t>(b)})) {
            os << X(p.x) << ',' << Y(p.y) << ' ';
        }
        os << "'/>\n";
    }
    os << "</svg>\n";
    return os.str();
}

}  // namespace ct::cli
