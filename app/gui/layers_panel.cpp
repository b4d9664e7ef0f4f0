#include "layers_panel.h"

#include "citytwin/render/utility_layer.h"

#include <utility>

#include <QButtonGroup>
#include <QCheckBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QRadioButton>
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

/// The legend of links by speed: the colour ramp with its scale, the attribute and its unit.
class SpeedLegend : public QWidget {
public:
    explicit SpeedLegend(QWidget* parent) : QWidget(parent) { setMinimumHeight(70); }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const int left = 6;
        const int right = width() - 10;
        const int top = 20;
        const int barHeight = 14;
        p.drawText(QRect(left, 0, width() - left, top - 2), Qt::AlignLeft | Qt::AlignBottom,
                   tr("Mean speed / speed limit (%)"));
        // The ramp from 0 to 100 %: the palette saturates at 80 %.
        QLinearGradient ramp(left, 0, right, 0);
        for (int k = 0; k <= 20; ++k) {
            const double ratio = k / 20.0;
            ramp.setColorAt(ratio, toQColor(render::speedRatioColor(ratio)));
        }
        p.fillRect(QRect(left, top, right - left, barHeight), ramp);
        p.setPen(QColor(80, 80, 80));
        p.drawRect(QRect(left, top, right - left, barHeight));
        for (int pct = 0; pct <= 100; pct += 20) {
            const int x = left + (right - left) * pct / 100;
            p.drawLine(x, top + barHeight, x, top + barHeight + 4);
            p.drawText(QRect(x - 20, top + barHeight + 4, 40, 16), Qt::AlignHCenter | Qt::AlignTop,
                       QString::number(pct));
        }
        // No data.
        const int y = top + barHeight + 24;
        p.fillRect(QRect(left, y, 28, 12), toQColor(render::noDataColor()));
        p.drawRect(QRect(left, y, 28, 12));
        p.drawText(QRect(left + 36, y - 3, width() - left - 36, 18), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("no vehicle in the last minute"));
    }
    [[nodiscard]] QSize sizeHint() const override { return {220, 80}; }
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

    auto* roads = new QGroupBox(tr("Roads coloured by"), this);
    auto* roadsLayout = new QVBoxLayout(roads);
    m_byClass = new QRadioButton(tr("Road class"), roads);
    m_bySpeed = new QRadioButton(tr("Live speed (share of the limit)"), roads);
    m_byClass->setChecked(true);
    auto* group = new QButtonGroup(this);
    group->addButton(m_byClass);
    group->addButton(m_bySpeed);
    roadsLayout->addWidget(m_byClass);
    roadsLayout->addWidget(m_bySpeed);
    m_legend = new SpeedLegend(roads);
    m_legend->setEnabled(false);
    roadsLayout->addWidget(m_legend);
    connect(m_bySpeed, &QRadioButton::toggled, this, [this](bool on) {
        m_legend->setEnabled(on);
        m_legend->setVisible(on);
        Q_EMIT roadColoringChanged(on ? CityView::RoadColoring::BySpeed : CityView::RoadColoring::ByClass);
    });
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
    (coloring == CityView::RoadColoring::BySpeed ? m_bySpeed : m_byClass)->setChecked(true);
}

CityView::RoadColoring LayersPanel::roadColoring() const {
    return m_bySpeed->isChecked() ? CityView::RoadColoring::BySpeed : CityView::RoadColoring::ByClass;
}

}  // namespace ct::gui
