#pragma once
/// Camera bookmarks: named views of a city, kept with the project in a sidecar file next to the
/// city or scenario file (`<name>.citytwin-views.json`), written atomically.
///
/// The file:
///     {"format": "citytwin-views", "version": 1, "project": "morning_peak.json",
///      "views": [{"name": "Market square", "center": [x, y, z], "distance": 350,
///                 "heading_deg": 20, "tilt_deg": 45}, ...]}
/// center in m in the city's local frame (x east, y north, z up), distance in m, heading the
/// compass direction of view, tilt from straight down (0) to horizontal (90).
/// Qt Core only.

#include <vector>

#include <QString>

#include "camera_pose.h"

namespace ct::gui {

struct ViewBookmark {
    QString name;
    CameraPose pose;
    friend bool operator==(const ViewBookmark&, const ViewBookmark&) = default;
};

class ViewBookmarks {
public:
    /// The sidecar of a city or scenario file: same folder, its name without the last
    /// extension, then ".citytwin-views.json". Empty for an empty path.
    [[nodiscard]] static QString sidecarPath(const QString& projectFile);

    /// Reads a sidecar; a missing file is an empty list (true). False (and `error` says why)
    /// when the file is unreadable or not a views file; entries without a name or numbers are
    /// skipped.
    bool load(const QString& path, QString* error = nullptr);
    /// Writes the list atomically (QSaveFile): a crash never leaves half a file. False (and
    /// `error` says why) when it cannot be written.
    bool save(const QString& path, QString* error = nullptr) const;

    /// Adds a view, or replaces the one of the same name; returns its index.
    int add(const ViewBookmark& view);
    bool remove(int index);
    bool rename(int index, const QString& name);
    void clear() { m_views.clear(); }
    [[nodiscard]] int size() const { return static_cast<int>(m_views.size()); }
    [[nodiscard]] const ViewBookmark& at(int index) const { return m_views[static_cast<std::size_t>(index)]; }
    [[nodiscard]] int indexOf(const QString& name) const;
    [[nodiscard]] const std::vector<ViewBookmark>& views() const { return m_views; }

private:
    std::vector<ViewBookmark> m_views;
};

}  // namespace ct::gui
