#pragma once
/// The Layers dock: which layers the 3D view draws, how roads are coloured, and the legends.

#include <QWidget>

#include "city_view.h"

class QCheckBox;
class QComboBox;
class QRadioButton;

namespace ct::gui {

class RoadLegend;
class BuildingLegend;

/// GUI thread only. Emits the user's choices; the main window applies them to the view.
class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);

    [[nodiscard]] QCheckBox* checkBox(CityView::Layer layer) const;
    void setRoadColoring(CityView::RoadColoring coloring);
    [[nodiscard]] CityView::RoadColoring roadColoring() const;
    void setBuildingColoring(CityView::BuildingColoring coloring);
    [[nodiscard]] CityView::BuildingColoring buildingColoring() const;
    /// Shows the scale of the buildings' colours (CityView::buildingScale) in the legend.
    void setBuildingScale(const CityView::BuildingScale& scale);
    [[nodiscard]] QComboBox* buildingColoringBox() const { return m_buildingsBy; }
    /// Shows the utilities' layers and colourings only for a scenario that runs water and power.
    void setUtilitiesAvailable(bool available);

Q_SIGNALS:
    void layerToggled(ct::gui::CityView::Layer layer, bool visible);
    void roadColoringChanged(ct::gui::CityView::RoadColoring coloring);
    void buildingColoringChanged(ct::gui::CityView::BuildingColoring coloring);

private:
    QCheckBox* m_buildings = nullptr;
    QCheckBox* m_vehicles = nullptr;
    QCheckBox* m_facilities = nullptr;
    QCheckBox* m_signals = nullptr;
    QCheckBox* m_water = nullptr;
    QCheckBox* m_power = nullptr;
    QCheckBox* m_service = nullptr;
    QRadioButton* m_byClass = nullptr;
    QRadioButton* m_bySpeed = nullptr;
    QRadioButton* m_byDelay = nullptr;
    QRadioButton* m_byDensity = nullptr;
    RoadLegend* m_legend = nullptr;
    QComboBox* m_buildingsBy = nullptr;
    QWidget* m_utilities = nullptr;
    BuildingLegend* m_buildingLegend = nullptr;
};

}  // namespace ct::gui
