#include "citytwin/power/matpower_reader.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <vector>

namespace ct::power {

namespace {

// ---------------------------------------------------------------------------------------------
// Tokens of the small subset of MATLAB that case files use.

enum class TokKind { Ident, Number, Symbol, String, Newline, End, Bad };

struct Token {
    TokKind kind = TokKind::End;
    std::string text;  // identifier, symbol, string contents, or the offending text of a Bad token
    double value = 0;  // numbers
    int line = 1;
};

bool isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isIdentChar(char c) {
    return isIdentStart(c) || isDigit(c) || c == '.';
}

class Lexer {
public:
    explicit Lexer(std::string_view text) : m_text(text) {}

    Token next() {
        for (;;) {
            if (m_pos >= m_text.size()) {
                return make(TokKind::End, "");
            }
            const char c = m_text[m_pos];
            if (c == '%' || c == '#') {  // comment to the end of the line
                skipToEol();
                continue;
            }
            if (c == '.' && m_text.substr(m_pos, 3) == "...") {  // continuation: join the next line
                skipToEol();
                if (m_pos < m_text.size()) {
                    ++m_pos;
                    ++m_line;
                }
                continue;
            }
            if (c == '\n') {
                Token t = make(TokKind::Newline, "\n");
                ++m_pos;
                ++m_line;
                m_prev = TokKind::Newline;
                return t;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                ++m_pos;
                continue;
            }
            break;
        }
        const char c = m_text[m_pos];
        Token t;
        if (isIdentStart(c)) {
            const std::size_t start = m_pos;
            while (m_pos < m_text.size() && isIdentChar(m_text[m_pos])) {
                ++m_pos;
            }
            t = make(TokKind::Ident, std::string(m_text.substr(start, m_pos - start)));
        } else if (isDigit(c) || ((c == '.' || c == '-' || c == '+') && startsNumber(m_pos + 1, c))) {
            t = number();
        } else if ((c == '\'' || c == '"') && !afterValue()) {
            t = string(c);
        } else {
            t = make(TokKind::Symbol, std::string(1, c));
            ++m_pos;
        }
        m_prev = t.kind;
        m_prevText = t.text;
        return t;
    }

private:
    Token make(TokKind k, std::string text) const {
        Token t;
        t.kind = k;
        t.text = std::move(text);
        t.line = m_line;
        return t;
    }

    void skipToEol() {
        while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
            ++m_pos;
        }
    }

    // After a value a quote is the transpose operator, not the start of a string.
    bool afterValue() const {
        return m_prev == TokKind::Ident || m_prev == TokKind::Number ||
               (m_prev == TokKind::Symbol && (m_prevText == "]" || m_prevText == ")" || m_prevText == "}"));
    }

    // A sign or a point starts a number when a digit (or, after a sign, "Inf"/"." digit) follows.
    bool startsNumber(std::size_t at, char first) const {
        if (at >= m_text.size()) {
            return false;
        }
        const char n = m_text[at];
        if (first == '.') {
            return isDigit(n);
        }
        if (isDigit(n)) {
            return true;
        }
        if (n == '.' && at + 1 < m_text.size() && isDigit(m_text[at + 1])) {
            return true;
        }
        const std::string_view rest = m_text.substr(at, 3);
        return rest == "Inf" || rest == "inf";
    }

