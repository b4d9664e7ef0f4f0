#include "sim_recording.h"

#include <bit>
#include <cstring>
#include <map>
#include <type_traits>

#include <QFile>
#include <QSaveFile>

namespace ct::gui {

namespace {

static_assert(std::endian::native == std::endian::little, "the recording format is little-endian");

constexpr char kMagic[8] = {'C', 'T', 'R', 'E', 'C', 'O', 'R', 'D'};
constexpr std::uint32_t kNone = 0xffffffffu;  ///< a shared part that is null

std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

/// Appends values as their bytes.
class Writer {
public:
    template <class T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void val(const T& v) {
        char buf[sizeof(T)];
        std::memcpy(buf, &v, sizeof(T));
        m_out.append(buf, sizeof(T));
    }
    void val(const std::string& s) {
        count(s.size());
        m_out.append(s);
    }
    void val(const NodeId& id) { val(id.value); }
    void count(std::size_t n) { val(static_cast<std::uint32_t>(n)); }
    template <class T>
    void vec(const std::vector<T>& v) {
        count(v.size());
        if constexpr (std::is_arithmetic_v<T>) {
            m_out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
        } else {
            for (const T& x : v) {
                put(x);
            }
        }
    }
    template <class T>
    void put(const T& x);  // structs: below

    std::string& bytes() { return m_out; }

private:
    std::string m_out;
};

/// Reads values back; any read past the end or an impossible count marks it bad (and reads
/// zeros from then on).
class Reader {
public:
    explicit Reader(std::string_view in) : m_in(in) {}
    template <class T>
    requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void val(T& v) {
        if (!take(sizeof(T))) {
            v = T{};
            return;
        }
        std::memcpy(&v, m_in.data() + m_pos - sizeof(T), sizeof(T));
    }
    void val(std::string& s) {
        const std::size_t n = count(1);
        if (!take(n)) {
            s.clear();
            return;
        }
        s.assign(m_in.data() + m_pos - n, n);
    }
    void val(NodeId& id) { val(id.value); }
    /// A count of elements of at least `minBytes` each: never more than the bytes left allow.
    std::size_t count(std::size_t minBytes) {
        std::uint32_t n = 0;
        val(n);
        if (m_bad || static_cast<std::uint64_t>(n) * minBytes > m_in.size() - m_pos) {
            fail();
            return 0;
        }
        return n;
    }
    template <class T>
    void vec(std::vector<T>& v) {
        if constexpr (std::is_arithmetic_v<T>) {
            const std::size_t n = count(sizeof(T));
            v.resize(n);
            if (n > 0 && take(n * sizeof(T))) {
                std::memcpy(v.data(), m_in.data() + m_pos - n * sizeof(T), n * sizeof(T));
            }
        } else {
            const std::size_t n = count(4);
            v.clear();
            v.reserve(n);
            for (std::size_t i = 0; i < n && !m_bad; ++i) {
                v.emplace_back();
                get(v.back());
            }
        }
    }
    template <class T>
    void get(T& x);  // structs: below

