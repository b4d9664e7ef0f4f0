#include "osm_restrictions.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

#include <osmium/handler.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/relation.hpp>
#include <osmium/visitor.hpp>

#include <ogr_spatialref.h>

namespace ct::gis {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

struct Pending {
    std::int64_t relation = -1;
    std::int64_t from = -1, to = -1, viaNode = -1;
    bool only = false;
};

struct RelationHandler : osmium::handler::Handler {
    std::vector<Pending> found;
    std::size_t viaWay = 0, incomplete = 0, unknownKind = 0, conditional = 0;

    void relation(const osmium::Relation& r) {
        const char* type = r.tags()["type"];
        if (type == nullptr || std::string_view(type) != "restriction") {
            return;
        }
        // restriction=*, or restriction:motorcar=* (vehicle-specific; cars are what we drive).
        const char* value = r.tags()["restriction"];
        if (value == nullptr) {
            value = r.tags()["restriction:motorcar"];
        }
        if (value == nullptr) {
            if (r.tags()["restriction:conditional"] != nullptr) {
                ++conditional;  // time-dependent: not modelled
            } else {
                ++unknownKind;
            }
            return;
        }
        const std::string v = lower(value);
        Pending p;
        p.relation = r.id();
        if (v.rfind("only_", 0) == 0) {
            p.only = true;
        } else if (v.rfind("no_", 0) != 0) {
            ++unknownKind;
            return;
        }
        bool hasViaWay = false;
        for (const osmium::RelationMember& m : r.members()) {
            const std::string_view role = m.role();
            if (role == "from" && m.type() == osmium::item_type::way) {
                p.from = m.ref();
            } else if (role == "to" && m.type() == osmium::item_type::way) {
                p.to = m.ref();
            } else if (role == "via" && m.type() == osmium::item_type::node) {
                p.viaNode = m.ref();
            } else if (role == "via" && m.type() == osmium::item_type::way) {
                hasViaWay = true;
            }
        }
        if (hasViaWay) {
            ++viaWay;
        } else if (p.from < 0 || p.to < 0 || p.viaNode < 0) {
            ++incomplete;
        } else {
            found.push_back(p);
        }
    }
};

struct NodeHandler : osmium::handler::Handler {
    std::map<std::int64_t, std::pair<double, double>> wanted;  // id -> lon, lat (ordered, deterministic)
    void node(const osmium::Node& n) {
        const auto it = wanted.find(n.id());
        if (it != wanted.end() && n.location().valid()) {
            it->second = {n.location().lon(), n.location().lat()};
        }
    }
};

}  // namespace

bool isOsmFile(const std::string& path) {
    const std::string p = lower(path);
    auto ends = [&](std::string_view s) {
        return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
    };
    return ends(".osm") || ends(".pbf") || ends(".osm.bz2") || ends(".osm.gz");
}

std::vector<TurnRestriction> readOsmRestrictions(const std::string& path, const LocalFrame& frame,
                                                 DiagnosticReport& report) {
    std::vector<TurnRestriction> out;
    RelationHandler rel;
    NodeHandler nodes;
    try {
        osmium::io::Reader relReader(path, osmium::osm_entity_bits::relation);
        osmium::apply(relReader, rel);
        relReader.close();
        if (rel.found.empty()) {
            return out;
        }
        for (const Pending& p : rel.found) {
            nodes.wanted.emplace(p.viaNode, std::pair(std::nan(""), std::nan("")));
        }
        osmium::io::Reader nodeReader(path, osmium::osm_entity_bits::node);
        osmium::apply(nodeReader, nodes);
        nodeReader.close();
    } catch (const std::exception& e) {
        report.add({Severity::Warning, "osm.restrictions_unreadable", path, "", -1, -1,
                    std::string("turn restrictions could not be read: ") + e.what(),
                    "no turn restrictions applied"});
        return {};
    }
    OGRSpatialReference wgs;
    wgs.SetWellKnownGeogCS("WGS84");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference dst(frame.crs);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &dst));
    std::size_t missingVia = 0;
    for (const Pending& p : rel.found) {
        const auto [lon, lat] = nodes.wanted.at(p.viaNode);
        double x = lon, y = lat;
        if (!ct || std::isnan(lon) || !ct->Transform(1, &x, &y)) {
            ++missingVia;
            continue;
        }
        TurnRestriction r;
        r.fromWay = p.from;
        r.toWay = p.to;
        r.via = {x - frame.originX, y - frame.originY};
        r.only = p.only;
        r.relation = p.relation;
        out.push_back(r);
    }
    const std::size_t skipped = rel.viaWay + rel.incomplete + rel.unknownKind + rel.conditional + missingVia;
    if (skipped > 0) {
        report.add(
            {Severity::Warning, "osm.restrictions_skipped", path, "relations", -1, -1,
             std::to_string(skipped) + " turn restrictions not applied: " + std::to_string(rel.viaWay) +
                 " with a via way, " + std::to_string(rel.incomplete) + " without from/via/to, " +
                 std::to_string(rel.conditional) + " conditional, " + std::to_string(rel.unknownKind) +
                 " of an unknown kind, " + std::to_string(missingVia) + " whose via node is not in the file",
             "skipped; the others are applied"});
    }
    return out;
}

}  // namespace ct::gis
