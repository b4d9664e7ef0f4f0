#include "citytwin/sim/diagnostics.h"

#include <sstream>

namespace ct {

const char* toString(Severity s) {
    switch (s) {
        case Severity::Info:
            return "info";
        case Severity::Warning:
            return "warning";
        case Severity::Error:
            return "error";
    }
    return "?";
}

std::string format(const Diagnostic& d) {
    std::ostringstream os;
    os << toString(d.severity) << ": ";
    if (!d.file.empty()) {
        os << d.file;
        if (d.line >= 0) {
            os << ':' << d.line;
        }
        os << ": ";
    }
    if (!d.layer.empty()) {
        os << "layer '" << d.layer << "' ";
    }
    if (d.feature >= 0) {
        os << "feature " << d.feature << ' ';
    }
    if (!d.layer.empty() || d.feature >= 0) {
        os << "- ";
    }
    os << d.message;
    if (!d.action.empty()) {
        os << " (" << d.action << ')';
    }
    if (!d.code.empty()) {
        os << " [" << d.code << ']';
    }
    return os.str();
}

void DiagnosticReport::add(Diagnostic d) {
    m_items.push_back(std::move(d));
}

void DiagnosticReport::error(std::string code, std::string file, std::string message, std::string action) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = std::move(code);
    d.file = std::move(file);
    d.message = std::move(message);
    d.action = std::move(action);
    m_items.push_back(std::move(d));
}

std::size_t DiagnosticReport::count(Severity s) const {
    std::size_t n = 0;
    for (const Diagnostic& d : m_items) {
        n += d.severity == s ? 1 : 0;
    }
    return n;
}

std::map<std::string, std::size_t> DiagnosticReport::countsByCode() const {
    std::map<std::string, std::size_t> counts;
    for (const Diagnostic& d : m_items) {
        ++counts[d.code];
    }
    return counts;
}

std::string DiagnosticReport::summary(std::size_t examplesPerCode) const {
    std::ostringstream os;
    for (const Diagnostic& d : m_items) {
        if (d.severity == Severity::Error) {
            os << format(d) << '\n';
        }
    }
    // Warnings and infos grouped by code, in code order, with a few examples each.
    std::map<std::string, std::vector<const Diagnostic*>> byCode;
    for (const Diagnostic& d : m_items) {
        if (d.severity != Severity::Error) {
            byCode[d.code].push_back(&d);
        }
    }
    for (const auto& [code, list] : byCode) {
        os << list.size() << " x " << toString(list.front()->severity) << " [" << code << "]\n";
        for (std::size_t i = 0; i < list.size() && i < examplesPerCode; ++i) {
            os << "    " << format(*list[i]) << '\n';
        }
        if (list.size() > examplesPerCode) {
            os << "    ... and " << (list.size() - examplesPerCode) << " more\n";
        }
    }
    return os.str();
}

void DiagnosticReport::append(const DiagnosticReport& other) {
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

}  // namespace ct
