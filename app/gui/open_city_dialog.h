#pragma once
/// The File > Open dialog: vector sources, an optional DEM and an optional mapping file.

#include <QDialog>

#include "citytwin/gis/city_loader.h"

class QLineEdit;
class QPushButton;

namespace ct::gui {

class OpenCityDialog : public QDialog {
    Q_OBJECT
public:
    explicit OpenCityDialog(QWidget* parent = nullptr);

    /// The load options as entered: vector sources are separated by ';' in the text field.
    [[nodiscard]] gis::LoadOptions options() const;
    /// Where the file choosers start (the last folder used); after exec(), the folder of the last
    /// file chosen.
    void setFolder(const QString& folder) { m_folder = folder; }
    [[nodiscard]] QString folder() const { return m_folder; }

private:
    void browseVector();
    void browseFolder();
    void browseDem();
    void browseMapping();
    void updateOk();

    QLineEdit* m_vector = nullptr;
    QLineEdit* m_dem = nullptr;
    QLineEdit* m_mapping = nullptr;
    QPushButton* m_ok = nullptr;
    QString m_folder;
};

}  // namespace ct::gui