    Token number() {
        const std::size_t start = m_pos;
        bool negative = false;
        if (m_text[m_pos] == '-' || m_text[m_pos] == '+') {
            negative = m_text[m_pos] == '-';
            ++m_pos;
        }
        // A signed infinity.
        const std::string_view rest = m_text.substr(m_pos, 3);
        if ((rest == "Inf" || rest == "inf") &&
            (m_pos + 3 >= m_text.size() || !isIdentChar(m_text[m_pos + 3]))) {
            m_pos += 3;
            Token t = make(TokKind::Number, std::string(m_text.substr(start, m_pos - start)));
            t.value =
                negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
            return t;
        }
        // Everything that could belong to the literal, so that "1.2.3" or "12abc" is one bad token.
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            const bool exponentSign = (c == '-' || c == '+') && m_pos > start &&
                                      (m_text[m_pos - 1] == 'e' || m_text[m_pos - 1] == 'E');
            if (isDigit(c) || c == '.' || isIdentStart(c) || exponentSign) {
                ++m_pos;
            } else {
                break;
            }
        }
        const std::string_view lit = m_text.substr(start, m_pos - start);
        std::string_view digits = lit;
        if (!digits.empty() && digits.front() == '+') {
            digits.remove_prefix(1);
        }
        double v = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec != std::errc() || ptr != digits.data() + digits.size()) {
            return make(TokKind::Bad, std::string(lit));
        }
        Token t = make(TokKind::Number, std::string(lit));
        t.value = v;
        return t;
    }

    Token string(char quote) {
        ++m_pos;
        std::string s;
        while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
            if (m_text[m_pos] == quote) {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == quote) {  // '' is an escaped quote
                    s += quote;
                    m_pos += 2;
                    continue;
                }
                ++m_pos;
                return make(TokKind::String, s);
            }
            s += m_text[m_pos++];
        }
        return make(TokKind::Bad, std::string(1, quote) + s);
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_line = 1;
    TokKind m_prev = TokKind::Newline;
    std::string m_prevText;
};

// ---------------------------------------------------------------------------------------------
// Statements: `name = value;` where value is a number, a string, a matrix or a cell array.

struct Row {
    int line = 0;
    std::vector<double> values;
};

struct Matrix {
    bool present = false;
    int line = 0;     // where the assignment starts
    int badRows = 0;  // rows dropped for a token that is not a number
    std::vector<Row> rows;
};

class Parser {
public:
    Parser(std::string_view text, const std::string& file, DiagnosticReport& report)
        : m_lex(text), m_file(file), m_report(report) {
        advance();
    }

    void run() {
        while (m_tok.kind != TokKind::End) {
            if (m_tok.kind == TokKind::Newline || isSymbol(";") || isSymbol(",")) {
                advance();
                continue;
            }
            if (m_tok.kind == TokKind::Ident && (m_tok.text == "function" || m_tok.text == "end" ||
                                                 m_tok.text == "return" || m_tok.text == "global")) {
                skipLine();
                continue;
            }
            if (m_tok.kind == TokKind::Ident) {
                statement();
                continue;
            }
            diag(Severity::Error, "power.syntax", m_tok.line,
                 "unexpected " + describe(m_tok) + " at the start of a statement",
                 "line skipped, case rejected");
            skipLine();
        }
    }

    Matrix bus, gen, branch;
    bool haveBase = false;
    double baseMVA = 0;
    int baseLine = 0;

private:
    void advance() { m_tok = m_lex.next(); }
    bool isSymbol(const char* s) const { return m_tok.kind == TokKind::Symbol && m_tok.text == s; }

