#include "citytwin/traffic/outputs.h"

#include <cstdio>
#include <sstream>

namespace ct::traffic {

void KpiRecorder::record(const Simulation& sim, double step) {
    const StepStats& s = sim.lastStep();
    m_time = s.time;
    m_vehSeconds += s.travelRate * step;
    m_distance += s.meanSpeed * s.running * step;
    m_loss += s.delayRate * step;
    m_co2 += s.co2Rate * step;
    m_arrivals += s.arrivedThisStep;
    if (m_time >= m_begin + m_interval - 1e-9) {
        close(sim);
    }
}

void KpiRecorder::finish(const Simulation& sim) {
    if (m_time > m_begin + 1e-9) {
        close(sim);
    }
}

void KpiRecorder::close(const Simulation& sim) {
    KpiSample k;
    k.begin = m_begin;
    k.end = m_time;
    const double len = k.end - k.begin;
    k.running = m_vehSeconds / len;
    k.meanSpeed = m_vehSeconds > 0 ? m_distance / m_vehSeconds : 0.0;
    k.delayIndex = m_vehSeconds > m_loss ? m_vehSeconds / (m_vehSeconds - m_loss) : 1.0;
    k.vehicleHoursDelay = m_loss / 3600.0;
    k.throughput = m_arrivals * 3600.0 / len;
    k.co2 = m_co2 / 1000.0;
    k.arrivedTotal = sim.counters().arrived;
    m_samples.push_back(k);
    m_begin = m_time;
    m_vehSeconds = m_distance = m_loss = m_co2 = 0.0;
    m_arrivals = 0;
}

KpiSample KpiRecorder::total() const {
    KpiSample t;
    double vs = 0, dist = 0, hours = 0;
    for (const KpiSample& k : m_samples) {
        const double len = k.end - k.begin;
        vs += k.running * len;
        dist += k.meanSpeed * k.running * len;
        hours += k.vehicleHoursDelay;
        t.co2 += k.co2;
        t.throughput += k.throughput * len / 3600.0;
    }
    if (!m_samples.empty()) {
        t.begin = m_samples.front().begin;
        t.end = m_samples.back().end;
        t.running = vs / std::max(1e-9, t.end - t.begin);
        t.arrivedTotal = m_samples.back().arrivedTotal;
    }
    t.meanSpeed = vs > 0 ? dist / vs : 0.0;
    t.vehicleHoursDelay = hours;
    t.delayIndex = vs > hours * 3600.0 ? vs / (vs - hours * 3600.0) : 1.0;
    return t;
}

namespace {
std::string num(double v, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string nameOf(const LinkNames& names, std::uint32_t l) {
    return l < names.size() && !names[l].empty() ? names[l] : std::to_string(l);
}
}  // namespace

std::string tripinfoCsv(const std::vector<TripResult>& trips) {
    std::ostringstream os;
    os << "id,vType,outcome,depart,departDelay,arrival,duration,routeLength,waitingTime,timeLoss,co2_g,"
          "teleports,reroutes\n";
    for (const TripResult& r : trips) {
        os << r.id << ',' << toString(r.vclass) << ',' << toString(r.outcome) << ',' << num(r.depart) << ','
           << num(r.departDelay) << ',' << num(r.arrival) << ',' << num(r.duration) << ','
           << num(r.routeLength) << ',' << num(r.waitingTime) << ',' << num(r.timeLoss) << ','
           << num(r.co2, 1) << ',' << r.teleports << ',' << r.reroutes << '\n';
    }
    return os.str();
}

LinkFigures linkFigures(const TrafficNetwork& net, const LinkInterval& in, std::uint32_t link) {
    LinkFigures f;
    const double len = in.end - in.begin;
    const double km = net.linkLength[link] / 1000.0;
    f.flow = len > 0 ? in.entered[link] * 3600.0 / len : 0.0;
    f.density = len > 0 && km > 0 ? in.vehicleSeconds[link] / len / km : 0.0;
    f.speed = in.vehicleSeconds[link] > 0 ? in.speedSum[link] / in.vehicleSeconds[link] : 0.0;
    f.travelTime =
        f.speed > 0.1 ? net.linkLength[link] / f.speed : net.linkLength[link] / net.linkSpeed[link];
    return f;
}

std::string linkStatsCsv(const TrafficNetwork& net, const std::vector<LinkInterval>& intervals,
                         const LinkNames& names) {
    std::ostringstream os;
    os << "begin,end,link,length_m,flow_vph,density_vpkm,speed_kmh,travel_time_s\n";
    for (const LinkInterval& in : intervals) {
        for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
            const LinkFigures f = linkFigures(net, in, l);
            os << num(in.begin, 0) << ',' << num(in.end, 0) << ',' << nameOf(names, l) << ','
               << num(net.linkLength[l], 1) << ',' << num(f.flow, 1) << ',' << num(f.density, 2) << ','
               << num(f.speed * 3.6, 2) << ',' << num(f.travelTime, 1) << '\n';
        }
    }
    return os.str();
}

std::string kpiCsv(const std::vector<KpiSample>& samples) {
    std::ostringstream os;
    os << "begin,end,running,mean_speed_kmh,delay_index,vehicle_hours_delay,throughput_vph,co2_kg,arrived_"
          "total\n";
    for (const KpiSample& k : samples) {
        os << num(k.begin, 0) << ',' << num(k.end, 0) << ',' << num(k.running, 1) << ','
           << num(k.meanSpeed * 3.6, 2) << ',' << num(k.delayIndex, 3) << ',' << num(k.vehicleHoursDelay, 3)
           << ',' << num(k.throughput, 1) << ',' << num(k.co2, 2) << ',' << k.arrivedTotal << '\n';
    }
    return os.str();
}

std::string detectorsCsv(const Simulation& sim, const TrafficNetwork& net, const LinkNames& names) {
    std::ostringstream os;
    os << "detector,link,lane,pos_m,begin,end,count,flow_vph,occupancy,speed_kmh\n";
    for (std::uint32_t d = 0; d < sim.detectorCount(); ++d) {
        const LaneId lane = sim.detectorLane(d);
        for (const DetectorInterval& di : sim.detectorIntervals(d)) {
            os << d << ',' << nameOf(names, net.laneLink[lane.index()].index()) << ','
               << int(net.laneIndex[lane.index()]) << ',' << num(sim.detectorPos(d), 1) << ','
               << num(di.begin, 0) << ',' << num(di.end, 0) << ',' << di.count << ','
               << num(di.count * 3600.0 / (di.end - di.begin), 1) << ',' << num(di.occupancy, 3) << ','
               << num(di.meanSpeed * 3.6, 2) << '\n';
        }
    }
    return os.str();
}

}  // namespace ct::traffic
