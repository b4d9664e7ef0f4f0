#pragma once
// The mapping from source layers and fields to CityTwin tags (docs/mapping.md).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "tags.h"

namespace ct::gis {

enum class LayerRole {
    Auto,
    Roads,
    Buildings,
    Facilities,
    Signals,
    LandUse,
    WaterNodes,
    WaterLinks,
    PowerBuses,
    PowerLines,
    Ignore
};

/// The utility role of a layer by its name (water_nodes, water_links, power_buses, power_lines,
/// case-insensitive), else Auto.
LayerRole utilityRoleOfLayer(const std::string& layer);

const char* toString(LayerRole r);

struct LayerRule {
    std::string pattern;  ///< layer name, '*' matches any run of characters, case-insensitive
    LayerRole role = LayerRole::Auto;
    std::map<std::string, std::string> fields;                         ///< field (lower case) -> tag key
    std::map<std::string, std::map<std::string, std::string>> values;  ///< tag key -> value -> value
    std::map<std::string, std::string> defaults;                       ///< tag key -> value when missing
};

struct Mapping {
    std::vector<LayerRule> layers;             ///< first matching rule wins
    LayerRole unlistedRole = LayerRole::Auto;  ///< role of layers no rule matches

    /// The rule for a layer, or nullptr for an unlisted layer.
    [[nodiscard]] const LayerRule* ruleFor(const std::string& layer) const;
    /// The role a layer plays.
    [[nodiscard]] LayerRole roleFor(const std::string& layer) const;
    /// Applies a rule's value maps and defaults to tags already renamed.
    static void apply(const LayerRule& rule, Tags& tags);
};

/// Reads a mapping file. On failure returns nullopt and adds an error with the file and the
/// JSON position.
std::optional<Mapping> readMapping(const std::string& path, DiagnosticReport& report);

}  // namespace ct::gis
