#include "layers_panel.h"

#include <functional>
#include <utility>
#include <vector>

#include "citytwin/render/building_colors.h"
#include "citytwin/render/utility_layer.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "citytwin/render/palette.h"

namespace ct::gui {

namespace {

QColor toQColor(render::Rgb c) {
    return QColor::fromRgbF(c.r, c.g, c.b);
}

/// A small coloured square with a text, for the vehicle legend.
QWidget* swatch(const QColor& color, const QString& text, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* box = new QLabel(row);
    box->setFixedSize(14, 14);
    box->setStyleSheet(QStringLiteral("background:%1; border:1px solid #555;").arg(color.name()));
    layout->addWidget(box);
    layout->addWidget(new QLabel(text, row), 1);
    return row;
}

}  // namespace

/// The legend of a road colouring: the colour ramp with its scale, the attribute and its unit.
class RoadLegend : public QWidget {
public:
    explicit RoadLegend(QWidget* parent) : QWidget(parent) { setMinimumHeight(70); }

    void show(CityView::RoadColoring coloring) {
        m_coloring = coloring;
        setVisible(coloring != CityView::RoadColoring::ByClass);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QString title;
        QString noData = tr("no vehicle in the last minute");
        std::vector<double> ticks;  // attribute values at the tick marks, left to right
        std::function<render::Rgb(double)> color;
        QString last;  // the rightmost tick's label suffix ("+" when it saturates)
        switch (m_coloring) {
            case CityView::RoadColoring::BySpeed:
                title = tr("Mean speed / speed limit (%)");
                ticks = {0, 20, 40, 60, 80, 100};
                color = [](double pct) { return render::speedRatioColor(pct / 100.0); };
                break;
            case CityView::RoadColoring::ByDelay:
                title = tr("Delay index (travel time / free flow)");
                ticks = {1.0, 1.5, 2.0, 2.5, 3.0};
                color = [](double d) { return render::delayIndexColor(d); };
                last = QStringLiteral("+");
                break;
            case CityView::RoadColoring::ByDensity:
                title = tr("Density now (vehicles / km / lane)");
                ticks = {0, 20, 40, 60, 80};
                color = [](double k) { return render::densityColor(k); };
                last = QStringLiteral("+");
                noData.clear();
                break;
            case CityView::RoadColoring::ByClass:
                return;
        }
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const int left = 6;
        const int right = width() - 14;
        const int top = 20;
        const int barHeight = 14;
        p.drawText(QRect(left, 0, width() - left, top - 2), Qt::AlignLeft | Qt::AlignBottom, title);
        const double lo = ticks.front();
        const double hi = ticks.back();
        QLinearGradient ramp(left, 0, right, 0);
        for (int k = 0; k <= 40; ++k) {
            ramp.setColorAt(k / 40.0, toQColor(color(lo + (hi - lo) * k / 40.0)));
        }
        p.fillRect(QRect(left, top, right - left, barHeight), ramp);
        p.setPen(QColor(80, 80, 80));
        p.drawRect(QRect(left, top, right - left, barHeight));
        for (std::size_t k = 0; k < ticks.size(); ++k) {
            const int x = left + static_cast<int>((right - left) * (ticks[k] - lo) / (hi - lo));
            p.drawLine(x, top + barHeight, x, top + barHeight + 4);
            p.drawText(QRect(x - 22, top + barHeight + 4, 44, 16), Qt::AlignHCenter | Qt::AlignTop,
                       QString::number(ticks[k]) + (k + 1 == ticks.size() ? last : QString()));
        }
        if (!noData.isEmpty()) {
            const int y = top + barHeight + 24;
            p.fillRect(QRect(left, y, 28, 12), toQColor(render::noDataColor()));
            p.drawRect(QRect(left, y, 28, 12));
            p.drawText(QRect(left + 36, y - 3, width() - left - 36, 18), Qt::AlignLeft | Qt::AlignVCenter,
                       noData);
        }
    }
    [[nodiscard]] QSize sizeHint() const override { return {220, 80}; }

private:
    CityView::RoadColoring m_coloring = CityView::RoadColoring::ByClass;
};

/// The legend of buildings coloured by an attribute: the ramp from 0 to the scale's top.
class BuildingLegend : public QWidget {
public:
    explicit BuildingLegend(QWidget* parent) : QWidget(parent) { setMinimumHeight(44); }

