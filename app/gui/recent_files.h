#pragma once
/// File > Open Recent: the last cities, scenarios and recordings opened, newest first, kept in QSettings.
/// Qt Core only.

#include <vector>

#include <QString>
#include <QStringList>

class QSettings;

namespace ct::gui {

struct RecentEntry {
    enum class Kind { Scenario, City, Recording };
    Kind kind = Kind::Scenario;
    QStringList sources;  ///< the scenario or recording file, or the city's vector sources
    QString dem;          ///< a city's terrain raster, may be empty
    QString mapping;      ///< a city's mapping file, may be empty

    /// The file that names it (the scenario, or the first source).
    [[nodiscard]] QString file() const { return sources.value(0); }
    /// For the menu: "morning_peak.json", "roads.shp + 2 more".
    [[nodiscard]] QString label() const;
    friend bool operator==(const RecentEntry&, const RecentEntry&) = default;
};

class RecentFiles {
public:
    static constexpr int kMax = 10;

    /// Reads the list from `settings` (group "recent").
    void load(QSettings& settings);
    void save(QSettings& settings) const;
    /// Puts `entry` first (moving it up when it was there already), keeping at most kMax.
    void add(const RecentEntry& entry);
    bool remove(int index);
    void clear() { m_entries.clear(); }
    [[nodiscard]] const std::vector<RecentEntry>& entries() const { return m_entries; }

private:
    std::vector<RecentEntry> m_entries;
};

}  // namespace ct::gui
