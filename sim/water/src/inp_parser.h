#pragma once
// Private: the .inp parser shared by inp_reader.cpp (network sections) and inp_controls.cpp
// (options, times, status, controls, rules).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/water/water_network.h"

namespace ct::water::detail {

/// One data line of a section: its 1-based line number, its tokens and its comment.
struct InpLine {
    int number = 0;
    std::vector<std::string> tokens;
    std::string comment;  ///< text after ';' (a demand category, say)
    std::string raw;      ///< the line without its comment ([TITLE])
};

struct InpSection {
    std::string name;  ///< upper case, without brackets
    int headerLine = 0;
    std::vector<InpLine> lines;
};

/// Upper-case copy of an ASCII string.
std::string upper(std::string_view s);
/// Parses a whole token as a number (locale-independent); nullopt if it is not one.
std::optional<double> parseNumber(std::string_view token);
/// Parses a duration or clock time from tokens[i..]: "6", "1.5 HOURS", "30 MIN", "6:30",
/// "8:00 AM". Plain numbers are hours. Sets `used` to the tokens consumed. Seconds, or nullopt.
std::optional<std::int64_t> parseTime(const std::vector<std::string>& tokens, std::size_t i, bool clock,
                                      std::size_t* used = nullptr);

/// What a curve was used for, to convert it to SI once every section is read.
enum class CurveUse : std::uint8_t { Unused, PumpHead, TankVolume, ValveHeadLoss, Efficiency };

class InpParser {
public:
    InpParser(std::string fileName, DiagnosticReport& report)
        : m_file(std::move(fileName)), m_report(report) {}
    std::optional<WaterNetwork> parse(std::string_view text);

private:
    // Diagnostics.
    void error(const InpLine& line, const std::string& code, const std::string& message,
               const std::string& action = "line skipped");
    void warning(int line, const std::string& code, const std::string& message, const std::string& action);
    void info(int line, const std::string& code, const std::string& message, const std::string& action);

    // Token helpers that report a problem with the line and return nullopt.
    bool needTokens(const InpLine& line, std::size_t count, const char* what);
    std::optional<double> number(const InpLine& line, std::size_t i, const char* what);
    std::optional<std::uint32_t> node(const InpLine& line, std::size_t i);
    std::optional<std::uint32_t> link(const InpLine& line, std::size_t i);
    /// Pattern by name, or nullopt with an error; `token` "" or "*" gives -1.
    std::optional<std::int32_t> pattern(const InpLine& line, std::size_t i);
    std::optional<std::int32_t> curve(const InpLine& line, std::size_t i, CurveUse use);
    bool nameIsFree(const InpLine& line, const std::string& name, bool isNode);

    // Sections (inp_reader.cpp).
    void splitSections(std::string_view text);
    void readTitle(const InpSection& s);
    void readJunctions(const InpSection& s);
    void readReservoirs(const InpSection& s);
    void readTanks(const InpSection& s);
    void readPipes(const InpSection& s);
    void readPumps(const InpSection& s);
    void readValves(const InpSection& s);
    void readDemands(const InpSection& s);
    void readEmitters(const InpSection& s);
    void readPatterns(const InpSection& s);
    void readCurves(const InpSection& s);
    void readCoordinates(const InpSection& s);
    void readVertices(const InpSection& s);
    void convertCurves();

    // Sections (inp_controls.cpp).
    void readOptions(const InpSection& s);
    void readTimes(const InpSection& s);
    void readStatus(const InpSection& s);
    void readControls(const InpSection& s);
    void readRules(const InpSection& s);
    /// A link setting in file units to SI, by link kind; nullopt (with an error) for a pipe.
    std::optional<double> settingToSi(const InpLine& line, std::uint32_t link, double value);
    /// Parses "OPEN", "CLOSED", "ACTIVE" or a number into a status and/or a setting.
    bool statusOrSetting(const InpLine& line, std::size_t i, std::uint32_t link,
                         std::optional<LinkStatus>& status, double& setting);

    std::string m_file;
    DiagnosticReport& m_report;
    std::vector<InpSection> m_sections;
    WaterNetwork m_net;
    UnitSystem m_units;
    std::vector<CurveUse> m_curveUse;
    std::vector<int> m_curveLine;
    std::vector<std::vector<double>> m_vertices;  // per link: x0 y0 x1 y1 ...
    std::string m_defaultPatternName;             // [OPTIONS] PATTERN, resolved after [PATTERNS]
    int m_defaultPatternLine = -1;
};

}  // namespace ct::water::detail