    void setScale(const CityView::BuildingScale& scale) {
        m_scale = scale;
        setVisible(scale.top > 0.0);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const int left = 6;
        const int right = width() - 14;
        const int top = 4;
        const int barHeight = 12;
        QLinearGradient ramp(left, 0, right, 0);
        for (int k = 0; k <= 20; ++k) {
            ramp.setColorAt(k / 20.0, toQColor(render::attributeColor(k / 20.0)));
        }
        p.fillRect(QRect(left, top, right - left, barHeight), ramp);
        p.setPen(QColor(80, 80, 80));
        p.drawRect(QRect(left, top, right - left, barHeight));
        const QString unit = m_scale.unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_scale.unit);
        const QRect labels(left, top + barHeight + 2, right - left, 16);
        p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
        p.drawText(labels, Qt::AlignHCenter | Qt::AlignTop, m_scale.name + unit);
        p.drawText(labels, Qt::AlignRight | Qt::AlignTop,
                   QString::number(m_scale.top, 'g', 4) + QStringLiteral("+"));
    }
    [[nodiscard]] QSize sizeHint() const override { return {220, 40}; }

private:
    CityView::BuildingScale m_scale;
};

LayersPanel::LayersPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    auto* layers = new QGroupBox(tr("Show"), this);
    auto* layersLayout = new QGridLayout(layers);
    m_buildings = new QCheckBox(tr("Buildings"), layers);
    m_vehicles = new QCheckBox(tr("Vehicles"), layers);
    m_facilities = new QCheckBox(tr("Facilities"), layers);
    m_signals = new QCheckBox(tr("Traffic signals"), layers);
    int cell = 0;
    for (QCheckBox* box : {m_buildings, m_vehicles, m_facilities, m_signals}) {
        box->setChecked(true);
        layersLayout->addWidget(box, cell / 2, cell % 2);
        ++cell;
    }
    connect(m_buildings, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::Buildings, on); });
    connect(m_vehicles, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::Vehicles, on); });
    connect(m_facilities, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::Facilities, on); });
    connect(m_signals, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::Signals, on); });
    layout->addWidget(layers);

    // Buildings by use (the palette) or by an attribute on a ramp.
    auto* buildingsBox = new QGroupBox(tr("Buildings coloured by"), this);
    auto* buildingsLayout = new QVBoxLayout(buildingsBox);
    m_buildingsBy = new QComboBox(buildingsBox);
    m_buildingsBy->setObjectName(QStringLiteral("buildingsBy"));
    using BC = CityView::BuildingColoring;
    const std::pair<BC, QString> attributes[] = {
        {BC::ByUse, tr("Use")},
        {BC::ByHeight, tr("Height (m)")},
        {BC::ByLevels, tr("Storeys")},
        {BC::ByResidents, tr("Residents")},
        {BC::ByJobs, tr("Jobs")},
        {BC::ByFootprint, tr("Footprint (m\u00b2)")},
        {BC::ByMinutesWithoutPower, tr("Minutes without power")},
        {BC::ByMinutesWithoutWater, tr("Minutes without water")},
    };
    for (const auto& [coloring, label] : attributes) {
        m_buildingsBy->addItem(label, static_cast<int>(coloring));
    }
    buildingsLayout->addWidget(m_buildingsBy);
    m_buildingLegend = new BuildingLegend(buildingsBox);
    m_buildingLegend->setVisible(false);
    buildingsLayout->addWidget(m_buildingLegend);
    connect(m_buildingsBy, &QComboBox::currentIndexChanged, this,
            [this](int) { Q_EMIT buildingColoringChanged(buildingColoring()); });
    layout->addWidget(buildingsBox);

    // Utilities: the networks under the streets and the service of the buildings.
    auto* utilities = new QGroupBox(tr("Utilities"), this);
    auto* utilitiesLayout = new QGridLayout(utilities);
    utilitiesLayout->setSpacing(2);
    m_water = new QCheckBox(tr("Water network"), utilities);
    m_power = new QCheckBox(tr("Power network"), utilities);
    m_service = new QCheckBox(tr("Buildings without service"), utilities);
    m_water->setChecked(false);  // off by default: under every street it hides the road colours
    m_power->setChecked(false);
    m_service->setChecked(true);
    utilitiesLayout->addWidget(m_water, 0, 0);
    utilitiesLayout->addWidget(m_power, 0, 1);
    utilitiesLayout->addWidget(m_service, 1, 0, 1, 2);
    connect(m_water, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::WaterNetwork, on); });
    connect(m_power, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::PowerNetwork, on); });
    connect(m_service, &QCheckBox::toggled, this,
            [this](bool on) { Q_EMIT layerToggled(CityView::Layer::BuildingService, on); });
    const std::pair<render::Rgb, QString> utilityKeys[] = {
        {render::waterInServiceColor(), tr("pipe")}, {render::waterBurstColor(), tr("burst")},
        {render::waterClosedColor(), tr("closed")},  {render::powerLiveColor(), tr("live line")},
        {render::powerDeadColor(), tr("dead line")}, {render::noPowerCapColor(), tr("no power")},
        {render::noWaterCapColor(), tr("no water")}, {render::noServiceCapColor(), tr("neither")},
    };
    int key = 0;
    for (const auto& [rgb, name] : utilityKeys) {
        utilitiesLayout->addWidget(swatch(toQColor(rgb), name, utilities), 2 + key / 2, key % 2);
        ++key;
    }
    layout->addWidget(utilities);
    m_utilities = utilities;

    auto* roads = new QGroupBox(tr("Roads coloured by"), this);
    auto* roadsLayout = new QVBoxLayout(roads);
    m_byClass = new QRadioButton(tr("Road class"), roads);
    m_bySpeed = new QRadioButton(tr("Live speed (share of the limit)"), roads);
    m_byDelay = new QRadioButton(tr("Delay index"), roads);
    m_byDensity = new QRadioButton(tr("Density (heatmap)"), roads);
    m_byClass->setChecked(true);
    auto* group = new QButtonGroup(this);
    m_legend = new RoadLegend(roads);
    for (auto [button, coloring] : {std::pair{m_byClass, CityView::RoadColoring::ByClass},
                                    std::pair{m_bySpeed, CityView::RoadColoring::BySpeed},
                                    std::pair{m_byDelay, CityView::RoadColoring::ByDelay},
                                    std::pair{m_byDensity, CityView::RoadColoring::ByDensity}}) {
        group->addButton(button);
        roadsLayout->addWidget(button);
        connect(button, &QRadioButton::toggled, this, [this, coloring = coloring](bool on) {
            if (on) {
                m_legend->show(coloring);
                Q_EMIT roadColoringChanged(coloring);
            }
        });
    }
    roadsLayout->addWidget(m_legend);
    m_legend->setVisible(false);
    layout->addWidget(roads);

    auto* vehicles = new QGroupBox(tr("Vehicles"), this);
    auto* vehiclesLayout = new QGridLayout(vehicles);
    vehiclesLayout->setSpacing(2);
    const std::pair<traffic::VehicleClass, QString> classes[] = {
        {traffic::VehicleClass::Car, tr("car")},
        {traffic::VehicleClass::Bus, tr("bus")},
        {traffic::VehicleClass::Truck, tr("truck")},
        {traffic::VehicleClass::Emergency, tr("emergency")},
    };
    cell = 0;
    for (const auto& [vclass, name] : classes) {
        vehiclesLayout->addWidget(swatch(toQColor(render::vehicleColor(vclass)), name, vehicles), cell / 2,
                                  cell % 2);
        ++cell;
    }
    layout->addWidget(vehicles);

    auto* signalBox = new QGroupBox(tr("Signals (bars at the stop lines)"), this);
    auto* signalsLayout = new QHBoxLayout(signalBox);
    signalsLayout->addWidget(
        swatch(toQColor(render::signalColor(traffic::LinkState::PriorityGreen)), tr("go"), signalBox));
    signalsLayout->addWidget(
        swatch(toQColor(render::signalColor(traffic::LinkState::Yellow)), tr("amber"), signalBox));
    signalsLayout->addWidget(
        swatch(toQColor(render::signalColor(traffic::LinkState::Red)), tr("stop"), signalBox));
    layout->addWidget(signalBox);
    layout->addStretch(1);
}

