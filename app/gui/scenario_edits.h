#pragma once
/// Saving a scenario with the edits made while it ran: the loaded scenario file's JSON with the
/// link closures and reopenings (LinkEdit) appended to its "events" array, everything else kept
/// as written (key order too), relative file paths rebased to the new file's folder.
/// Plain C++ (no Qt): the GUI writes the text atomically (QSaveFile).

#include <string>
#include <vector>

#include "sim_snapshot.h"

namespace ct::gui {

/// The JSON text of scenario `source` with `edits` appended as close_link / open_link events
/// (time in s of simulation time, link as the edit's reference, a "note" saying where they came
/// from), to be written to `target`. On failure (unreadable or malformed source) returns "" and
/// sets `error`.
std::string scenarioWithEdits(const std::string& source, const std::string& target,
                              const std::vector<LinkEdit>& edits, std::string* error);

}  // namespace ct::gui
