#pragma once
/// Strong integer ids for the entities of the city model.
///
/// An id is an index into the flat arrays of its owner (RoadNetwork, Buildings...). Distinct tag
/// types stop a NodeId being used where a LinkId is expected. The invalid id is UINT32_MAX.

#include <compare>
#include <cstdint>
#include <limits>

namespace ct {

template <class Tag>
struct Id {
    static constexpr std::uint32_t kInvalid = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t value = kInvalid;

    constexpr Id() = default;
    constexpr explicit Id(std::uint32_t v) : value(v) {}
    [[nodiscard]] constexpr bool valid() const { return value != kInvalid; }
    [[nodiscard]] constexpr std::uint32_t index() const { return value; }
    constexpr auto operator<=>(const Id&) const = default;
};

using NodeId = Id<struct NodeTag>;
using LinkId = Id<struct LinkTag>;
using BuildingId = Id<struct BuildingTag>;
using FacilityId = Id<struct FacilityTag>;

}  // namespace ct
