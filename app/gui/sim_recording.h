#pragma once
/// A recording of a run: the snapshots the timeline recorded (SimHistory's ring, one every 10 s
/// of simulated time) with the scenario they came from and its city's sources, written to a file
/// that File > Open recording... plays back without simulating.
///
/// The file (".ctrec") is a compact little-endian binary: an 8-byte magic "CTRECORD", a format
/// version, the scenario path, title and city sources, tables of the parts snapshots share
/// (utility states, closed-link sets, edit lists: written once, shared again when read), the
/// snapshots with every field bit for bit (floats and doubles as their IEEE bits, NaN included),
/// and a 64-bit FNV-1a checksum of all bytes before it. Reading checks every count against the
/// bytes left and the checksum, so a truncated, damaged or foreign file is an error, never a
/// crash or a huge allocation.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <QString>

#include "sim_snapshot.h"

namespace ct::gui {

inline constexpr std::uint32_t kRecordingVersion = 1;

struct Recording {
    std::string scenario;              ///< the scenario file, absolute
    std::string title;                 ///< the scenario's title when recorded
    std::vector<std::string> sources;  ///< the city's input files, in load order
    /// Oldest first, times strictly ascending.
    std::vector<std::shared_ptr<const SimSnapshot>> snapshots;
};

/// The bytes of the file.
std::string encodeRecording(const Recording& recording);
/// Parses the bytes of a file; false (and `error`, one readable sentence) when they are not a
/// whole recording of a version this build reads.
bool decodeRecording(std::string_view bytes, Recording& out, std::string* error = nullptr);

/// Writes `recording` to `path` atomically (QSaveFile). False (and `error`) on failure.
bool saveRecording(const QString& path, const Recording& recording, QString* error = nullptr);
/// Reads `path`. False (and `error`) when it cannot be read or is no recording.
bool loadRecording(const QString& path, Recording& out, QString* error = nullptr);

}  // namespace ct::gui
