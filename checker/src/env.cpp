#include "orphancheck/checker/env.hpp"

#include <algorithm>
#include <array>

namespace orphancheck::checker {
namespace {
struct EnvInfo {
    model::Timing timing;
    std::string_view name;
};
constexpr std::array<EnvInfo, kEnvEvents> kEnvInfos = {{
#define ORPHANCHECK_ENV_INFO(id, timing, text) {model::Timing::timing, text},
    ORPHANCHECK_ENV_EVENTS(ORPHANCHECK_ENV_INFO)
#undef ORPHANCHECK_ENV_INFO
}};
}  // namespace

std::string_view env_event_name(EnvEvent e) { return kEnvInfos[std::size_t(e)].name; }
model::Timing env_event_timing(EnvEvent e) { return kEnvInfos[std::size_t(e)].timing; }

std::string describe_env(std::uint16_t e) {
    std::string s;
    auto add = [&s](bool on, std::string_view what) {
        if (!on) return;
        if (!s.empty()) s += ' ';
        s += what;
    };
    add(e & env::fin_out, "FIN->peer");
    add(e & env::ack_in, (e & env::peer_got_fin) ? "ACK<-peer" : "data-ACK<-peer");
    add(e & env::fin_in, (e & env::fin_acks) ? "FIN+ACK<-peer" : "FIN<-peer");
    add(e & env::data_in, "data<-peer");
    add(e & env::rst_in, "RST<-peer");
    add(e & env::wnd_ack_in, (e & env::peer_reading) ? "window-update<-peer" : "window-ACK<-peer");
    add(e & env::peer_gone, "[peer gone]");
    add((e & env::peer_fin_sent) && !(e & env::peer_gone), "[peer closed]");
    add((e & env::peer_reading) && !(e & env::peer_gone), "[peer reading]");
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
            // A probe is answered: by an ACK with the peer's window, or by an RST where no socket is left.
            case Effect::send_probe: e |= (e & env::peer_gone) ? env::rst_in : env::wnd_ack_in; break;
            // A SYN-ACK sent again: the client answers with its ACK, or with an RST where no socket is left.
            case Effect::resend_handshake: e |= (e & env::peer_gone) ? env::rst_in : env::ack_in; break;
            case Effect::send_ack:
            case Effect::tw_alloc:
            case Effect::tw_overflow:
            case Effect::arm_keepalive:
            case Effect::wake_user: break;  // labels for people (effect_has_behaviour is false)
        }
    }
    return delta;
}

properties::SocketView socket_view(const model::LocalKey& k, std::uint16_t e) {
    return {k.state,
            k.data.dead,
            k.data.tail,
            std::uint8_t(env::incs(e)),
            std::uint8_t(env::decs(e)),
            (e & env::destroyed) != 0,
            k.data.queued || k.data.forced,
            k.data.forced};
}

std::uint16_t initial_env(model::SlotRole r) {
    return r == model::SlotRole::request || r == model::SlotRole::connecting ? env::ack_in : 0;
}

std::uint16_t canonical_env(const model::LocalKey& k, std::uint16_t e) {
    using model::TcpState;
    // The peer's window matters only while our FIN waits behind it.
    if (!k.data.window_wait) e &= std::uint16_t(~(env::wnd_ack_in | env::peer_reading));
    switch (k.state) {
        case TcpState::destroyed:
        case TcpState::closed:
        case TcpState::listen:  // no peer: the listener's connections are sockets of their own
        case TcpState::listen_stop: return e & env::ghost_mask;
        // A request socket sees the client's final ACK and its RST; the client sends nothing else before it.
        case TcpState::new_syn_recv:
        // A connecting socket sees the server's SYN-ACK (ack_in) and its RST; the server sends nothing else before.
        case TcpState::syn_sent: return e & (env::ghost_mask | env::ack_in | env::rst_in | env::peer_gone);
        case TcpState::closed_tw:
        case TcpState::tw_fin_wait2:
        case TcpState::tw_time_wait:
            return e & (env::ghost_mask | env::fin_in | env::data_in | env::rst_in | env::peer_fin_sent |
                        env::peer_gone);
        case TcpState::established:
        case TcpState::close_wait:
        case TcpState::fin_wait1:
        case TcpState::fin_wait2:
        case TcpState::closing:
        case TcpState::last_ack: return e;
    }
    return e;
}

}  // namespace orphancheck::checker
