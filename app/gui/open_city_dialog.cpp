#include "open_city_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace ct::gui {

namespace {

const char* const kVectorFilter = "GIS data (*.gpkg *.geojson *.json *.shp *.fgb *.osm *.pbf);;All files (*)";
const char* const kRasterFilter = "Elevation rasters (*.tif *.tiff *.asc *.img *.vrt);;All files (*)";

QWidget* row(QLineEdit* edit, std::initializer_list<QPushButton*> buttons, QWidget* parent) {
    auto* w = new QWidget(parent);
    auto* layout = new QHBoxLayout(w);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    for (QPushButton* b : buttons) {
        layout->addWidget(b);
    }
    return w;
}

}  // namespace

OpenCityDialog::OpenCityDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open city"));
    m_vector = new QLineEdit(this);
    m_vector->setPlaceholderText(tr("city.gpkg; roads.shp; extract.osm.pbf ..."));
    m_dem = new QLineEdit(this);
    m_dem->setPlaceholderText(tr("optional: elevation GeoTIFF"));
    m_mapping = new QLineEdit(this);
    m_mapping->setPlaceholderText(tr("optional: mapping JSON (docs/mapping.md)"));

    auto* vectorFile = new QPushButton(tr("Files..."), this);
    auto* vectorFolder = new QPushButton(tr("Folder..."), this);
    auto* demFile = new QPushButton(tr("Browse..."), this);
    auto* mappingFile = new QPushButton(tr("Browse..."), this);
    connect(vectorFile, &QPushButton::clicked, this, &OpenCityDialog::browseVector);
    connect(vectorFolder, &QPushButton::clicked, this, &OpenCityDialog::browseFolder);
    connect(demFile, &QPushButton::clicked, this, &OpenCityDialog::browseDem);
    connect(mappingFile, &QPushButton::clicked, this, &OpenCityDialog::browseMapping);

    auto* form = new QFormLayout;
    form->addRow(tr("Vector data:"), row(m_vector, {vectorFile, vectorFolder}, this));
    form->addRow(tr("Terrain (DEM):"), row(m_dem, {demFile}, this));
    form->addRow(tr("Mapping:"), row(m_mapping, {mappingFile}, this));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Open);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_vector, &QLineEdit::textChanged, this, &OpenCityDialog::updateOk);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(640, sizeHint().height());
    updateOk();
}

gis::LoadOptions OpenCityDialog::options() const {
    gis::LoadOptions opts;
    for (const QString& part : m_vector->text().split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString path = part.trimmed();
        if (!path.isEmpty()) {
            opts.vectorSources.push_back(path.toStdString());
        }
    }
    opts.demPath = m_dem->text().trimmed().toStdString();
    opts.mappingPath = m_mapping->text().trimmed().toStdString();
    return opts;
}

void OpenCityDialog::browseVector() {
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Vector data"), m_folder, tr(kVectorFilter));
    if (!files.isEmpty()) {
        m_vector->setText(files.join(QStringLiteral("; ")));
        m_folder = QFileInfo(files.front()).absolutePath();
    }
}

void OpenCityDialog::browseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of vector files"), m_folder);
    if (!dir.isEmpty()) {
        m_vector->setText(dir);
        m_folder = dir;
    }
}

void OpenCityDialog::browseDem() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Terrain raster"), m_folder, tr(kRasterFilter));
    if (!file.isEmpty()) {
        m_dem->setText(file);
    }
}

void OpenCityDialog::browseMapping() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Mapping file"), m_folder, tr("JSON (*.json);;All files (*)"));
    if (!file.isEmpty()) {
        m_mapping->setText(file);
    }
}

void OpenCityDialog::updateOk() {
    m_ok->setEnabled(!m_vector->text().trimmed().isEmpty());
}

}  // namespace ct::gui