    void fail() {
        m_bad = true;
        m_pos = m_in.size();
    }
    [[nodiscard]] bool bad() const { return m_bad; }
    [[nodiscard]] std::size_t pos() const { return m_pos; }
    [[nodiscard]] std::size_t left() const { return m_in.size() - m_pos; }

private:
    bool take(std::size_t n) {
        if (m_bad || n > m_in.size() - m_pos) {
            fail();
            return false;
        }
        m_pos += n;
        return true;
    }
    std::string_view m_in;
    std::size_t m_pos = 0;
    bool m_bad = false;
};

// The fields of each struct, in file order; one list for writing and reading (A is Writer or
// Reader, S the struct, const for writing).

template <class A, class S>
void fieldsOf(A& a, S& v) {
    using T = std::remove_const_t<S>;
    if constexpr (std::is_same_v<T, VehicleSnap>) {
        a.val(v.trip), a.val(v.lane), a.val(v.pos), a.val(v.x), a.val(v.y), a.val(v.z);
        a.val(v.heading), a.val(v.speed), a.val(v.driven), a.val(v.delay), a.val(v.vclass);
    } else if constexpr (std::is_same_v<T, traffic::KpiSample>) {
        a.val(v.begin), a.val(v.end), a.val(v.running), a.val(v.meanSpeed), a.val(v.delayIndex);
        a.val(v.vehicleHoursDelay), a.val(v.throughput), a.val(v.co2), a.val(v.arrivedTotal);
    } else if constexpr (std::is_same_v<T, traffic::Counters>) {
        a.val(v.inserted), a.val(v.arrived), a.val(v.removed), a.val(v.noRoute), a.val(v.teleports);
        a.val(v.reroutes), a.val(v.emergencyBrakes), a.val(v.hardBrakes), a.val(v.vehicleUpdates);
        a.val(v.laneChanges), a.val(v.pending), a.val(v.running);
    } else if constexpr (std::is_same_v<T, traffic::StepStats>) {
        a.val(v.time), a.val(v.running), a.val(v.meanSpeed), a.val(v.delayRate), a.val(v.travelRate);
        a.val(v.co2Rate), a.val(v.arrivedThisStep), a.val(v.insertedThisStep);
    } else if constexpr (std::is_same_v<T, utility::UtilityKpi>) {
        a.val(v.time), a.val(v.buildingsWithoutWater), a.val(v.buildingsWithoutPower);
        a.val(v.residentsWithoutWater), a.val(v.residentsWithoutPower), a.val(v.shareWithoutWater);
        a.val(v.shareWithoutPower), a.val(v.customerMinutesWater), a.val(v.customerMinutesPower);
        a.val(v.saidiWaterMin), a.val(v.saidiPowerMin), a.val(v.requestedM3), a.val(v.deliveredM3);
        a.val(v.unmetM3), a.val(v.leakM3), a.val(v.minPressureM), a.val(v.pumpsRunning);
        a.val(v.pumpsWithoutPower), a.val(v.darkSignals), a.val(v.hospitalsOnBackup);
        a.val(v.hospitalsWithoutPower), a.val(v.darkBuses), a.val(v.trippedBranches);
        a.val(v.loadServedMW), a.val(v.loadLostMW);
    } else if constexpr (std::is_same_v<T, utility::UtilityLogEntry>) {
        a.val(v.time), a.val(v.what);
    } else if constexpr (std::is_same_v<T, NodeId>) {
        a.val(v);
    } else if constexpr (std::is_same_v<T, LinkEdit>) {
        a.val(v.time), a.val(v.close), a.vec(v.links), a.val(v.ref);
    } else if constexpr (std::is_same_v<T, UtilitySnap>) {
        a.val(v.time), a.vec(v.kpis), a.vec(v.log), a.vec(v.buildingHasWater), a.vec(v.buildingHasPower);
        a.vec(v.minutesWithoutWater), a.vec(v.minutesWithoutPower), a.vec(v.waterLinkState);
        a.vec(v.branchLive), a.vec(v.darkSignals);
    } else {
        static_assert(sizeof(T) == 0, "no field list");
    }
}

template <class T>
void Writer::put(const T& x) {
    fieldsOf(*this, x);
}

template <class T>
void Reader::get(T& x) {
    fieldsOf(*this, x);
}

/// Numbers the distinct shared parts (by pointer) in order of first use.
template <class T>
struct SharedTable {
    std::vector<const T*> items;
    std::map<const T*, std::uint32_t> index;
    std::uint32_t add(const std::shared_ptr<const T>& p) {
        if (!p) {
            return kNone;
        }
        auto [it, inserted] = index.try_emplace(p.get(), static_cast<std::uint32_t>(items.size()));
        if (inserted) {
            items.push_back(p.get());
        }
        return it->second;
    }
};

template <class T>
std::shared_ptr<const T> pick(Reader& r, const std::vector<std::shared_ptr<const T>>& table) {
    std::uint32_t i = 0;
    r.val(i);
    if (i == kNone) {
        return nullptr;
    }
    if (i >= table.size()) {
        r.fail();
        return nullptr;
    }
    return table[i];
}

}  // namespace

std::string encodeRecording(const Recording& rec) {
    Writer w;
    w.bytes().append(kMagic, sizeof(kMagic));
    w.val(kRecordingVersion);
    w.val(rec.scenario);
    w.val(rec.title);
    w.count(rec.sources.size());
    for (const std::string& s : rec.sources) {
        w.val(s);
    }
    SharedTable<UtilitySnap> utilities;
    SharedTable<std::vector<std::uint8_t>> closed;
    SharedTable<std::vector<LinkEdit>> edits;
    for (const auto& s : rec.snapshots) {
        utilities.add(s->utility);
        closed.add(s->closedLinks);
        edits.add(s->edits);
    }
    w.count(utilities.items.size());
    for (const UtilitySnap* u : utilities.items) {
        w.put(*u);
    }
    w.count(closed.items.size());
    for (const auto* c : closed.items) {
        w.vec(*c);
    }
    w.count(edits.items.size());
    for (const auto* e : edits.items) {
        w.vec(*e);
    }
    w.count(rec.snapshots.size());
    for (const auto& p : rec.snapshots) {
        const SimSnapshot& s = *p;
        w.val(s.seq), w.val(s.tick), w.val(s.time), w.val(s.clockStart), w.val(s.duration);
        w.val(s.step), w.val(s.state), w.val(s.speed), w.val(s.wallPeriod);
        w.vec(s.vehicles);
        w.put(s.counters);
        w.put(s.last);
        w.vec(s.kpis);
        w.vec(s.linkSpeed);
        w.val(utilities.add(s.utility));
        w.val(closed.add(s.closedLinks));
        w.val(edits.add(s.edits));
        w.val(s.error);
    }
    w.val(fnv1a(w.bytes()));
    return std::move(w.bytes());
}

bool decodeRecording(std::string_view bytes, Recording& out, std::string* error) {
    auto failWith = [error](std::string why) {
        if (error != nullptr) {
            *error = std::move(why);
        }
        return false;
    };
    if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
        return failWith("not a CityTwin recording (no CTRECORD header)");
    }
    Reader r(bytes.substr(0, bytes.size() >= 8 ? bytes.size() - 8 : 0));
    char magic[sizeof(kMagic)];
    for (char& c : magic) {
        r.val(c);
    }
    std::uint32_t version = 0;
    r.val(version);
    if (r.bad()) {
        return failWith("the recording is cut short: its header is incomplete");
    }
    if (version != kRecordingVersion) {
        return failWith("recording format version " + std::to_string(version) +
                        ", this build reads version " + std::to_string(kRecordingVersion));
    }
    std::uint64_t sum = 0;
    std::memcpy(&sum, bytes.data() + bytes.size() - 8, 8);
    if (sum != fnv1a(bytes.substr(0, bytes.size() - 8))) {
        return failWith("the recording is damaged or cut short (its checksum does not match)");
    }

