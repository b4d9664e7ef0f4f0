#pragma once
/// What the user selected in the 3D view.

#include <cstdint>

namespace ct::gui {

struct Selection {
    enum class Kind : std::uint8_t { None, Building, Link, Junction, Vehicle, Facility };
    Kind kind = Kind::None;
    std::uint32_t id = 0;  ///< BuildingId, LinkId, NodeId or FacilityId index, or the vehicle's trip

    [[nodiscard]] bool empty() const { return kind == Kind::None; }
    friend bool operator==(const Selection&, const Selection&) = default;
};

/// The name of a kind, for messages ("building", "link"...).
inline const char* toString(Selection::Kind k) {
    switch (k) {
        case Selection::Kind::Building:
            return "building";
        case Selection::Kind::Link:
            return "link";
        case Selection::Kind::Junction:
            return "junction";
        case Selection::Kind::Vehicle:
            return "vehicle";
        case Selection::Kind::Facility:
            return "facility";
        case Selection::Kind::None:
            break;
    }
    return "nothing";
}

}  // namespace ct::gui