    void skipLine() {
        while (m_tok.kind != TokKind::Newline && m_tok.kind != TokKind::End) {
            advance();
        }
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
            case TokKind::Ident:
                return "name '" + t.text + "'";
            case TokKind::Number:
                return "number " + t.text;
            case TokKind::Symbol:
                return "'" + t.text + "'";
            case TokKind::String:
                return "text '" + t.text + "'";
            case TokKind::Newline:
                return "end of line";
            case TokKind::End:
                return "end of file";
            case TokKind::Bad:
                return "'" + t.text + "'";
        }
        return "?";
    }

    void diag(Severity s, std::string code, int line, std::string message, std::string action) {
        Diagnostic d;
        d.severity = s;
        d.code = std::move(code);
        d.file = m_file;
        d.line = line;
        d.message = std::move(message);
        d.action = std::move(action);
        m_report.add(std::move(d));
    }

    // name = value ;
    void statement() {
        const int line = m_tok.line;
        std::string name = m_tok.text;
        if (name.rfind("mpc.", 0) == 0) {
            name = name.substr(4);
        }
        advance();
        if (!isSymbol("=")) {
            diag(Severity::Error, "power.syntax", line,
                 "expected '=' after '" + name + "', found " + describe(m_tok),
                 "line skipped, case rejected");
            skipLine();
            return;
        }
        advance();
        if (name == "bus" || name == "gen" || name == "branch") {
            Matrix& m = name == "bus" ? bus : (name == "gen" ? gen : branch);
            if (m.present) {
                diag(Severity::Warning, "power.duplicate_field", line,
                     "'" + name + "' is assigned twice; the last assignment is used", "earlier one replaced");
            }
            m = Matrix{};
            m.present = true;
            m.line = line;
            if (!isSymbol("[")) {
                diag(Severity::Error, "power.syntax", line,
                     "'" + name + "' must be a matrix in [ ], found " + describe(m_tok), "case rejected");
                skipLine();
                return;
            }
            matrix(name, m);
            return;
        }
        if (name == "baseMVA") {
            if (m_tok.kind != TokKind::Number) {
                diag(Severity::Error, "power.syntax", line,
                     "baseMVA must be a number, found " + describe(m_tok), "case rejected");
                skipLine();
                return;
            }
            haveBase = true;
            baseMVA = m_tok.value;
            baseLine = line;
            advance();
            endStatement(name);
            return;
        }
        // Any other field (version, gencost, areas, bus_name, user fields) is skipped whole.
        skipValue(name, line);
    }

    void endStatement(const std::string& name) {
        if (isSymbol(";") || isSymbol(",")) {
            advance();
        }
        if (m_tok.kind != TokKind::Newline && m_tok.kind != TokKind::End) {
            if (isSymbol("'")) {
                diag(Severity::Error, "power.unsupported", m_tok.line,
                     "transposed matrix for '" + name + "' is not supported; write the rows out",
                     "case rejected");
            } else {
                diag(Severity::Error, "power.syntax", m_tok.line,
                     "unexpected " + describe(m_tok) + " after the value of '" + name + "'", "case rejected");
            }
            skipLine();
        }
    }

    // Skips a value that is not used: brackets are matched, strings were already lexed whole.
    void skipValue(const std::string& name, int line) {
        int depth = 0;
        while (m_tok.kind != TokKind::End) {
            if (isSymbol("[") || isSymbol("{") || isSymbol("(")) {
                ++depth;
            } else if (isSymbol("]") || isSymbol("}") || isSymbol(")")) {
                --depth;
            } else if (depth <= 0 && (isSymbol(";") || m_tok.kind == TokKind::Newline)) {
                break;
            }
            advance();
        }
        if (depth > 0) {
            diag(Severity::Warning, "power.unclosed", line, "the value of '" + name + "' is never closed",
                 "skipped to the end of the file");
        }
        if (name != "version" && name != "gencost" && name != "areas" && name != "bus_name" &&
            name != "gen_name" && name != "branch_name") {
            diag(Severity::Info, "power.field_ignored", line,
                 "field '" + name + "' is not used by the power flow", "skipped");
        }
    }

    // [ rows ]: rows end at ';' or a new line, elements are numbers separated by blanks or ','.
    void matrix(const std::string& name, Matrix& m) {
        advance();  // '['
        Row row;
        row.line = m_tok.line;
        bool bad = false;
        auto flush = [&]() {
            if (!row.values.empty()) {
                m.rows.push_back(std::move(row));
            }
            row = Row{};
            row.line = m_tok.line;
        };
        for (;;) {
            if (m_tok.kind == TokKind::End) {
                diag(Severity::Error, "power.unclosed_matrix", m.line,
                     "matrix '" + name + "' is not closed with ']' before the end of the file",
                     "case rejected");
                flush();
                return;
            }
            if (isSymbol("]")) {
                flush();
                advance();
                endStatement(name);
                return;
            }
            if (m_tok.kind == TokKind::Newline || isSymbol(";")) {
                advance();
                flush();
                continue;
            }
            if (isSymbol(",")) {
                advance();
                continue;
            }
            if (m_tok.kind == TokKind::Number) {
                if (row.values.empty()) {
                    row.line = m_tok.line;
                }
                row.values.push_back(m_tok.value);
                advance();
                continue;
            }
            if (m_tok.kind == TokKind::Ident && (m_tok.text == "Inf" || m_tok.text == "inf")) {
                if (row.values.empty()) {
                    row.line = m_tok.line;
                }
                row.values.push_back(std::numeric_limits<double>::infinity());
                advance();
                continue;
            }
            // Anything else is not a plain number: report it once per row and drop the row.
            if (!bad || row.line != m_tok.line) {
                const std::string what = m_tok.kind == TokKind::Bad ? "malformed number " + describe(m_tok)
                                                                    : describe(m_tok) + " is not a number";
                diag(Severity::Error, "power.bad_number", m_tok.line, "in matrix '" + name + "': " + what,
                     "case rejected");
            }
            bad = true;
            ++m.badRows;
            const int badLine = m_tok.line;
            while (m_tok.kind != TokKind::End && m_tok.kind != TokKind::Newline && !isSymbol(";") &&
                   !isSymbol("]")) {
                advance();
            }
            row = Row{};
            row.line = badLine;
        }
    }

    Lexer m_lex;
    Token m_tok;
    const std::string& m_file;
    DiagnosticReport& m_report;
};