QCheckBox* LayersPanel::checkBox(CityView::Layer layer) const {
    switch (layer) {
        case CityView::Layer::Buildings:
            return m_buildings;
        case CityView::Layer::Vehicles:
            return m_vehicles;
        case CityView::Layer::Facilities:
            return m_facilities;
        case CityView::Layer::Signals:
            return m_signals;
        case CityView::Layer::WaterNetwork:
            return m_water;
        case CityView::Layer::PowerNetwork:
            return m_power;
        case CityView::Layer::BuildingService:
            return m_service;
    }
    return nullptr;
}

void LayersPanel::setRoadColoring(CityView::RoadColoring coloring) {
    switch (coloring) {
        case CityView::RoadColoring::BySpeed:
            m_bySpeed->setChecked(true);
            break;
        case CityView::RoadColoring::ByDelay:
            m_byDelay->setChecked(true);
            break;
        case CityView::RoadColoring::ByDensity:
            m_byDensity->setChecked(true);
            break;
        case CityView::RoadColoring::ByClass:
            m_byClass->setChecked(true);
            break;
    }
}

void LayersPanel::setBuildingColoring(CityView::BuildingColoring coloring) {
    const int i = m_buildingsBy->findData(static_cast<int>(coloring));
    if (i >= 0) {
        m_buildingsBy->setCurrentIndex(i);
    }
}

