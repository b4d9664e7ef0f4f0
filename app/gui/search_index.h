#pragma once
/// Finding objects of the city by name or id, for the toolbar's search box: buildings by name or
/// id, facilities by name or id, streets by name (all links of the name together), links and
/// junctions by id, and the vehicles on the road by trip id or number.
///
/// Qt Core only (QString for case- and accent-insensitive matching); no widgets, no OSG.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QString>

#include "selection.h"

namespace ct {
struct CityModel;
}
namespace ct::traffic {
struct Trip;
}

namespace ct::gui {

struct SimSnapshot;

/// One match: what to select, and where to look.
struct SearchHit {
    Selection target;
    QString label;   ///< what the list shows ("Rathaus Auenfurt", "Main Street")
    QString detail;  ///< what it is ("building 12", "street, 4 links")
    double x = 0.0;  ///< m, middle of what is found (a street: of all its links)
    double y = 0.0;
    double radius = 0.0;  ///< m, half its size (0: use the object's own framing)
    int rank = 0;         ///< lower is better: exact, prefix, word start, anywhere
};

/// GUI thread (or any one thread at a time). Holds pointers to the city and trips it was built
/// from: they must outlive it or be replaced with setCity()/setTrips().
class SearchIndex {
public:
    /// Indexes the names of `city` (null: nothing).
    void setCity(const CityModel* city);
    /// More street names, by link (empty: none), beside the links' own: a SUMO network names its
    /// links by edge id and keeps the street names apart. Call after setCity().
    void addStreetNames(const std::vector<std::string>& byLink);
    /// The trips of the scenario running (null: none); only those on the road are found.
    void setTrips(const std::vector<traffic::Trip>* trips);

    /// The best matches for `query`, best first, at most `limit`. `running` (may be null) says
    /// which vehicles are on the road and where. Queries: words of a name ("rathaus", "main st");
    /// a number (every kind with that id); a kind and a number ("building 12", "link 7",
    /// "junction 3", "facility 2", "vehicle 5"); a trip id ("t03").
    [[nodiscard]] std::vector<SearchHit> find(const QString& query, const SimSnapshot* running,
                                              std::size_t limit = 40) const;

    /// Lower case without accents: "Süd" and "sud" match.
    [[nodiscard]] static QString fold(const QString& text);

private:
    struct Street {
        QString name;
        QString folded;
        std::vector<std::uint32_t> links;
        double x = 0.0, y = 0.0, radius = 0.0;
        std::uint32_t central = 0;  ///< the link nearest the street's middle
    };
    struct Named {
        std::uint32_t id = 0;
        QString name;
        QString folded;
    };
    /// Adds a street for each group of links, named by its key.
    void addStreets(std::map<std::string, std::vector<std::uint32_t>> byName);
    void addIdHits(Selection::Kind kind, std::uint32_t id, const SimSnapshot* running,
                   std::vector<SearchHit>& out) const;
    [[nodiscard]] SearchHit hitFor(Selection target, int rank) const;

    const CityModel* m_city = nullptr;
    const std::vector<traffic::Trip>* m_trips = nullptr;
    std::vector<Named> m_buildings;
    std::vector<Named> m_facilities;
    std::vector<Street> m_streets;
};

}  // namespace ct::gui
