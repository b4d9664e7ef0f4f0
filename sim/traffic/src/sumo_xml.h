#pragma once
// Internal to the SUMO import: a thin SAX layer over expat, and the value syntax of SUMO files
// (numbers, times, shapes, id lists). Never throws on bad input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/geometry.h"

namespace ct::traffic::sumo_detail {

/// The attributes of one start tag (expat's name/value pairs, valid during the callback).
class XmlAttrs {
public:
    explicit XmlAttrs(const char** a) : m_a(a) {}
    /// The value of `name`, or nothing when the attribute is absent.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    /// The value of `name`, or `fallback` when absent.
    [[nodiscard]] std::string str(std::string_view name, std::string_view fallback = {}) const;

private:
    const char** m_a;
};

/// Receives the elements of a document in order. `line` is the 1-based line of the start tag.
class XmlHandler {
public:
    virtual ~XmlHandler() = default;
    virtual void start(std::string_view name, const XmlAttrs& attrs, int line) = 0;
    virtual void end(std::string_view /*name*/) {}
};

/// Adds diagnostics about one file to a report.
class DiagSink {
public:
    DiagSink(std::string file, DiagnosticReport& report) : m_file(std::move(file)), m_report(report) {}
    void add(Severity s, std::string code, int line, std::string message, std::string action);
    void warn(std::string code, int line, std::string message, std::string action = "skipped") {
        add(Severity::Warning, std::move(code), line, std::move(message), std::move(action));
    }

private:
    std::string m_file;
    DiagnosticReport& m_report;
};

/// Parses a whole document; a malformed document adds an error with its line ("sumo.xml") and
/// returns false. Elements before the error have been delivered.
bool parseXmlText(std::string_view text, const std::string& file, XmlHandler& handler,
                  DiagnosticReport& report);
/// The same, reading the file in pieces; a file that cannot be read adds an error ("sumo.file").
bool parseXmlFile(const std::string& path, XmlHandler& handler, DiagnosticReport& report);

/// A finite decimal number (the whole string, surrounding blanks allowed).
std::optional<double> parseNumber(std::string_view s);
/// An integer (the whole string).
std::optional<long long> parseInteger(std::string_view s);
/// A SUMO time: seconds ("12.5") or clock time ("h:mm:ss", "d:hh:mm:ss").
std::optional<double> parseTime(std::string_view s);
/// A SUMO shape "x,y[,z] x,y[,z] ..."; nothing when any point is malformed.
std::optional<std::vector<Vec2>> parseShape(std::string_view s);
/// Blank-separated tokens.
std::vector<std::string_view> splitBlanks(std::string_view s);

}  // namespace ct::traffic::sumo_detail
