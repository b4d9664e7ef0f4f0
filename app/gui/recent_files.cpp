#include "recent_files.h"

#include <algorithm>

#include <QFileInfo>
#include <QSettings>

namespace ct::gui {

QString RecentEntry::label() const {
    QString label = QFileInfo(file()).fileName();
    if (sources.size() > 1) {
        label += QStringLiteral(" + %1 more").arg(sources.size() - 1);
    }
    return label;
}

void RecentFiles::load(QSettings& settings) {
    m_entries.clear();
    const int n = settings.beginReadArray(QStringLiteral("recent"));
    for (int i = 0; i < n && static_cast<int>(m_entries.size()) < kMax; ++i) {
        settings.setArrayIndex(i);
        RecentEntry e;
        const QString kind = settings.value(QStringLiteral("kind")).toString();
        e.kind = kind == QStringLiteral("city")        ? RecentEntry::Kind::City
                 : kind == QStringLiteral("recording") ? RecentEntry::Kind::Recording
                                                       : RecentEntry::Kind::Scenario;
        e.sources = settings.value(QStringLiteral("sources")).toStringList();
        e.dem = settings.value(QStringLiteral("dem")).toString();
        e.mapping = settings.value(QStringLiteral("mapping")).toString();
        if (!e.sources.isEmpty()) {
            m_entries.push_back(e);
        }
    }
    settings.endArray();
}

void RecentFiles::save(QSettings& settings) const {
    settings.remove(QStringLiteral("recent"));
    settings.beginWriteArray(QStringLiteral("recent"), static_cast<int>(m_entries.size()));
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const RecentEntry& e = m_entries[i];
        settings.setArrayIndex(static_cast<int>(i));
        settings.setValue(QStringLiteral("kind"), e.kind == RecentEntry::Kind::City ? QStringLiteral("city")
                                                  : e.kind == RecentEntry::Kind::Recording
                                                      ? QStringLiteral("recording")
                                                      : QStringLiteral("scenario"));
        settings.setValue(QStringLiteral("sources"), e.sources);
        settings.setValue(QStringLiteral("dem"), e.dem);
        settings.setValue(QStringLiteral("mapping"), e.mapping);
    }
    settings.endArray();
}

void RecentFiles::add(const RecentEntry& entry) {
    m_entries.erase(std::remove(m_entries.begin(), m_entries.end(), entry), m_entries.end());
    m_entries.insert(m_entries.begin(), entry);
    if (static_cast<int>(m_entries.size()) > kMax) {
        m_entries.resize(kMax);
    }
}

bool RecentFiles::remove(int index) {
    if (index < 0 || index >= static_cast<int>(m_entries.size())) {
        return false;
    }
    m_entries.erase(m_entries.begin() + index);
    return true;
}

}  // namespace ct::gui
