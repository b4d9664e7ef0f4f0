#pragma once
// Private: a strip over a directed link's own lanes (right of the centre line of a two-way road,
// the whole ribbon of a one-way one), resampled to follow the ground, as the colour-by-data
// overlay and the closures draw it.

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "ground.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

/// Appends the strip of `link` to `mesh` in `color`, `lift` m above the road surface, inset by
/// `inset` m from the lanes' edges. With `stripe` > 0 the colour alternates with `stripeColor`
/// every `stripe` m along the link, in crisp bands. Returns false when the link has no usable
/// shape.
bool appendLinkStrip(MeshBuffer& mesh, const RoadNetwork& net, LinkId link, const Ground& ground,
                     const SceneOptions& options, double lift, double inset, const osg::Vec4& color,
                     double stripe = 0.0, const osg::Vec4& stripeColor = {});

}  // namespace ct::render::detail
