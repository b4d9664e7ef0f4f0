#include "citytwin/scenarios/link_refs.h"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "citytwin/scenarios/scenario.h"

namespace ct::scenarios {

LinkResolver::LinkResolver(const CityModel& city)
    : m_city(city),
      m_index(city.roads, [&city](LinkId l) { return city.roads.hasFlag(l, link_flags::kMainComponent); }),
      m_frame(city.meta) {}

std::vector<LinkId> LinkResolver::resolve(const std::string& ref) const {
    const RoadNetwork& r = m_city.roads;
    std::vector<LinkId> out;
    if (ref.rfind("way:", 0) == 0) {
        const std::string id = ref.substr(4);
        for (std::uint32_t l = 0; l < r.linkCount(); ++l) {
            if (std::to_string(r.linkSourceFeature[l]) == id) {
                out.emplace_back(l);
            }
        }
    } else if (ref.rfind("name:", 0) == 0) {
        const std::string name = ref.substr(5);
        for (std::uint32_t l = 0; l < r.linkCount(); ++l) {
            if (r.names[r.linkName[l]] == name) {
                out.emplace_back(l);
            }
        }
    } else {
        std::uint64_t v = 0;
        const auto [p, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), v);
        if (ec == std::errc() && p == ref.data() + ref.size() && v < r.linkCount()) {
            out.emplace_back(static_cast<std::uint32_t>(v));
        }
    }
    return out;
}

LinkId LinkResolver::nearest(Vec2 p) const {
    return m_index.nearest(p, 500.0).link;
}

LinkId LinkResolver::nearestLonLat(double lon, double lat) const {
    const auto p = m_frame.toLocal(lon, lat);
    return p ? nearest(*p) : LinkId{};
}

namespace {
std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur.push_back(c);
        }
    }
    out.push_back(cur);
    return out;
}
std::optional<double> toNumber(const std::string& s) {
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}
}  // namespace

std::vector<CsvTrip> readTripsCsv(const std::string& path, const LinkResolver& links, double clockStart,
                                  DiagnosticReport& report) {
    std::vector<CsvTrip> trips;
    std::ifstream in(path);
    if (!in) {
        report.error("trips.unreadable", path, "the trips file cannot be opened");
        return trips;
    }
    auto problem = [&](int line, const std::string& msg) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.code = "trips.bad_line";
        d.file = path;
        d.line = line;
        d.message = msg;
        d.action = "trip skipped";
        report.add(std::move(d));
    };
    std::string header;
    std::getline(in, header);
    std::map<std::string, std::size_t> col;
    {
        const auto names = splitCsv(header);
        for (std::size_t i = 0; i < names.size(); ++i) {
            col[names[i]] = i;
        }
    }
    const bool byLink = col.count("from_link") && col.count("to_link");
    const bool byXy = col.count("from_x") && col.count("from_y") && col.count("to_x") && col.count("to_y");
    const bool byLonLat =
        col.count("from_lon") && col.count("from_lat") && col.count("to_lon") && col.count("to_lat");
    if (!col.count("id") || !col.count("depart") || !(byLink || byXy || byLonLat)) {
        Diagnostic d;
        d.severity = Severity::Error;
        d.code = "trips.header";
        d.file = path;
        d.line = 1;
        d.message =
            "the header needs id, depart and from_link,to_link or from_x,from_y,to_x,to_y or "
            "from_lon,from_lat,to_lon,to_lat";
        d.action = "load stopped";
        report.add(std::move(d));
        return trips;
    }
    std::string line;
    int lineNo = 1;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto f = splitCsv(line);
        auto field = [&](const char* name) { return col[name] < f.size() ? f[col[name]] : std::string(); };
        CsvTrip t;
        t.id = field("id");
        const std::string dep = field("depart");
        if (auto n = toNumber(dep)) {
            t.depart = *n;
        } else if (auto c = scenarios::parseClock(dep)) {
            t.depart = *c - clockStart;
        } else {
            problem(lineNo, "depart '" + dep + "' is neither seconds nor HH:MM:SS");
            continue;
        }
        t.type = col.count("type") ? field("type") : "car";
        auto place = [&](const char* a, const char* b, const char* link) -> LinkId {
            if (byLink) {
                const auto l = links.resolve(field(link));
                return l.empty() ? LinkId{} : l.front();
            }
            const auto x = toNumber(field(a)), y = toNumber(field(b));
            if (!x || !y) {
                return {};
            }
            return byXy ? links.nearest({*x, *y}) : links.nearestLonLat(*x, *y);
        };
        t.from = byXy ? place("from_x", "from_y", "from_link") : place("from_lon", "from_lat", "from_link");
        t.to = byXy ? place("to_x", "to_y", "to_link") : place("to_lon", "to_lat", "to_link");
        if (!t.from.valid() || !t.to.valid()) {
            problem(lineNo,
                    "trip '" + t.id + "': an origin or destination matches no drivable link (within 500 m)");
            continue;
        }
        trips.push_back(std::move(t));
    }
    return trips;
}

}  // namespace ct::scenarios
