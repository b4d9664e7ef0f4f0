#include "view_bookmarks.h"

#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ct::gui {

namespace {
const QString kFormat = QStringLiteral("citytwin-views");
}

QString ViewBookmarks::sidecarPath(const QString& projectFile) {
    if (projectFile.isEmpty()) {
        return {};
    }
    const QFileInfo info(projectFile);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".citytwin-views.json"));
}

bool ViewBookmarks::load(const QString& path, QString* error) {
    m_views.clear();
    QFile file(path);
    if (!file.exists()) {
        return true;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        if (error != nullptr) {
            *error = QObject::tr("cannot read %1: %2").arg(path, file.errorString());
        }
        return false;
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject() ||
        doc.object().value(QStringLiteral("format")).toString() != kFormat) {
        if (error != nullptr) {
            *error = parse.error != QJsonParseError::NoError
                         ? QObject::tr("%1: %2 at byte %3").arg(path, parse.errorString()).arg(parse.offset)
                         : QObject::tr("%1 is not a views file (\"format\": \"%2\")").arg(path, kFormat);
        }
        return false;
    }
    for (const QJsonValue& v : doc.object().value(QStringLiteral("views")).toArray()) {
        const QJsonObject o = v.toObject();
        const QJsonArray c = o.value(QStringLiteral("center")).toArray();
        ViewBookmark b;
        b.name = o.value(QStringLiteral("name")).toString();
        if (b.name.isEmpty() || c.size() != 3) {
            continue;
        }
        b.pose.cx = c[0].toDouble(NAN);
        b.pose.cy = c[1].toDouble(NAN);
        b.pose.cz = c[2].toDouble(NAN);
        b.pose.distance = o.value(QStringLiteral("distance")).toDouble(NAN);
        b.pose.heading = o.value(QStringLiteral("heading_deg")).toDouble(0.0);
        b.pose.tilt = o.value(QStringLiteral("tilt_deg")).toDouble(0.0);
        if (!std::isfinite(b.pose.cx) || !std::isfinite(b.pose.cy) || !std::isfinite(b.pose.cz) ||
            !(b.pose.distance > 0.0) || !std::isfinite(b.pose.heading) || !std::isfinite(b.pose.tilt)) {
            continue;
        }
        add(b);
    }
    return true;
}

bool ViewBookmarks::save(const QString& path, QString* error) const {
    QJsonArray views;
    for (const ViewBookmark& b : m_views) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), b.name);
        o.insert(QStringLiteral("center"), QJsonArray{b.pose.cx, b.pose.cy, b.pose.cz});
        o.insert(QStringLiteral("distance"), b.pose.distance);
        o.insert(QStringLiteral("heading_deg"), b.pose.heading);
        o.insert(QStringLiteral("tilt_deg"), b.pose.tilt);
        views.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("format"), kFormat);
    root.insert(QStringLiteral("version"), 1);
    QString project = QFileInfo(path).completeBaseName();
    project.chop(static_cast<int>(QStringLiteral(".citytwin-views").size()));
    root.insert(QStringLiteral("project"), project);
    root.insert(QStringLiteral("views"), views);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        if (error != nullptr) {
            *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        }
        return false;
    }
    return true;
}

int ViewBookmarks::add(const ViewBookmark& view) {
    const int at = indexOf(view.name);
    if (at >= 0) {
        m_views[static_cast<std::size_t>(at)] = view;
        return at;
    }
    m_views.push_back(view);
    return static_cast<int>(m_views.size()) - 1;
}

bool ViewBookmarks::remove(int index) {
    if (index < 0 || index >= size()) {
        return false;
    }
    m_views.erase(m_views.begin() + index);
    return true;
}

bool ViewBookmarks::rename(int index, const QString& name) {
    if (index < 0 || index >= size() || name.isEmpty()) {
        return false;
    }
    const int other = indexOf(name);
    if (other >= 0 && other != index) {
        return false;
    }
    m_views[static_cast<std::size_t>(index)].name = name;
    return true;
}

int ViewBookmarks::indexOf(const QString& name) const {
    for (std::size_t i = 0; i < m_views.size(); ++i) {
        if (m_views[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

}  // namespace ct::gui
