#include "orphancheck/checker/env.hpp"

#include <array>
#include <algorithm>

namespace orphancheck::checker {

std::string_view env_event_name(EnvEvent e) {
    static constexpr std::array<std::string_view, kEnvEvents> kNames = {
        "our FIN reaches the peer", "our FIN is lost", "peer ACK arrives", "peer ACK is lost",
        "peer FIN arrives", "peer FIN is lost", "peer data arrives",
        "peer RST arrives", "peer RST is lost", "peer closes (FIN)", "peer retransmits FIN",
        "peer sends data", "peer aborts (RST)", "peer socket vanishes"};
    return kNames[std::size_t(e)];
}

std::string describe_env(std::uint16_t e) {
    std::string s;
    auto add = [&s](bool on, std::string_view what) {
        if (!on) return;
        if (!s.empty()) s += ' ';
        s += what;
    };
    add(e & env::fin_out, "FIN->peer");
    add(e & env::ack_in, "ACK<-peer");
    add(e & env::fin_in, (e & env::fin_acks) ? "FIN+ACK<-peer" : "FIN<-peer");
    add(e & env::data_in, "data<-peer");
    add(e & env::rst_in, "RST<-peer");
    add(e & env::peer_gone, "[peer gone]");
    add((e & env::peer_fin_sent) && !(e & env::peer_gone), "[peer closed]");
    return s;
}

int apply_effects(const model::EffectList& fx, std::uint16_t& e) {
    using model::Effect;
    int delta = 0;
    for (Effect f : fx) {
        switch (f) {
            case Effect::orphan_inc: {
                const int n = std::min(env::incs(e) + 1, 3);
                e = std::uint16_t((e & ~(3u << env::inc_shift)) | unsigned(n) << env::inc_shift);
                ++delta;
                break;
            }
            case Effect::orphan_dec: {
                const int n = std::min(env::decs(e) + 1, 3);
                e = std::uint16_t((e & ~(3u << env::dec_shift)) | unsigned(n) << env::dec_shift);
                --delta;
                break;
            }
            case Effect::destroy: e |= env::destroyed; break;
            case Effect::send_fin: e |= env::fin_out; break;
            case Effect::send_rst: e |= env::peer_gone; break;
            default: break;
        }
    }
    return delta;
}

properties::SocketView socket_view(const model::LocalKey& k, std::uint16_t e) {
    return {k.state, k.data.dead, k.data.tail, std::uint8_t(env::incs(e)), std::uint8_t(env::decs(e)),
            (e & env::destroyed) != 0};
}

std::uint16_t canonical_env(model::TcpState s, std::uint16_t e) {
    using model::TcpState;
    switch (s) {
        case TcpState::destroyed:
        case TcpState::closed: return e & env::ghost_mask;
        case TcpState::closed_tw:
        case TcpState::tw_fin_wait2:
        case TcpState::tw_time_wait:
            return e & (env::ghost_mask | env::fin_in | env::data_in | env::rst_in | env::peer_fin_sent |
                        env::peer_gone);
        default: return e;
    }
}

}  // namespace orphancheck::checker