    Recording rec;
    r.val(rec.scenario);
    r.val(rec.title);
    rec.sources.resize(r.count(4));
    for (std::string& s : rec.sources) {
        r.val(s);
    }
    std::vector<std::shared_ptr<const UtilitySnap>> utilities(r.count(4));
    for (auto& u : utilities) {
        auto x = std::make_shared<UtilitySnap>();
        r.get(*x);
        u = std::move(x);
    }
    std::vector<std::shared_ptr<const std::vector<std::uint8_t>>> closed(r.count(4));
    for (auto& c : closed) {
        auto x = std::make_shared<std::vector<std::uint8_t>>();
        r.vec(*x);
        c = std::move(x);
    }
    std::vector<std::shared_ptr<const std::vector<LinkEdit>>> edits(r.count(4));
    for (auto& e : edits) {
        auto x = std::make_shared<std::vector<LinkEdit>>();
        r.vec(*x);
        e = std::move(x);
    }
    const std::size_t n = r.count(64);
    rec.snapshots.reserve(n);
    for (std::size_t i = 0; i < n && !r.bad(); ++i) {
        auto s = std::make_shared<SimSnapshot>();
        r.val(s->seq), r.val(s->tick), r.val(s->time), r.val(s->clockStart), r.val(s->duration);
        r.val(s->step), r.val(s->state), r.val(s->speed), r.val(s->wallPeriod);
        r.vec(s->vehicles);
        r.get(s->counters);
        r.get(s->last);
        r.vec(s->kpis);
        r.vec(s->linkSpeed);
        s->utility = pick(r, utilities);
        s->closedLinks = pick(r, closed);
        s->edits = pick(r, edits);
        r.val(s->error);
        if (!rec.snapshots.empty() && !(s->time > rec.snapshots.back()->time)) {
            r.fail();  // times must ascend
        }
        if (static_cast<std::uint8_t>(s->state) > static_cast<std::uint8_t>(SimState::Finished)) {
            r.fail();
        }
        for (const VehicleSnap& v : s->vehicles) {
            if (static_cast<int>(v.vclass) >= traffic::kVehicleClassCount) {
                r.fail();
                break;
            }
        }
        rec.snapshots.push_back(std::move(s));
    }
    if (r.bad() || r.left() != 0) {
        return failWith("the recording is damaged: its contents do not parse");
    }
    if (rec.snapshots.empty()) {
        return failWith("the recording holds no snapshots");
    }
    out = std::move(rec);
    return true;
}

bool saveRecording(const QString& path, const Recording& recording, QString* error) {
    const std::string bytes = encodeRecording(recording);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(bytes.data(), static_cast<qint64>(bytes.size())) != static_cast<qint64>(bytes.size()) ||
        !file.commit()) {
        if (error != nullptr) {
            *error = QObject::tr("could not write %1: %2").arg(path, file.errorString());
        }
        return false;
    }
    return true;
}

bool loadRecording(const QString& path, Recording& out, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error != nullptr) {
            *error = QObject::tr("could not read %1: %2").arg(path, file.errorString());
        }
        return false;
    }
    const QByteArray bytes = file.readAll();
    std::string why;
    if (!decodeRecording(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), out,
                         &why)) {
        if (error != nullptr) {
            *error = QObject::tr("%1: %2").arg(path, QString::fromStdString(why));
        }
        return false;
    }
    return true;
}

}  // namespace ct::gui
