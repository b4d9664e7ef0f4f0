#include "mapping.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ct::gis {

namespace {

bool globMatch(std::string_view pat, std::string_view s) {
    // Iterative '*' matcher with backtracking to the last star; case-insensitive.
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    auto eq = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    };
    while (i < s.size()) {
        if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (p < pat.size() && eq(pat[p], s[i])) {
            ++p;
            ++i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') {
        ++p;
    }
    return p == pat.size();
}

std::optional<LayerRole> roleFromString(const std::string& s) {
    static const std::map<std::string, LayerRole> kRoles{{"auto", LayerRole::Auto},
                                                         {"roads", LayerRole::Roads},
                                                         {"buildings", LayerRole::Buildings},
                                                         {"facilities", LayerRole::Facilities},
                                                         {"signals", LayerRole::Signals},
                                                         {"landuse", LayerRole::LandUse},
                                                         {"water_nodes", LayerRole::WaterNodes},
                                                         {"water_links", LayerRole::WaterLinks},
                                                         {"power_buses", LayerRole::PowerBuses},
                                                         {"power_lines", LayerRole::PowerLines},
                                                         {"ignore", LayerRole::Ignore}};
    const auto it = kRoles.find(s);
    return it == kRoles.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace

const char* toString(LayerRole r) {
    switch (r) {
        case LayerRole::Auto:
            return "auto";
        case LayerRole::Roads:
            return "roads";
        case LayerRole::Buildings:
            return "buildings";
        case LayerRole::Facilities:
            return "facilities";
        case LayerRole::Signals:
            return "signals";
        case LayerRole::LandUse:
            return "landuse";
        case LayerRole::WaterNodes:
            return "water_nodes";
        case LayerRole::WaterLinks:
            return "water_links";
        case LayerRole::PowerBuses:
            return "power_buses";
        case LayerRole::PowerLines:
            return "power_lines";
        case LayerRole::Ignore:
            return "ignore";
    }
    return "?";
}

LayerRole utilityRoleOfLayer(const std::string& layer) {
    std::string lower = layer;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const LayerRole r :
         {LayerRole::WaterNodes, LayerRole::WaterLinks, LayerRole::PowerBuses, LayerRole::PowerLines}) {
        if (lower == toString(r)) {
            return r;
        }
    }
    return LayerRole::Auto;
}

const LayerRule* Mapping::ruleFor(const std::string& layer) const {
    for (const LayerRule& r : layers) {
        if (globMatch(r.pattern, layer)) {
            return &r;
        }
    }
    return nullptr;
}

LayerRole Mapping::roleFor(const std::string& layer) const {
    const LayerRule* r = ruleFor(layer);
    return r != nullptr ? r->role : unlistedRole;
}

void Mapping::apply(const LayerRule& rule, Tags& tags) {
    for (const auto& [key, table] : rule.values) {
        if (const auto v = tags.get(key)) {
            const auto it = table.find(std::string(*v));
            if (it != table.end()) {
                tags.set(key, it->second);
            }
        }
    }
    for (const auto& [key, value] : rule.defaults) {
        if (!tags.has(key)) {
            tags.set(key, value);
        }
    }
}

std::optional<Mapping> readMapping(const std::string& path, DiagnosticReport& report) {
    std::ifstream in(path);
    if (!in) {
        report.error("mapping.unreadable", path, "the mapping file cannot be opened");
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        report.error("mapping.syntax", path, std::string("invalid JSON: ") + e.what());
        return std::nullopt;
    }
    // Validate the structure by hand so every mistake names its JSON pointer.
    auto fail = [&](const std::string& where, const std::string& what) {
        report.error("mapping.schema", path, where + ": " + what);
        return std::nullopt;
    };
    if (!j.is_object()) {
        return fail("/", "the mapping must be a JSON object");
    }
    Mapping m;
    if (j.contains("unlisted_layers")) {
        const auto r = j["unlisted_layers"].is_string()
                           ? roleFromString(j["unlisted_layers"].get<std::string>())
                           : std::nullopt;
        if (!r) {
            return fail("/unlisted_layers",
                        "must be one of auto, roads, buildings, facilities, signals, landuse, ignore");
        }
        m.unlistedRole = *r;
    }
    if (j.contains("layers")) {
        if (!j["layers"].is_array()) {
            return fail("/layers", "must be an array of layer rules");
        }
        for (std::size_t i = 0; i < j["layers"].size(); ++i) {
            const auto& jr = j["layers"][i];
            const std::string where = "/layers/" + std::to_string(i);
            if (!jr.is_object() || !jr.contains("layer") || !jr["layer"].is_string()) {
                return fail(where, "each rule needs a \"layer\" name or pattern");
            }
            LayerRule rule;
            rule.pattern = jr["layer"].get<std::string>();
            if (jr.contains("role")) {
                const auto r =
                    jr["role"].is_string() ? roleFromString(jr["role"].get<std::string>()) : std::nullopt;
                if (!r) {
                    return fail(
                        where + "/role",
                        "must be one of auto, roads, buildings, facilities, signals, landuse, ignore");
                }
                rule.role = *r;
            }
            for (const char* section : {"fields", "defaults"}) {
                if (!jr.contains(section)) {
                    continue;
                }
                if (!jr[section].is_object()) {
                    return fail(where + "/" + section, "must be an object of strings");
                }
                for (const auto& [k, v] : jr[section].items()) {
                    if (!v.is_string() && !v.is_number()) {
                        return fail(where + "/" + section + "/" + k, "must be a string");
                    }
                    const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
                    (std::string(section) == "fields" ? rule.fields : rule.defaults)[normaliseKey(k)] =
                        std::string(section) == "fields" ? normaliseKey(value) : value;
                }
            }
            if (jr.contains("values")) {
                if (!jr["values"].is_object()) {
                    return fail(where + "/values", "must map tag keys to objects of value -> value");
                }
                for (const auto& [key, table] : jr["values"].items()) {
                    if (!table.is_object()) {
                        return fail(where + "/values/" + key, "must be an object of value -> value");
                    }
                    for (const auto& [from, to] : table.items()) {
                        if (!to.is_string()) {
                            return fail(where + "/values/" + key + "/" + from, "must be a string");
                        }
                        rule.values[normaliseKey(key)][from] = to.get<std::string>();
                    }
                }
            }
            m.layers.push_back(std::move(rule));
        }
    }
    return m;
}

}  // namespace ct::gis
