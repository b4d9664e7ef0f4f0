#pragma once
// Tags: a feature's attributes as key = value text, after OpenStreetMap's model, and the
// parsers for the values CityTwin reads (lengths, speeds, lane counts, oneway).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ct::gis {

/// Key/value pairs. Keys are lower-case; lookups treat '_' and ':' as the same character.
class Tags {
public:
    void set(std::string key, std::string value);
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;
    [[nodiscard]] std::string_view getOr(std::string_view key, std::string_view fallback) const {
        return get(key).value_or(fallback);
    }
    [[nodiscard]] bool has(std::string_view key) const { return get(key).has_value(); }
    void erase(std::string_view key);
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const { return m_items; }

private:
    std::vector<std::pair<std::string, std::string>> m_items;
};

/// Parses a PostgreSQL hstore string as written by GDAL's OSM driver in `other_tags`:
/// "key"=>"value","k2"=>"v2" with backslash escapes. Returns false on malformed text (the pairs
/// read before the error are kept).
bool parseHstore(std::string_view text, Tags& out);

/// Normalises a field name to a tag key: lower case.
std::string normaliseKey(std::string_view field);

/// A length in metres from OSM-style text: "12", "12.5 m", "12,5", "40 ft", "40'", "3'6\"".
/// The first of ';'-separated values. nullopt when not a number.
std::optional<double> parseLengthM(std::string_view text);

/// A speed limit in m/s: "50", "50 km/h", "30 mph", "walk", "DE:urban", "zone:30"... nullopt for
/// "none", "signals", "variable" or text that is not a speed.
std::optional<double> parseSpeedMps(std::string_view text);

/// A non-negative count ("2", "2;3" takes the first, "2.5" rounds). nullopt when not a number.
std::optional<int> parseCount(std::string_view text);

enum class OnewayValue { No, Forward, Backward, Unknown };
OnewayValue parseOneway(std::string_view text);

}  // namespace ct::gis
