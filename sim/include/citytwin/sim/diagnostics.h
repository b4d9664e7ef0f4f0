#pragma once
/// Diagnostics: what a loader found wrong with its input and what it did about it.
///
/// Loaders never print and never throw on bad user data; they add diagnostics to a report.
/// Errors reject the load; warnings skip or default an item and are counted.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ct {

enum class Severity : std::uint8_t { Info, Warning, Error };

const char* toString(Severity s);

struct Diagnostic {
    Severity severity = Severity::Warning;
    std::string code;           ///< stable machine-readable code, e.g. "geometry.self_intersection"
    std::string file;           ///< the input file (or folder) concerned
    std::string layer;          ///< the layer, empty when not applicable
    std::int64_t feature = -1;  ///< the feature id (FID or OSM id) within the layer, -1 when none
    int line = -1;              ///< 1-based line in a text file, -1 when not known
    std::string message;        ///< what is wrong, in a sentence
    std::string action;         ///< what was done about it ("skipped", "height set to 9 m", "load stopped")
};

/// One line of text: "error: file: layer 'x' feature 12: message (action) [code]".
std::string format(const Diagnostic& d);

/// A list of diagnostics with counts. Not thread-safe: one writer at a time.
class DiagnosticReport {
public:
    void add(Diagnostic d);
    void error(std::string code, std::string file, std::string message, std::string action = "load stopped");

    [[nodiscard]] const std::vector<Diagnostic>& items() const { return m_items; }
    [[nodiscard]] std::size_t count(Severity s) const;
    [[nodiscard]] std::size_t errorCount() const { return count(Severity::Error); }
    [[nodiscard]] std::size_t warningCount() const { return count(Severity::Warning); }
    [[nodiscard]] bool hasErrors() const { return errorCount() > 0; }

    /// Number of diagnostics per code (sorted by code, so output is stable).
    [[nodiscard]] std::map<std::string, std::size_t> countsByCode() const;

    /// Human summary: every error in full, then for each warning code its count and the first
    /// `examplesPerCode` examples.
    [[nodiscard]] std::string summary(std::size_t examplesPerCode = 3) const;

    void append(const DiagnosticReport& other);

private:
    std::vector<Diagnostic> m_items;
};

}  // namespace ct