CityView::BuildingColoring LayersPanel::buildingColoring() const {
    return static_cast<CityView::BuildingColoring>(m_buildingsBy->currentData().toInt());
}

void LayersPanel::setUtilitiesAvailable(bool available) {
    m_utilities->setVisible(available);
    auto* model = qobject_cast<QStandardItemModel*>(m_buildingsBy->model());
    for (const auto coloring : {CityView::BuildingColoring::ByMinutesWithoutPower,
                                CityView::BuildingColoring::ByMinutesWithoutWater}) {
        const int i = m_buildingsBy->findData(static_cast<int>(coloring));
        if (model != nullptr && i >= 0) {
            model->item(i)->setEnabled(available);
        }
    }
    if (!available && (buildingColoring() == CityView::BuildingColoring::ByMinutesWithoutPower ||
                       buildingColoring() == CityView::BuildingColoring::ByMinutesWithoutWater)) {
        setBuildingColoring(CityView::BuildingColoring::ByUse);
    }
}

void LayersPanel::setBuildingScale(const CityView::BuildingScale& scale) {
    m_buildingLegend->setScale(scale);
}

CityView::RoadColoring LayersPanel::roadColoring() const {
    return m_bySpeed->isChecked()     ? CityView::RoadColoring::BySpeed
           : m_byDelay->isChecked()   ? CityView::RoadColoring::ByDelay
           : m_byDensity->isChecked() ? CityView::RoadColoring::ByDensity
                                      : CityView::RoadColoring::ByClass;
}

}  // namespace ct::gui
