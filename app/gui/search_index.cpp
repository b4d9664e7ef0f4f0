#include "search_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <QRegularExpression>

#include "citytwin/sim/city_model.h"
#include "citytwin/traffic/trip.h"
#include "sim_snapshot.h"

namespace ct::gui {

namespace {

/// How well a folded name matches a folded query: 0 exact, 1 prefix, 2 a word starts with it,
/// 3 anywhere, 4 every word of the query somewhere; -1 no match.
int matchRank(const QString& name, const QString& query, const QStringList& words) {
    if (name.isEmpty()) {
        return -1;
    }
    if (name == query) {
        return 0;
    }
    if (name.startsWith(query)) {
        return 1;
    }
    const qsizetype at = name.indexOf(query);
    if (at > 0) {
        // A word start: after anything that is not a letter or digit.
        for (qsizetype i = at; i >= 0; i = name.indexOf(query, i + 1)) {
            if (i > 0 && !name.at(i - 1).isLetterOrNumber()) {
                return 2;
            }
            if (i + 1 >= name.size()) {
                break;
            }
        }
        return 3;
    }
    if (words.size() > 1 &&
        std::all_of(words.begin(), words.end(), [&](const QString& w) { return name.contains(w); })) {
        return 4;
    }
    return -1;
}

QString fromStd(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

}  // namespace

QString SearchIndex::fold(const QString& text) {
    const QString decomposed = text.normalized(QString::NormalizationForm_KD).toCaseFolded();
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        if (c.category() != QChar::Mark_NonSpacing) {
            out.append(c);
        }
    }
    // "ß" as "ss" (Qt folds case one character to one); runs of white space count as one.
    out.replace(QChar(0x00DF), QStringLiteral("ss"));
    return out.simplified();
}

void SearchIndex::setCity(const CityModel* city) {
    m_city = city;
    m_buildings.clear();
    m_facilities.clear();
    m_streets.clear();
    if (city == nullptr) {
        return;
    }
    const Buildings& bs = city->buildings;
    for (std::size_t b = 0; b < bs.count(); ++b) {
        if (!bs.name[b].empty()) {
            const QString name = fromStd(bs.name[b]);
            m_buildings.push_back({static_cast<std::uint32_t>(b), name, fold(name)});
        }
    }
    const Facilities& fs = city->facilities;
    for (std::size_t f = 0; f < fs.count(); ++f) {
        if (!fs.name[f].empty()) {
            const QString name = fromStd(fs.name[f]);
            m_facilities.push_back({static_cast<std::uint32_t>(f), name, fold(name)});
        }
    }
    // Streets: every link of a name, with the box around them.
    const RoadNetwork& r = city->roads;
    std::map<std::string, std::vector<std::uint32_t>> byName;
    for (std::size_t l = 0; l < r.linkCount(); ++l) {
        if (r.linkName[l] != 0 && r.linkName[l] < r.names.size()) {
            byName[r.names[r.linkName[l]]].push_back(static_cast<std::uint32_t>(l));
        }
    }
    addStreets(std::move(byName));
}

void SearchIndex::addStreetNames(const std::vector<std::string>& byLink) {
    if (m_city == nullptr) {
        return;
    }
    std::map<std::string, std::vector<std::uint32_t>> byName;
    for (std::size_t l = 0; l < byLink.size() && l < m_city->roads.linkCount(); ++l) {
        if (!byLink[l].empty()) {
            byName[byLink[l]].push_back(static_cast<std::uint32_t>(l));
        }
    }
    addStreets(std::move(byName));
}

void SearchIndex::addStreets(std::map<std::string, std::vector<std::uint32_t>> byName) {
    const RoadNetwork& r = m_city->roads;
    for (auto& [name, links] : byName) {
        Street s;
        s.name = fromStd(name);
        s.folded = fold(s.name);
        Box2 box;
        for (const std::uint32_t l : links) {
            for (const Vec2 v : r.shape(LinkId(l))) {
                box.add(v);
            }
        }
        s.x = 0.5 * (box.min.x + box.max.x);
        s.y = 0.5 * (box.min.y + box.max.y);
        s.radius = 0.5 * std::hypot(box.max.x - box.min.x, box.max.y - box.min.y);
        double best = std::numeric_limits<double>::max();
        for (const std::uint32_t l : links) {
            const std::span<const Vec2> shape = r.shape(LinkId(l));
            const Vec2 mid = shape[shape.size() / 2];
            const double d = std::hypot(mid.x - s.x, mid.y - s.y);
            if (d < best) {
                best = d;
                s.central = l;
            }
        }
        s.links = std::move(links);
        m_streets.push_back(std::move(s));
    }
}

void SearchIndex::setTrips(const std::vector<traffic::Trip>* trips) {
    m_trips = trips;
}

SearchHit SearchIndex::hitFor(Selection target, int rank) const {
    SearchHit hit;
    hit.target = target;
    hit.rank = rank;
    const CityModel& city = *m_city;
    const std::uint32_t id = target.id;
    switch (target.kind) {
        case Selection::Kind::Building: {
            const std::string& name = city.buildings.name[id];
            hit.label = name.empty() ? QObject::tr("Building %1").arg(id) : fromStd(name);
            hit.detail = QObject::tr("building %1, %2")
                             .arg(id)
                             .arg(QString::fromLatin1(toString(city.buildings.use[id])));
            hit.x = city.buildings.centroid[id].x;
            hit.y = city.buildings.centroid[id].y;
            break;
        }
        case Selection::Kind::Facility: {
            const std::string& name = city.facilities.name[id];
            hit.label = name.empty() ? QObject::tr("Facility %1").arg(id) : fromStd(name);
            hit.detail = QObject::tr("%1, facility %2")
                             .arg(QString::fromLatin1(toString(city.facilities.kind[id])))
                             .arg(id);
            hit.x = city.facilities.position[id].x;
            hit.y = city.facilities.position[id].y;
            break;
        }
        case Selection::Kind::Link: {
            const RoadNetwork& r = city.roads;
            const std::uint32_t n = r.linkName[id];
            const QString name = n != 0 && n < r.names.size() ? fromStd(r.names[n]) : QString();
            hit.label = name.isEmpty() ? QObject::tr("Link %1").arg(id)
                                       : QObject::tr("%1, link %2").arg(name).arg(id);
            hit.detail =
                QObject::tr("road link %1 -> %2").arg(r.linkFrom[id].index()).arg(r.linkTo[id].index());
            const std::span<const Vec2> shape = r.shape(LinkId(id));
            hit.x = shape[shape.size() / 2].x;
            hit.y = shape[shape.size() / 2].y;
            break;
        }
        case Selection::Kind::Junction:
            hit.label = QObject::tr("Junction %1").arg(id);
            hit.detail = QObject::tr("%1 roads meeting").arg(city.roads.nodeDegree(NodeId(id)));
            hit.x = city.roads.nodePos[id].x;
            hit.y = city.roads.nodePos[id].y;
            break;
        case Selection::Kind::Vehicle: {
            const bool named = m_trips != nullptr && id < m_trips->size();
            hit.label = named ? QObject::tr("Vehicle %1").arg(fromStd((*m_trips)[id].id))
                              : QObject::tr("Vehicle of trip %1").arg(id);
            hit.detail = QObject::tr("trip %1, on the road").arg(id);
            break;
        }
        case Selection::Kind::None:
            break;
    }
    return hit;
}

void SearchIndex::addIdHits(Selection::Kind kind, std::uint32_t id, const SimSnapshot* running,
                            std::vector<SearchHit>& out) const {
    const CityModel& city = *m_city;
    bool exists = false;
    switch (kind) {
        case Selection::Kind::Building:
            exists = id < city.buildings.count();
            break;
        case Selection::Kind::Facility:
            exists = id < city.facilities.count();
            break;
        case Selection::Kind::Link:
            exists = id < city.roads.linkCount();
            break;
        case Selection::Kind::Junction:
            exists = id < city.roads.nodeCount();
            break;
        case Selection::Kind::Vehicle:
            exists = running != nullptr && running->find(id) != nullptr;
            break;
        case Selection::Kind::None:
            break;
    }
    if (exists) {
        out.push_back(hitFor({kind, id}, 0));
    }
}

std::vector<SearchHit> SearchIndex::find(const QString& query, const SimSnapshot* running,
                                         std::size_t limit) const {
    std::vector<SearchHit> out;
    const QString q = fold(query);
    if (m_city == nullptr || q.isEmpty()) {
        return out;
    }
    using Kind = Selection::Kind;

    // "building 12", "link:7", "junction #3": one object by kind and id.
    static const QRegularExpression kindAndId(QStringLiteral(
        "^(building|bldg|b|link|road|l|junction|node|j|n|facility|f|vehicle|trip|v)\\s*[:#]?\\s*(\\d+)$"));
    const QRegularExpressionMatch m = kindAndId.match(q);
    if (m.hasMatch()) {
        const QString k = m.captured(1);
        const std::uint32_t id = m.captured(2).toUInt();
        Kind kind = Kind::Building;
        if (k.startsWith(QLatin1Char('l')) || k == QStringLiteral("road")) {
            kind = Kind::Link;
        } else if (k.startsWith(QLatin1Char('j')) || k.startsWith(QLatin1Char('n'))) {
            kind = Kind::Junction;
        } else if (k.startsWith(QLatin1Char('f'))) {
            kind = Kind::Facility;
        } else if (k.startsWith(QLatin1Char('v')) || k == QStringLiteral("trip")) {
            kind = Kind::Vehicle;
        }
        addIdHits(kind, id, running, out);
        if (!out.empty()) {
            return out;
        }
    }
    // A bare number: everything with that id.
    bool isNumber = false;
    const std::uint32_t number = q.toUInt(&isNumber);
    if (isNumber) {
        for (const Kind kind : {Kind::Building, Kind::Facility, Kind::Link, Kind::Junction, Kind::Vehicle}) {
            addIdHits(kind, number, running, out);
        }
    }

    // Names.
    const QStringList words = q.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<SearchHit> named;
    for (const Named& f : m_facilities) {
        const int rank = matchRank(f.folded, q, words);
        if (rank >= 0) {
            named.push_back(hitFor({Kind::Facility, f.id}, rank));
        }
    }
    for (const Named& b : m_buildings) {
        const int rank = matchRank(b.folded, q, words);
        if (rank >= 0) {
            named.push_back(hitFor({Kind::Building, b.id}, rank));
        }
    }
    for (const Street& s : m_streets) {
        const int rank = matchRank(s.folded, q, words);
        if (rank >= 0) {
            SearchHit hit;
            hit.target = {Kind::Link, s.central};
            hit.label = s.name;
            hit.detail = s.links.size() == 1 ? QObject::tr("street, link %1").arg(s.central)
                                             : QObject::tr("street, %1 links").arg(s.links.size());
            hit.x = s.x;
            hit.y = s.y;
            hit.radius = s.radius;
            hit.rank = rank;
            named.push_back(std::move(hit));
        }
    }
    // Vehicles on the road, by trip id.
    if (running != nullptr && m_trips != nullptr) {
        for (const VehicleSnap& v : running->vehicles) {
            if (v.trip >= m_trips->size()) {
                continue;
            }
            const int rank = matchRank(fold(fromStd((*m_trips)[v.trip].id)), q, words);
            if (rank >= 0 && rank <= 2) {  // ids: no matches deep inside ("3" in every id)
                named.push_back(hitFor({Kind::Vehicle, v.trip}, rank));
            }
            if (named.size() > 4 * limit) {
                break;
            }
        }
    }
    // Best first; ties keep the order above (facilities, buildings, streets, vehicles).
    std::stable_sort(named.begin(), named.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
    for (SearchHit& h : named) {
        const bool dup =
            std::any_of(out.begin(), out.end(), [&](const SearchHit& o) { return o.target == h.target; });
        if (!dup) {
            out.push_back(std::move(h));
        }
    }
    if (out.size() > limit) {
        out.resize(limit);
    }
    return out;
}

}  // namespace ct::gui