// ---------------------------------------------------------------------------------------------
// From matrices to the network.

class Builder {
public:
    Builder(const std::string& file, DiagnosticReport& report) : m_file(file), m_report(report) {}

    void error(std::string code, int line, std::string message) {
        Diagnostic d;
        d.severity = Severity::Error;
        d.code = std::move(code);
        d.file = m_file;
        d.line = line;
        d.message = std::move(message);
        d.action = "case rejected";
        m_report.add(std::move(d));
    }

    void warning(std::string code, int line, std::string message, std::string action) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.code = std::move(code);
        d.file = m_file;
        d.line = line;
        d.message = std::move(message);
        d.action = std::move(action);
        m_report.add(std::move(d));
    }

    // Every row must have the same number of columns, at least `minCols`.
    bool checkShape(const std::string& name, const Matrix& m, std::size_t minCols) {
        if (m.rows.empty()) {
            return true;
        }
        bool ok = true;
        const std::size_t cols = m.rows.front().values.size();
        for (const Row& r : m.rows) {
            if (r.values.size() != cols) {
                std::ostringstream s;
                s << "row of matrix '" << name << "' has " << r.values.size()
                  << " columns, the first row has " << cols;
                error("power.ragged_row", r.line, s.str());
                ok = false;
            } else if (r.values.size() < minCols) {
                std::ostringstream s;
                s << "row of matrix '" << name << "' has " << r.values.size() << " columns, at least "
                  << minCols << " are needed";
                error("power.too_few_columns", r.line, s.str());
                ok = false;
            }
        }
        return ok;
    }

    // An integer-valued number in [lo, hi], else an error and false.
    bool integer(double v, double lo, double hi, int line, const std::string& what, int& out) {
        if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi) {
            std::ostringstream s;
            s << what << " must be a whole number";
            if (lo > -1e9) {
                s << " from " << lo;
                if (hi < 1e9) {
                    s << " to " << hi;
                }
            }
            s << ", not " << v;
            error(what == "bus type" ? "power.bad_bus_type" : "power.bad_value", line, s.str());
            return false;
        }
        out = static_cast<int>(v);
        return true;
    }

    bool finite(const Row& r, std::initializer_list<std::size_t> cols, const std::string& what) {
        for (std::size_t c : cols) {
            if (!std::isfinite(r.values[c])) {
                std::ostringstream s;
                s << what << ": column " << c + 1 << " must be a finite number, not " << r.values[c];
                error("power.bad_value", r.line, s.str());
                return false;
            }
        }
        return true;
    }

    int busIndex(double number, int line, const std::string& what) {
        int n = 0;
        if (!integer(number, 1, std::numeric_limits<int>::max(), line, what + " bus number", n)) {
            return -1;
        }
        const auto it = m_busIndex.find(n);
        if (it == m_busIndex.end() && m_busesIncomplete) {
            return -1;  // the bus row was rejected and reported already; the case is rejected anyway
        }
        if (it == m_busIndex.end()) {
            error("power.unknown_bus", line,
                  what + " refers to bus " + std::to_string(n) + ", which is not in the bus matrix");
            return -1;
        }
        return it->second;
    }

    void buses(const Matrix& m, PowerNetwork& net) {
        m_busesIncomplete = m.badRows > 0;
        for (const Row& r : m.rows) {
            PowerBus b;
            b.sourceLine = r.line;
            int type = 0;
            if (!integer(r.values[0], 1, std::numeric_limits<int>::max(), r.line, "bus number", b.number) ||
                !integer(r.values[1], 1, 4, r.line, "bus type", type) ||
                !finite(r, {2, 3, 4, 5, 8}, "bus " + std::to_string(b.number))) {
                m_busesIncomplete = true;
                continue;
            }
            b.type = static_cast<BusType>(type);
            b.pdMW = r.values[2];
            b.qdMVAr = r.values[3];
            b.gsMW = r.values[4];
            b.bsMVAr = r.values[5];
            b.area = std::isfinite(r.values[6]) ? static_cast<int>(r.values[6]) : 0;
            b.vmPu = r.values[7];
            b.vaDeg = r.values[8];
            b.baseKV = r.values[9];
            b.zone = std::isfinite(r.values[10]) ? static_cast<int>(r.values[10]) : 0;
            b.vmaxPu = r.values[11];
            b.vminPu = r.values[12];
            if (!(b.vmPu > 0) || !std::isfinite(b.vmPu)) {
                std::ostringstream s;
                s << "bus " << b.number << " has a starting voltage of " << b.vmPu << " p.u.";
                warning("power.bad_start_voltage", r.line, s.str(), "started at 1 p.u.");
                b.vmPu = 1;
            }
            const auto [it, inserted] = m_busIndex.emplace(b.number, static_cast<int>(net.buses.size()));
            if (!inserted) {
                error("power.duplicate_bus", r.line,
                      "bus number " + std::to_string(b.number) + " is used twice (first on line " +
                          std::to_string(net.buses[static_cast<std::size_t>(it->second)].sourceLine) + ")");
                continue;
            }
            net.buses.push_back(b);
        }
    }

    void gens(const Matrix& m, PowerNetwork& net) {
        for (const Row& r : m.rows) {
            PowerGen g;
            g.sourceLine = r.line;
            g.bus = busIndex(r.values[0], r.line, "generator");
            if (g.bus < 0 ||
                !finite(r, {1, 2, 5},
                        "generator at bus " + std::to_string(static_cast<long long>(r.values[0])))) {
                continue;
            }
            g.pgMW = r.values[1];
            g.qgMVAr = r.values[2];
            g.qmaxMVAr = r.values[3];
            g.qminMVAr = r.values[4];
            g.vgPu = r.values[5];
            g.mBaseMVA = r.values[6];
            g.inService = r.values[7] > 0;
            g.pmaxMW = r.values[8];
            g.pminMW = r.values[9];
            if (std::isnan(g.qmaxMVAr) || std::isnan(g.qminMVAr)) {
                error("power.bad_value", r.line, "generator Q limits must be numbers or Inf");
                continue;
            }
            if (g.qmaxMVAr < g.qminMVAr) {
                std::ostringstream s;
                s << "generator Qmax " << g.qmaxMVAr << " is below Qmin " << g.qminMVAr;
                warning("power.bad_q_limits", r.line, s.str(), "limits swapped");
                std::swap(g.qmaxMVAr, g.qminMVAr);
            }
            if (g.inService && !(g.vgPu > 0)) {
                std::ostringstream s;
                s << "generator voltage set point " << g.vgPu << " p.u. is not positive";
                error("power.bad_value", r.line, s.str());
                continue;
            }
            if (!std::isfinite(g.pmaxMW)) {
                g.pmaxMW = std::numeric_limits<double>::max();
            }
            const PowerBus& b = net.buses[static_cast<std::size_t>(g.bus)];
            if (g.inService && b.type == BusType::Isolated) {
                warning("power.gen_at_isolated_bus", r.line,
                        "generator at isolated bus " + std::to_string(b.number), "generator not used");
            }
            net.gens.push_back(g);
        }
    }

    void branches(const Matrix& m, PowerNetwork& net) {
        for (const Row& r : m.rows) {
            PowerBranch br;
            br.sourceLine = r.line;
            br.from = busIndex(r.values[0], r.line, "branch from-end");
            br.to = busIndex(r.values[1], r.line, "branch to-end");
            if (br.from < 0 || br.to < 0) {
                continue;
            }
            const std::string label = "branch " +
                                      std::to_string(net.buses[static_cast<std::size_t>(br.from)].number) +
                                      "-" + std::to_string(net.buses[static_cast<std::size_t>(br.to)].number);
            if (!finite(r, {2, 3, 4, 8, 9}, label)) {
                continue;
            }
            br.rPu = r.values[2];
            br.xPu = r.values[3];
            br.bPu = r.values[4];
            br.rateAMVA = std::isfinite(r.values[5]) ? r.values[5] : 0;
            br.rateBMVA = std::isfinite(r.values[6]) ? r.values[6] : 0;
            br.rateCMVA = std::isfinite(r.values[7]) ? r.values[7] : 0;
            br.ratio = r.values[8];
            br.shiftDeg = r.values[9];
            br.inService = r.values[10] > 0;
            if (br.rateAMVA < 0) {
                warning("power.bad_rating", r.line, label + " has a negative rateA", "treated as unlimited");
                br.rateAMVA = 0;
            }
            if (br.ratio < 0) {
                error("power.bad_value", r.line, label + " has a negative tap ratio");
                continue;
            }
            if (br.inService && br.from == br.to) {
                warning("power.self_loop", r.line, label + " joins a bus to itself",
                        "branch taken out of service");
                br.inService = false;
            }
            if (br.inService && br.rPu == 0.0 && br.xPu == 0.0) {
                error("power.zero_impedance", r.line,
                      label + " has zero impedance (r = x = 0); merge the buses or give it a small x");
                continue;
            }
            net.branches.push_back(br);
        }
    }

