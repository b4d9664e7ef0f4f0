#include "scenario_edits.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ct::gui {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

/// `p` (relative to `from`) as a path relative to `to`; absolute paths stay as they are.
std::string rebase(const std::string& p, const fs::path& from, const fs::path& to) {
    if (p.empty() || fs::path(p).is_absolute() || from == to) {
        return p;
    }
    const fs::path abs = (from / p).lexically_normal();
    const fs::path rel = abs.lexically_relative(to);
    return rel.empty() ? abs.generic_string() : rel.generic_string();
}

void rebaseString(json& obj, const char* key, const fs::path& from, const fs::path& to) {
    if (obj.is_object() && obj.contains(key) && obj[key].is_string()) {
        obj[key] = rebase(obj[key].get<std::string>(), from, to);
    }
}

void rebaseArray(json& obj, const char* key, const fs::path& from, const fs::path& to) {
    if (obj.is_object() && obj.contains(key) && obj[key].is_array()) {
        for (json& v : obj[key]) {
            if (v.is_string()) {
                v = rebase(v.get<std::string>(), from, to);
            }
        }
    }
}

}  // namespace

std::string scenarioWithEdits(const std::string& source, const std::string& target,
                              const std::vector<LinkEdit>& edits, std::string* error) {
    std::ifstream in(source, std::ios::binary);
    if (!in) {
        if (error != nullptr) {
            *error = "cannot read " + source;
        }
        return {};
    }
    json j;
    try {
        j = json::parse(in, nullptr, true, true);
    } catch (const std::exception& e) {
        if (error != nullptr) {
            *error = source + " is not valid JSON: " + e.what();
        }
        return {};
    }
    if (!j.is_object()) {
        if (error != nullptr) {
            *error = source + " holds no scenario object";
        }
        return {};
    }
    // File names are relative to the scenario's folder: keep them pointing at the same files.
    const fs::path from = fs::absolute(fs::path(source)).parent_path().lexically_normal();
    const fs::path to = fs::absolute(fs::path(target)).parent_path().lexically_normal();
    if (j.contains("city")) {
        json& c = j["city"];
        rebaseArray(c, "sources", from, to);
        rebaseString(c, "dem", from, to);
        rebaseString(c, "mapping", from, to);
        rebaseString(c, "sumo_net", from, to);
    }
    if (j.contains("demand")) {
        rebaseArray(j["demand"], "trips", from, to);
        rebaseArray(j["demand"], "sumo_routes", from, to);
    }
    // The outputs folder stays as written: the edited run's outputs go next to the new file.
    if (!j.contains("events") || !j["events"].is_array()) {
        j["events"] = json::array();
    }
    for (const LinkEdit& e : edits) {
        json ev = json::object();
        // Whole seconds stay integers in the file.
        if (e.time == std::floor(e.time) && std::abs(e.time) < 1e15) {
            ev["time"] = static_cast<std::int64_t>(e.time);
        } else {
            ev["time"] = e.time;
        }
        ev["type"] = e.close ? "close_link" : "open_link";
        ev["link"] = e.ref;
        ev["note"] = "edited in citytwin-gui";
        j["events"].push_back(std::move(ev));
    }
    return j.dump(2) + "\n";
}

}  // namespace ct::gui
