#include "orphancheck/checker/socket_space.hpp"

#include <stdexcept>

namespace orphancheck::checker {
namespace {
using model::EventId;
using model::EventKind;
using model::GuardInputs;
using model::LocalKey;
using model::StepResult;

// Kernel events the explorer fires directly (not through a segment).
constexpr EventKind kDirect[] = {EventKind::linger_wake,   EventKind::close_tail,       EventKind::release_sock,
                                 EventKind::rto_expire,    EventKind::rto_timed_out,    EventKind::keepalive_expire,
                                 EventKind::tw_expire};
}  // namespace

std::string label_name(Label l) {
    return is_env_label(l) ? std::string(env_event_name(EnvEvent(l - model::kEvents))) : model::event_name(l);
}

model::Fairness label_fairness(Label l) {
    return is_env_label(l) ? model::Fairness::none : model::fairness_of(model::kind_of(l));
}

SocketSpace::SocketSpace(const CaseConfig& c, Engine engine, const model::TablePatch& patch)
    : case_(c), engine_(engine), patch_(patch) {
    if (engine == Engine::table) {
        table_ = std::make_unique<model::SocketTable>(model::SocketTable::extract(c.sysctl, patch));
        intern(table_->local(0).pack(), 0);
    } else {
        msm_ = std::make_unique<model::MsmClosePath>(c.sysctl);
        intern(msm_->initial().pack(), 0);
    }
}
SocketSpace::~SocketSpace() = default;
SocketSpace::SocketSpace(SocketSpace&&) noexcept = default;

std::size_t SocketSpace::table_locals() const { return table_ ? table_->size() : 0; }

Combo SocketSpace::intern(std::uint32_t local, std::uint16_t env_bits) {
    const std::uint64_t key = (std::uint64_t(local) << 16) | env_bits;
    const auto [it, fresh] = index_.try_emplace(key, Combo(combos_.size()));
    if (!fresh) return it->second;
    if (combos_.size() >= 0xffff) throw std::runtime_error("more than 65535 configurations of one socket");
    combos_.push_back({local, env_bits});
    views_.push_back(socket_view(LocalKey::unpack(local), env_bits));
    memo_.resize(combos_.size() * model::kGuardInputCombos);
    return it->second;
}

StepResult SocketSpace::kernel(const LocalKey& from, EventId ev, GuardInputs in) {
    if (msm_) return model::patched_step(*msm_, patch_, from, ev, in);
    const auto& e = table_->at(table_->index_of(from), ev, in);
    StepResult r;
    if (e.next == model::SocketTable::kDisabled) return r;
    r.enabled = true;
    r.next = table_->local(e.next);
    r.effects = e.effects;
    r.row = e.row;
    return r;
}

void SocketSpace::compute(Combo c, int gin, std::vector<SockMove>& out) {
    const LocalKey from = LocalKey::unpack(combos_[c].local);
    const std::uint16_t e0 = combos_[c].env;
    const GuardInputs in = GuardInputs::from_index(gin);
    const PeerConfig& peer = case_.peer;

    // A kernel step after the environment changed to `e`: push the move if enabled.
    auto kernel_move = [&](Label label, EventId ev, std::uint16_t e) {
        const StepResult r = kernel(from, ev, in);
        if (!r.enabled) return false;
        const int delta = apply_effects(r.effects, e);
        out.push_back({intern(r.next.pack(), canonical_env(r.next.state, e)), std::int8_t(delta), label, r.row});
        return true;
    };
    // Network or peer moves that change nothing the socket can observe are not moves.
    auto env_only = [&](EnvEvent ev, std::uint16_t e) {
        const std::uint16_t ce = canonical_env(from.state, e);
        if (ce != e0) out.push_back({intern(combos_[c].local, ce), 0, env_label(ev)});
    };
    // A segment arrives: the kernel may ignore it (no row), then only the network changes.
    auto deliver = [&](EnvEvent ev, EventId kev, std::uint16_t e) {
        if (!kernel_move(env_label(ev), kev, e)) env_only(ev, e);
    };

    for (EventId ev : case_.close_events) kernel_move(kernel_label(ev), ev, e0);
    for (EventKind k : kDirect) kernel_move(kernel_label(model::event_of(k)), model::event_of(k), e0);

    using namespace env;
    if (e0 & fin_out) {
        const std::uint16_t e = std::uint16_t(e0 & ~fin_out);
        env_only(EnvEvent::fin_to_peer, (e0 & peer_gone) ? std::uint16_t(e | rst_in) : std::uint16_t(e | peer_got_fin | ack_in));
        if (peer.loss) env_only(EnvEvent::drop_fin_to_peer, e);
    }
    if (e0 & ack_in) {
        deliver(EnvEvent::deliver_ack, model::event_of(EventKind::rx_ack), std::uint16_t(e0 & ~ack_in));
        if (peer.loss) env_only(EnvEvent::drop_ack, std::uint16_t(e0 & ~ack_in));
    }
    if (e0 & fin_in) {
        const std::uint16_t e = std::uint16_t(e0 & ~(fin_in | fin_acks));
        if (e0 & fin_acks) {
            // ACK part first (tcp_ack and the per-state ACK block), then tcp_fin on the result.
            const StepResult a = kernel(from, model::event_of(EventKind::rx_fin_ack), in);
            LocalKey mid = from;
            std::uint16_t em = e;
            int delta = 0;
            if (a.enabled) {
                delta = apply_effects(a.effects, em);
                mid = a.next;
            }
            const StepResult f = kernel(mid, model::event_of(EventKind::rx_fin), in);
            LocalKey last = mid;
            if (f.enabled) {
                delta += apply_effects(f.effects, em);
                last = f.next;
            }
            out.push_back({intern(last.pack(), canonical_env(last.state, em)), std::int8_t(delta),
                           env_label(EnvEvent::deliver_fin), a.row, f.row});
        } else {
            deliver(EnvEvent::deliver_fin, model::event_of(EventKind::rx_fin), e);
        }
        if (peer.loss) env_only(EnvEvent::drop_fin, e);
    }
    if (e0 & data_in) {
        deliver(EnvEvent::deliver_data, model::event_of(EventKind::rx_data), std::uint16_t(e0 & ~data_in));
    }
    if (e0 & rst_in) {
        deliver(EnvEvent::deliver_rst, model::event_of(EventKind::rx_rst), std::uint16_t(e0 & ~rst_in));
        if (peer.loss) env_only(EnvEvent::drop_rst, std::uint16_t(e0 & ~rst_in));
    }
    const bool peer_open = !(e0 & peer_gone) && !(e0 & peer_fin_sent);
    const std::uint16_t fin_bits = std::uint16_t(fin_in | ((e0 & peer_got_fin) ? fin_acks : 0));
    if (peer.fin && peer_open && !(e0 & data_in))
        env_only(EnvEvent::peer_close, std::uint16_t(e0 | peer_fin_sent | fin_bits));
    // Once our socket has taken the peer's FIN, a retransmitted FIN changes nothing in the model.
    const bool took_peer_fin = from.state == model::TcpState::close_wait || from.state == model::TcpState::closing ||
                               from.state == model::TcpState::last_ack || from.state == model::TcpState::tw_time_wait ||
                               from.state == model::TcpState::closed_tw;
    if (peer.loss && (e0 & peer_fin_sent) && !(e0 & peer_gone) && !(e0 & fin_in) && !took_peer_fin)
        env_only(EnvEvent::peer_resend_fin, std::uint16_t(e0 | fin_bits));
    if (peer.data && peer_open && !(e0 & data_in) && from.state != model::TcpState::established)
        env_only(EnvEvent::peer_send_data, std::uint16_t(e0 | data_in));
    // An abort RST comes only from a peer that has not finished both directions (tcp_need_reset).
    const bool peer_finished = (e0 & peer_fin_sent) && (e0 & peer_got_fin);
    if (peer.rst && !(e0 & peer_gone) && !peer_finished)
        env_only(EnvEvent::peer_send_rst, std::uint16_t(e0 | peer_gone | rst_in));
    if (peer.loss && (e0 & peer_fin_sent) && !(e0 & peer_gone))
        env_only(EnvEvent::peer_vanishes, std::uint16_t(e0 | peer_gone));
}

std::uint8_t SocketSpace::fair_of(std::span<const SockMove> m) {
    std::uint8_t f = 0;
    for (const SockMove& s : m) {
        const auto cls = label_fairness(s.label);
        if (cls != model::Fairness::none) f |= std::uint8_t(1u << (int(cls) - 1));
    }
    return f;
}

std::span<const SockMove> SocketSpace::moves(Combo c, int gin) {
    if (engine_ == Engine::msm) {
        scratch_.clear();
        compute(c, gin, scratch_);
        return scratch_;
    }
    Memo& m = memo_[std::size_t(c) * model::kGuardInputCombos + std::size_t(gin)];
    if (!m.done) {
        std::vector<SockMove> tmp;
        compute(c, gin, tmp);  // may intern new combos (memo_ may grow: re-fetch)
        Memo& mm = memo_[std::size_t(c) * model::kGuardInputCombos + std::size_t(gin)];
        mm.begin = std::uint32_t(memo_moves_.size());
        mm.count = std::uint16_t(tmp.size());
        mm.fair = fair_of(tmp);
        mm.done = true;
        memo_moves_.insert(memo_moves_.end(), tmp.begin(), tmp.end());
        return {memo_moves_.data() + mm.begin, mm.count};
    }
    return {memo_moves_.data() + m.begin, m.count};
}

std::uint8_t SocketSpace::fair_mask(Combo c, int gin) {
    if (engine_ == Engine::msm) return fair_of(moves(c, gin));
    const Memo& m = memo_[std::size_t(c) * model::kGuardInputCombos + std::size_t(gin)];
    if (m.done) return m.fair;
    moves(c, gin);
    return memo_[std::size_t(c) * model::kGuardInputCombos + std::size_t(gin)].fair;
}

}  // namespace orphancheck::checker
