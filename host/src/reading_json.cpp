#include "reading_json.hpp"

namespace orphancheck::host {

nlohmann::json socket_to_json(const conform::DiagSocket& s) {
    nlohmann::json j{{"state", s.state},     {"timer", s.timer},   {"retransmits", s.retransmits},
                     {"sport", s.sport},     {"dport", s.dport},   {"expires_ms", s.expires_ms},
                     {"rqueue", s.rqueue},   {"wqueue", s.wqueue}, {"inode", s.inode},
                     {"cookie", s.cookie},   {"saddr", s.saddr},   {"daddr", s.daddr},
                     {"ifindex", s.ifindex}};
    if (s.info)
        j["info"] = {{"retransmits", s.info->retransmits}, {"probes", s.info->probes}, {"backoff", s.info->backoff},
                     {"rto_us", s.info->rto_us},           {"snd_wnd", s.info->snd_wnd}, {"unacked", s.info->unacked},
                     {"last_data_sent_ms", s.info->last_data_sent_ms}};
    return j;
}

nlohmann::json reading_to_json(const NamespaceReading& r) {
    nlohmann::json sockets = nlohmann::json::array();
    for (const auto& s : r.sockets) sockets.push_back(socket_to_json(s));
    return {{"name", r.name},
            {"inode", r.inode},
            {"sysctls",
             {{"tcp_fin_timeout", r.sysctls.fin_timeout},
              {"tcp_orphan_retries", r.sysctls.orphan_retries},
              {"tcp_max_tw_buckets", r.sysctls.max_tw_buckets},
              {"tcp_retries2", r.sysctls.retries2}}},
            {"inuse", r.inuse},
            {"tw", r.tw},
            {"sockets", sockets}};
}

NamespaceReading reading_from_json(const nlohmann::json& j) {
    NamespaceReading r;
    r.name = j.at("name").get<std::string>();
    r.inode = j.at("inode").get<unsigned long long>();
    const auto& s = j.at("sysctls");
    r.sysctls = {s.at("tcp_fin_timeout").get<int>(), s.at("tcp_orphan_retries").get<int>(),
                 s.at("tcp_max_tw_buckets").get<int>(), s.at("tcp_retries2").get<int>()};
    r.inuse = j.at("inuse").get<int>();
    r.tw = j.at("tw").get<int>();
    for (const auto& x : j.at("sockets")) {
        conform::DiagSocket d;
        d.state = x.at("state").get<std::uint8_t>();
        d.timer = x.at("timer").get<std::uint8_t>();
        d.retransmits = x.at("retransmits").get<std::uint8_t>();
        d.sport = x.at("sport").get<std::uint16_t>();
        d.dport = x.at("dport").get<std::uint16_t>();
        d.expires_ms = x.at("expires_ms").get<std::uint32_t>();
        d.rqueue = x.at("rqueue").get<std::uint32_t>();
        d.wqueue = x.at("wqueue").get<std::uint32_t>();
        d.inode = x.at("inode").get<std::uint32_t>();
        d.cookie = x.at("cookie").get<std::uint64_t>();
        d.saddr = x.at("saddr").get<std::uint32_t>();
        d.daddr = x.at("daddr").get<std::uint32_t>();
        d.ifindex = x.at("ifindex").get<std::uint32_t>();
        if (x.contains("info")) {
            const auto& i = x.at("info");
            d.info = conform::DiagTcpInfo{i.at("retransmits").get<std::uint8_t>(), i.at("probes").get<std::uint8_t>(),
                                          i.at("backoff").get<std::uint8_t>(),     i.at("rto_us").get<std::uint32_t>(),
                                          i.at("snd_wnd").get<std::uint32_t>(),    i.at("unacked").get<std::uint32_t>(),
                                          i.at("last_data_sent_ms").get<std::uint32_t>()};
        }
        r.sockets.push_back(d);
    }
    return r;
}

}  // namespace orphancheck::host