private:
    const std::string& m_file;
    DiagnosticReport& m_report;
    std::map<int, int> m_busIndex;
    bool m_busesIncomplete = false;  // some bus rows could not be read
};

}  // namespace

std::optional<PowerNetwork> parseMatpowerCase(std::string_view text, const std::string& file,
                                              DiagnosticReport& report, const std::string& name) {
    const std::size_t errorsBefore = report.errorCount();
    Parser parser(text, file, report);
    parser.run();

    Builder build(file, report);
    PowerNetwork net;
    net.name = name;
    if (!parser.haveBase) {
        build.error("power.missing_field", -1, "the case has no baseMVA");
    } else if (!(parser.baseMVA > 0) || !std::isfinite(parser.baseMVA)) {
        std::ostringstream s;
        s << "baseMVA must be a positive number, not " << parser.baseMVA;
        build.error("power.bad_base_mva", parser.baseLine, s.str());
    } else {
        net.baseMVA = parser.baseMVA;
    }
    const struct {
        const char* name;
        const Matrix& m;
        std::size_t minCols;
    } fields[] = {{"bus", parser.bus, 13}, {"gen", parser.gen, 10}, {"branch", parser.branch, 11}};
    bool shapesOk = true;
    for (const auto& f : fields) {
        if (!f.m.present) {
            build.error("power.missing_field", -1, std::string("the case has no '") + f.name + "' matrix");
            shapesOk = false;
        } else if (!build.checkShape(f.name, f.m, f.minCols)) {
            shapesOk = false;
        }
    }
    if (shapesOk) {
        build.buses(parser.bus, net);
        build.gens(parser.gen, net);
        build.branches(parser.branch, net);
        if (net.buses.empty() && report.errorCount() == errorsBefore) {
            build.error("power.empty_case", parser.bus.line, "the bus matrix is empty");
        }
        bool haveRef = false;
        for (const PowerBus& b : net.buses) {
            haveRef = haveRef || b.type == BusType::Ref;
        }
        if (!haveRef && !net.buses.empty()) {
            build.warning("power.no_reference_bus", parser.bus.line, "no bus is of type 3 (reference)",
                          "the largest generator of each island is its slack");
        }
        if (net.gens.empty() && parser.gen.present && report.errorCount() == errorsBefore) {
            build.warning("power.no_generators", parser.gen.line, "the case has no generator",
                          "every bus is de-energised");
        }
    }
    if (report.errorCount() > errorsBefore) {
        return std::nullopt;
    }
    return net;
}

std::optional<PowerNetwork> readMatpowerCase(const std::string& path, DiagnosticReport& report) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        report.error("power.cannot_open", path, "is a folder, not a case file");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        report.error("power.cannot_open", path, "cannot open the case file");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        report.error("power.cannot_read", path, "cannot read the case file");
        return std::nullopt;
    }
    const std::string text = buffer.str();
    if (text.find('\0') != std::string::npos) {
        report.error("power.not_text", path, "the file is not text (it contains NUL bytes)");
        return std::nullopt;
    }
    return parseMatpowerCase(text, path, report, std::filesystem::path(path).stem().string());
}

}  // namespace ct::power
