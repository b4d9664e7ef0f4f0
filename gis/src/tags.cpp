#include "tags.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace ct::gis {

namespace {

bool keyEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] == '_' ? ':' : a[i];
        const char y = b[i] == '_' ? ':' : b[i];
        if (x != y) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The first ';'-separated value, trimmed.
std::string_view firstValue(std::string_view s) {
    return trim(s.substr(0, s.find(';')));
}

/// Reads a leading decimal number (a ',' decimal separator is accepted); returns the rest.
std::optional<double> leadingNumber(std::string_view s, std::string_view* rest) {
    std::string buf(s);
    std::size_t i = 0;
    while (i < buf.size() && (std::isdigit(static_cast<unsigned char>(buf[i])) != 0 || buf[i] == '.' ||
                              buf[i] == ',' || (i == 0 && (buf[i] == '-' || buf[i] == '+')))) {
        if (buf[i] == ',') {
            buf[i] = '.';
        }
        ++i;
    }
    if (i == 0) {
        return std::nullopt;
    }
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(buf.data(), buf.data() + i, v);
    if (ec != std::errc() || !std::isfinite(v)) {
        return std::nullopt;
    }
    if (rest != nullptr) {
        *rest = trim(s.substr(static_cast<std::size_t>(ptr - buf.data())));
    }
    return v;
}

}  // namespace

void Tags::set(std::string key, std::string value) {
    for (auto& [k, v] : m_items) {
        if (keyEquals(k, key)) {
            v = std::move(value);
            return;
        }
    }
    m_items.emplace_back(std::move(key), std::move(value));
}

std::optional<std::string_view> Tags::get(std::string_view key) const {
    for (const auto& [k, v] : m_items) {
        if (keyEquals(k, key)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

void Tags::erase(std::string_view key) {
    std::erase_if(m_items, [&](const auto& kv) { return keyEquals(kv.first, key); });
}

std::string normaliseKey(std::string_view field) {
    return lower(trim(field));
}

bool parseHstore(std::string_view text, Tags& out) {
    // Grammar: pair (',' pair)*, pair = quoted '=>' (quoted | NULL); quoted = '"' (char | '\' char)* '"'.
    std::size_t i = 0;
    auto skipSpace = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) {
            ++i;
        }
    };
    auto quoted = [&](std::string& s) {
        skipSpace();
        if (i >= text.size() || text[i] != '"') {
            return false;
        }
        ++i;
        while (i < text.size() && text[i] != '"') {
            if (text[i] == '\\' && i + 1 < text.size()) {
                ++i;
            }
            s.push_back(text[i++]);
        }
        if (i >= text.size()) {
            return false;
        }
        ++i;
        return true;
    };
    skipSpace();
    while (i < text.size()) {
        std::string key, value;
        if (!quoted(key)) {
            return false;
        }
        skipSpace();
        if (text.substr(i, 2) != "=>") {
            return false;
        }
        i += 2;
        skipSpace();
        if (text.substr(i, 4) == "NULL") {
            i += 4;
        } else if (!quoted(value)) {
            return false;
        }
        out.set(normaliseKey(key), std::move(value));
        skipSpace();
        if (i < text.size()) {
            if (text[i] != ',') {
                return false;
            }
            ++i;
            skipSpace();
        }
    }
    return true;
}

std::optional<double> parseLengthM(std::string_view text) {
    const std::string_view v = firstValue(text);
    std::string_view rest;
    const auto n = leadingNumber(v, &rest);
    if (!n) {
        return std::nullopt;
    }
    const std::string unit = lower(rest);
    if (unit.empty() || unit == "m" || unit == "meter" || unit == "meters" || unit == "metre" ||
        unit == "metres") {
        return *n;
    }
    if (unit == "ft" || unit == "feet" || unit == "foot") {
        return *n * 0.3048;
    }
    if (unit == "km") {
        return *n * 1000.0;
    }
    if (unit == "cm") {
        return *n / 100.0;
    }
    // Feet and inches: 3'6" (the inches part is optional).
    if (!unit.empty() && unit.front() == '\'') {
        double inches = 0.0;
        std::string_view r2;
        if (const auto in = leadingNumber(trim(rest.substr(1)), &r2)) {
            inches = *in;
        }
        return *n * 0.3048 + inches * 0.0254;
    }
    return std::nullopt;
}

std::optional<double> parseSpeedMps(std::string_view text) {
    const std::string v = lower(firstValue(text));
    constexpr double kKmh = 1.0 / 3.6;
    if (v == "walk") {
        return 7.0 * kKmh;
    }
    // Implicit limits by country context, e.g. "DE:urban" (the common European values).
    if (const auto colon = v.find(':');
        colon != std::string::npos && !std::isdigit(static_cast<unsigned char>(v[0]))) {
        std::string_view kind = std::string_view(v).substr(colon + 1);
        if (std::string_view(v).substr(0, colon) == "zone") {
            kind = std::string_view(v);  // "zone:30" without a country prefix
        }
        if (kind == "urban") {
            return 50.0 * kKmh;
        }
        if (kind == "rural") {
            return 90.0 * kKmh;
        }
        if (kind == "living_street") {
            return 7.0 * kKmh;
        }
        if (kind == "motorway" || kind == "trunk") {
            return std::nullopt;  // class default
        }
        // "zone:30", "DE:zone30", "DE:zone:30".
        std::string_view z = kind;
        if (z.substr(0, 4) == "zone") {
            z.remove_prefix(4);
            if (!z.empty() && z.front() == ':') {
                z.remove_prefix(1);
            }
            if (const auto n = leadingNumber(z, nullptr)) {
                return *n * kKmh;
            }
        }
        return std::nullopt;
    }
    std::string_view rest;
    const auto n = leadingNumber(v, &rest);
    if (!n || *n <= 0.0 || *n > 400.0) {
        return std::nullopt;
    }
    if (rest.empty() || rest == "km/h" || rest == "kmh" || rest == "kph") {
        return *n * kKmh;
    }
    if (rest == "mph") {
        return *n * 0.44704;
    }
    if (rest == "knots") {
        return *n * 0.514444;
    }
    return std::nullopt;
}

std::optional<int> parseCount(std::string_view text) {
    const auto n = leadingNumber(firstValue(text), nullptr);
    if (!n || *n < 0.0 || *n > 1e6) {
        return std::nullopt;
    }
    return static_cast<int>(std::lround(*n));
}

OnewayValue parseOneway(std::string_view text) {
    const std::string v = lower(trim(text));
    if (v == "yes" || v == "true" || v == "1") {
        return OnewayValue::Forward;
    }
    if (v == "-1" || v == "reverse") {
        return OnewayValue::Backward;
    }
    if (v == "no" || v == "false" || v == "0" || v.empty()) {
        return OnewayValue::No;
    }
    return OnewayValue::Unknown;  // "reversible", "alternating"...
}

}  // namespace ct::gis
