#include "sumo_xml.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <fstream>

namespace ct::traffic::sumo_detail {

void DiagSink::add(Severity s, std::string code, int line, std::string message, std::string action) {
    Diagnostic d;
    d.severity = s;
    d.code = std::move(code);
    d.file = m_file;
    d.line = line;
    d.message = std::move(message);
    d.action = std::move(action);
    m_report.add(std::move(d));
}

std::optional<std::string_view> XmlAttrs::get(std::string_view name) const {
    for (const char** p = m_a; p != nullptr && *p != nullptr; p += 2) {
        if (name == p[0]) {
            return std::string_view(p[1]);
        }
    }
    return std::nullopt;
}

std::string XmlAttrs::str(std::string_view name, std::string_view fallback) const {
    const auto v = get(name);
    return std::string(v ? *v : fallback);
}

namespace {

struct ParseState {
    XML_Parser parser = nullptr;
    XmlHandler* handler = nullptr;
};

void onStart(void* user, const XML_Char* name, const XML_Char** attrs) {
    auto* s = static_cast<ParseState*>(user);
    const XmlAttrs a(attrs);
    s->handler->start(name, a, static_cast<int>(XML_GetCurrentLineNumber(s->parser)));
}

void onEnd(void* user, const XML_Char* name) {
    static_cast<ParseState*>(user)->handler->end(name);
}

/// Owns an expat parser set up for one document.
class Expat {
public:
    explicit Expat(XmlHandler& h) {
        m_state.parser = XML_ParserCreate("UTF-8");
        m_state.handler = &h;
        if (m_state.parser != nullptr) {
            XML_SetUserData(m_state.parser, &m_state);
            XML_SetElementHandler(m_state.parser, onStart, onEnd);
        }
    }
    ~Expat() {
        if (m_state.parser != nullptr) {
            XML_ParserFree(m_state.parser);
        }
    }
    Expat(const Expat&) = delete;
    Expat& operator=(const Expat&) = delete;

    [[nodiscard]] bool ok() const { return m_state.parser != nullptr; }

    /// Feeds a piece; false (and an error in the report) when the document is malformed.
    bool feed(const char* data, std::size_t size, bool last, const std::string& file,
              DiagnosticReport& report) {
        do {
            const std::size_t piece = std::min<std::size_t>(size, INT_MAX / 2);
            const bool final = last && piece == size;
            if (XML_Parse(m_state.parser, data, static_cast<int>(piece), final ? 1 : 0) == XML_STATUS_ERROR) {
                Diagnostic d;
                d.severity = Severity::Error;
                d.code = "sumo.xml";
                d.file = file;
                d.line = static_cast<int>(XML_GetCurrentLineNumber(m_state.parser));
                d.message =
                    std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(m_state.parser));
                d.action = "load stopped";
                report.add(std::move(d));
                return false;
            }
            data += piece;
            size -= piece;
        } while (size > 0);
        return true;
    }

private:
    ParseState m_state;
};

void noParser(const std::string& file, DiagnosticReport& report) {
    report.error("sumo.xml", file, "could not create an XML parser");
}

}  // namespace

bool parseXmlText(std::string_view text, const std::string& file, XmlHandler& handler,
                  DiagnosticReport& report) {
    Expat x(handler);
    if (!x.ok()) {
        noParser(file, report);
        return false;
    }
    return x.feed(text.data(), text.size(), true, file, report);
}

bool parseXmlFile(const std::string& path, XmlHandler& handler, DiagnosticReport& report) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        report.error("sumo.file", path, "cannot open the file");
        return false;
    }
    Expat x(handler);
    if (!x.ok()) {
        noParser(path, report);
        return false;
    }
    std::vector<char> buf(1 << 20);
    for (;;) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        const bool last = !in;
        if (in.bad()) {
            report.error("sumo.file", path, "read error");
            return false;
        }
        if (!x.feed(buf.data(), got, last, path, report)) {
            return false;
        }
        if (last) {
            return true;
        }
    }
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::optional<double> parseNumber(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

std::optional<long long> parseInteger(std::string_view s) {
    s = trim(s);
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

std::optional<double> parseTime(std::string_view s) {
    s = trim(s);
    if (s.find(':') == std::string_view::npos) {
        return parseNumber(s);
    }
    // Clock time: the last field is seconds, then minutes, hours, days.
    double total = 0.0;
    const double scale[] = {1.0, 60.0, 3600.0, 86400.0};
    int field = 0;
    while (!s.empty()) {
        const std::size_t colon = s.rfind(':');
        const std::string_view part = colon == std::string_view::npos ? s : s.substr(colon + 1);
        const auto v = parseNumber(part);
        if (!v || field > 3 || *v < 0.0) {
            return std::nullopt;
        }
        total += *v * scale[field++];
        if (colon == std::string_view::npos) {
            break;
        }
        s = s.substr(0, colon);
        if (s.empty()) {
            return std::nullopt;
        }
    }
    return total;
}

std::vector<std::string_view> splitBlanks(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            ++i;
        }
        const std::size_t b = i;
        while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            ++i;
        }
        if (i > b) {
            out.push_back(s.substr(b, i - b));
        }
    }
    return out;
}

std::optional<std::vector<Vec2>> parseShape(std::string_view s) {
    std::vector<Vec2> pts;
    for (std::string_view tok : splitBlanks(s)) {
        const std::size_t c1 = tok.find(',');
        if (c1 == std::string_view::npos) {
            return std::nullopt;
        }
        const std::size_t c2 = tok.find(',', c1 + 1);
        const auto x = parseNumber(tok.substr(0, c1));
        const auto y = parseNumber(
            tok.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1));
        if (!x || !y) {
            return std::nullopt;
        }
        pts.push_back({*x, *y});
    }
    return pts;
}

}  // namespace ct::traffic::sumo_detail
