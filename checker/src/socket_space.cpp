#include "orphancheck/checker/socket_space.hpp"

#include "orphancheck/checker/explorer.hpp"

#include <algorithm>
#include <stdexcept>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "orphancheck/properties/invariant_terms.hpp"
#include "orphancheck/properties/step_view.hpp"

namespace orphancheck::checker {
namespace {
using model::EventId;
using model::EventKind;
using model::GuardInputs;
using model::LocalKey;
using model::StepResult;
using model::Stimulus;
}  // namespace

std::string label_name(Label l) {
    return is_env_label(l) ? std::string(env_event_name(EnvEvent(l - model::kEvents))) : model::event_name(l);
}

model::Fairness label_fairness(Label l) {
    return is_env_label(l) ? model::Fairness::none : model::fairness_of(model::kind_of(l));
}

model::Timing label_timing(Label l) {
    return is_env_label(l) ? env_event_timing(EnvEvent(l - model::kEvents)) : model::timing_of(model::kind_of(l));
}

SocketSpace::SocketSpace(const CaseConfig& c, Engine engine, const model::TablePatch& patch,
                         std::span<const model::SlotRole> roles)
    : case_(c), engine_(engine), patch_(patch) {
    patch.apply_options(case_.sysctl.kernel);
    has_listener_ = std::find(roles.begin(), roles.end(), model::SlotRole::listener) != roles.end();
    stride_ = has_listener_ ? kGins : model::kGuardInputCombos;
    if (engine == Engine::table) {
        table_ = std::make_unique<model::SocketTable>(model::SocketTable::extract(case_.sysctl, patch, roles));
        intern(table_->local(0).pack(), 0);
    } else {
        msm_ = std::make_unique<model::MsmClosePath>(case_.sysctl);
        intern(msm_->initial().pack(), 0);
    }
    for (model::SlotRole r : roles) {
        const LocalKey k = model::initial_local(r);
        initial_[std::size_t(r)] = intern(k.pack(), canonical_env(k, initial_env(r)));
    }
}
SocketSpace::~SocketSpace() = default;
SocketSpace::SocketSpace(SocketSpace&&) noexcept = default;

std::size_t SocketSpace::table_locals() const { return table_ ? table_->size() : 0; }

Combo SocketSpace::intern(std::uint32_t local, std::uint16_t env_bits) {
    const std::uint64_t key = (std::uint64_t(local) << 16) | env_bits;
    const auto [it, fresh] = index_.try_emplace(key, Combo(combos_.size()));
    if (!fresh) return it->second;
    if (combos_.size() >= 0xffff)
        throw CapacityError("one socket has more than 65535 configurations (the explorer numbers them in 16 bits): "
                            "split the run, e.g. one --peer-window, --linger2 or --shutdown value at a time");
    combos_.push_back({local, env_bits});
    const properties::SocketView& v = views_.emplace_back(socket_view(LocalKey::unpack(local), env_bits));
    lbits_.push_back(std::uint8_t((v.state == model::TcpState::listen ? listener_bit::listen : 0) |
                                  (v.state == model::TcpState::listen_stop ? listener_bit::stopping : 0) |
                                  (v.in_queue ? listener_bit::queued : 0)));
    memo_.resize(combos_.size() * std::size_t(stride_));
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

// The moves of one socket configuration under one guard input, built in three passes: the kernel's own
// events, the network's and the peer's, then the per-configuration properties over what was enabled.
struct SocketSpace::Builder {
    SocketSpace& sp;
    Combo c;
    LocalKey from;
    std::uint16_t e0;
    GuardInputs in;
    ListenerPhase phase;
    std::vector<SockMove>& out;
    std::size_t first = out.size();
    std::vector<std::optional<properties::StepView>>* views = nullptr;  // step_view(): what move i was judged on

    // The step properties of a kernel reaction (or of a segment the kernel ignored: no effects), move `i`.
    properties::PropertyMask judge(std::size_t i, Stimulus what, EventId ev, const LocalKey& to,
                                   const model::EffectList& fx) const {
        properties::StepView v;
        v.what = what;
        if (what == Stimulus::close) v.opts = model::close_opts_of(ev);
        if (what == Stimulus::shutdown) v.opts = model::shutdown_opts(model::kind_of(ev));
        v.from = from;
        v.to = to;
        v.rst_sent = fx.count(model::Effect::send_rst) > 0;
        v.fin_sent = fx.count(model::Effect::send_fin) > 0;
        v.probe_sent = fx.count(model::Effect::send_probe) > 0;
        v.incs = fx.count(model::Effect::orphan_inc);
        v.decs = fx.count(model::Effect::orphan_dec);
        v.freed = fx.count(model::Effect::destroy) > 0;
        v.oom = in.oom;
        v.tw_full = in.tw_full;
        v.probe_backoff_spent = from.data.dead && sp.case_.sysctl.probe_backoff_spent(from.data.backoff);
        if (views) {
            if (views->size() <= i) views->resize(i + 1);
            (*views)[i] = v;
        }
        return properties::violated_by_step(v);
    }
    // A kernel step after the environment changed to `e`: push the move if enabled.
    bool kernel_move(Label label, EventId ev, std::uint16_t e) {
        const StepResult r = sp.kernel(from, ev, in);
        if (!r.enabled) return false;
        const int delta = apply_effects(r.effects, e);
        const properties::PropertyMask violates =
            judge(out.size(), model::stimulus_of(model::kind_of(ev)), ev, r.next, r.effects);
        out.push_back({sp.intern(r.next.pack(), canonical_env(r.next, e)), std::int8_t(delta), label, r.row,
                       model::RowId::none, violates});
        return true;
    }
    // Network or peer moves that change nothing the socket can observe are not moves; true if pushed.
    bool env_only(EnvEvent ev, std::uint16_t e) {
        const std::uint16_t ce = canonical_env(from, e);
        if (ce == e0) return false;
        out.push_back({sp.intern(sp.combos_[c].local, ce), 0, env_label(ev)});
        return true;
    }
    // A segment arrives: the kernel may ignore it (no row), then only the network changes.
    void deliver(EnvEvent ev, EventKind k, std::uint16_t e) {
        const EventId kev = model::event_of(k);
        if (kernel_move(env_label(ev), kev, e)) return;
        if (env_only(ev, e)) out.back().violates = judge(out.size() - 1, model::stimulus_of(k), kev, from, {});
    }

    // The application's close() variants, the kernel's timers and continuations, the administrator.
    void kernel_moves() {
        for (EventId ev : sp.case_.close_events)
            if (sp.case_.may_call(ev, from)) kernel_move(kernel_label(ev), ev, e0);
        for (const model::EventInfo& i : model::event_infos()) {
            switch (i.source) {
                case model::Source::close_call:  // above, once per variant
                case model::Source::segment: continue;  // network_moves
                case model::Source::admin:
                    if (!sp.case_.peer.abort) continue;
                    break;
                case model::Source::shutdown_call:
                    if (!sp.case_.may_call(model::event_of(i.kind), from)) continue;
                    break;
                case model::Source::direct: break;
                case model::Source::listen_stop:
                    if (phase != ListenerPhase::stopping_busy && phase != ListenerPhase::stopping_empty) continue;
                    break;
                case model::Source::if_queue_busy:
                    if (phase != ListenerPhase::stopping_busy) continue;
                    break;
                case model::Source::if_queue_empty:
                    if (phase != ListenerPhase::stopping_empty) continue;
                    break;
                case model::Source::if_listening:
                    if (phase != ListenerPhase::listening) continue;
                    break;
                case model::Source::if_not_listening:
                    if (phase == ListenerPhase::listening) continue;
                    break;
            }
            kernel_move(kernel_label(model::event_of(i.kind)), model::event_of(i.kind), e0);
        }
    }

    // Segments crossing (or lost on) the network, and what the peer chooses to do.
    void network_moves() {
        using namespace env;
        const PeerConfig& peer = sp.case_.peer;
        if (e0 & fin_out) {
            const auto e = std::uint16_t(e0 & ~fin_out);
            env_only(EnvEvent::fin_to_peer, (e0 & peer_gone) ? std::uint16_t(e | rst_in) : std::uint16_t(e | peer_got_fin | ack_in));
            if (peer.loss) env_only(EnvEvent::drop_fin_to_peer, e);
            // Data ahead of the FIN: the data may arrive and the FIN be lost; the peer ACKs the data alone.
            if (peer.loss && from.data.data_ahead && !(e0 & peer_gone))
                env_only(EnvEvent::fin_lost_behind_data, std::uint16_t(e | ack_in));
        }
        if (e0 & ack_in) {
            EventKind k = (e0 & peer_got_fin) ? EventKind::rx_ack : EventKind::rx_data_ack;  // else it acks data only
            if (from.state == model::TcpState::new_syn_recv)  // the client's final ACK: what finds it depends on the listener
                k = phase == ListenerPhase::listening ? EventKind::rx_hs_ack : EventKind::rx_hs_ack_no_listener;
            if (from.state == model::TcpState::syn_sent) k = EventKind::rx_syn_ack;  // the server's SYN-ACK
            deliver(EnvEvent::deliver_ack, k, std::uint16_t(e0 & ~ack_in));
            if (peer.loss) env_only(EnvEvent::drop_ack, std::uint16_t(e0 & ~ack_in));
        }
        if (e0 & fin_in) fin_arrives();
        if (e0 & data_in) deliver(EnvEvent::deliver_data, EventKind::rx_data, std::uint16_t(e0 & ~data_in));
        if (e0 & rst_in) {
            deliver(EnvEvent::deliver_rst, EventKind::rx_rst, std::uint16_t(e0 & ~rst_in));
            if (peer.loss) env_only(EnvEvent::drop_rst, std::uint16_t(e0 & ~rst_in));
        }
        if (e0 & wnd_ack_in) {
            const auto e = std::uint16_t(e0 & ~wnd_ack_in);
            deliver(EnvEvent::deliver_window_ack, (e0 & peer_reading) ? EventKind::rx_window_open : EventKind::rx_window_ack, e);
            if (peer.loss) env_only(EnvEvent::drop_window_ack, e);
        }
        const bool peer_open = !(e0 & peer_gone) && !(e0 & peer_fin_sent);
        const std::uint16_t fin_bits = std::uint16_t(fin_in | ((e0 & peer_got_fin) ? fin_acks : 0));
        if (peer.fin && peer_open && !(e0 & data_in))
            env_only(EnvEvent::peer_close, std::uint16_t(e0 | peer_fin_sent | fin_bits));
        // Once our socket has taken the peer's FIN, a retransmitted FIN changes nothing in the model.
        const bool took_peer_fin = from.state == model::TcpState::close_wait || from.state == model::TcpState::closing ||
                                   from.state == model::TcpState::last_ack || from.state == model::TcpState::tw_time_wait ||
                                   from.state == model::TcpState::closed_tw;
        // The peer retransmits a FIN that was lost, or that FIN_WAIT2 dropped for its old ACK (5.15).
        const bool fin_unanswered = peer.loss || from.state == model::TcpState::fin_wait2;
        if (fin_unanswered && (e0 & peer_fin_sent) && !(e0 & peer_gone) && !(e0 & fin_in) && !took_peer_fin)
            env_only(EnvEvent::peer_resend_fin, std::uint16_t(e0 | fin_bits));
        if (peer.data && peer_open && !(e0 & data_in) && from.state != model::TcpState::established)
            env_only(EnvEvent::peer_send_data, std::uint16_t(e0 | data_in));
        // An abort RST comes only from a peer that has not finished both directions (tcp_need_reset).
        const bool peer_finished = (e0 & peer_fin_sent) && (e0 & peer_got_fin);
        if (peer.rst && !(e0 & peer_gone) && !peer_finished)
            env_only(EnvEvent::peer_send_rst, std::uint16_t(e0 | peer_gone | rst_in));
        if (peer.loss && (e0 & peer_fin_sent) && !(e0 & peer_gone))
            env_only(EnvEvent::peer_vanishes, std::uint16_t(e0 | peer_gone));
        // A peer that stopped reading may read again: its window update is an ACK on the way.
        if (from.data.window_wait && !(e0 & peer_reading) && !(e0 & peer_gone))
            env_only(EnvEvent::peer_reads, std::uint16_t(e0 | peer_reading | wnd_ack_in));
    }

    void fin_arrives() {
        using namespace env;
        const std::uint16_t e = std::uint16_t(e0 & ~(fin_in | fin_acks));
        if (e0 & fin_acks) {
            // ACK part first (tcp_ack and the per-state ACK block), then tcp_fin on the result.
            const StepResult a = sp.kernel(from, model::event_of(EventKind::rx_fin_ack), in);
            LocalKey mid = from;
            std::uint16_t em = e;
            int delta = 0;
            if (a.enabled) {
                delta = apply_effects(a.effects, em);
                mid = a.next;
            }
            const StepResult f = sp.kernel(mid, model::event_of(EventKind::rx_fin), in);
            LocalKey last = mid;
            model::EffectList fx = a.enabled ? a.effects : model::EffectList{};
            if (f.enabled) {
                delta += apply_effects(f.effects, em);
                last = f.next;
                for (model::Effect x : f.effects) fx.push(x);
            }
            const properties::PropertyMask violates =
                judge(out.size(), Stimulus::fin_ack, model::event_of(EventKind::rx_fin_ack), last, fx);
            out.push_back({sp.intern(last.pack(), canonical_env(last, em)), std::int8_t(delta),
                           env_label(EnvEvent::deliver_fin), a.row, f.row, violates});
        } else {
            // Our FIN already acked (FIN_WAIT2): this FIN left the peer before it saw ours, its ACK is old.
            const bool old = from.state == model::TcpState::fin_wait2;
            deliver(EnvEvent::deliver_fin, old ? EventKind::rx_fin_old_ack : EventKind::rx_fin, e);
        }
        if (sp.case_.peer.loss) env_only(EnvEvent::drop_fin, e);
    }

    // Which events this configuration accepts: for timer-armed, close-progress and abort-accepted.
    properties::EnabledView enabled_view() const {
        properties::EnabledView en;
        en.local = from;
        en.every_close = true;
        for (EventId ev : sp.case_.close_events)
            en.every_close = en.every_close && (!sp.case_.may_call(ev, from) || has(kernel_label(ev)));
        for (const model::EventInfo& i : model::event_infos())  // shutdown() as well, where it may be called
            if (i.source == model::Source::shutdown_call && sp.case_.may_call(model::event_of(i.kind), from))
                en.every_close = en.every_close && has(kernel_label(model::event_of(i.kind)));
        for (const model::EventInfo& i : model::event_infos())
            if (i.kind != EventKind::close && has(kernel_label(model::event_of(i.kind)))) en.enable(i.kind);
        en.abort_allowed = sp.case_.peer.abort;
        return en;
    }
    properties::PropertyMask enabled_violations() const { return properties::violated_by_enabled(enabled_view()); }
    bool has(Label l) const {
        for (std::size_t i = first; i < out.size(); ++i)
            if (out[i].label == l) return true;
        return false;
    }
};

properties::PropertyMask SocketSpace::compute(Combo c, int gin, std::vector<SockMove>& out) {
    Builder b{*this, c, LocalKey::unpack(combos_[c].local), combos_[c].env, GuardInputs::from_index(gin), phase_of(gin), out};
    b.kernel_moves();
    b.network_moves();
    return b.enabled_violations();
}

std::optional<properties::StepView> SocketSpace::step_view(Combo c, int gin, std::size_t i) {
    std::vector<SockMove> tmp;
    std::vector<std::optional<properties::StepView>> views;
    Builder b{*this, c, LocalKey::unpack(combos_[c].local), combos_[c].env, GuardInputs::from_index(gin), phase_of(gin), tmp};
    b.views = &views;
    b.kernel_moves();
    b.network_moves();
    return i < views.size() ? views[i] : std::nullopt;
}

properties::EnabledView SocketSpace::enabled_view(Combo c, int gin) {
    std::vector<SockMove> tmp;
    Builder b{*this, c, LocalKey::unpack(combos_[c].local), combos_[c].env, GuardInputs::from_index(gin), phase_of(gin), tmp};
    b.kernel_moves();
    b.network_moves();
    return b.enabled_view();
}

void SocketSpace::local_moves(std::vector<LocalMove>& out) const {
    for (std::size_t i = 0; i < memo_.size(); ++i) {
        const Memo& m = memo_[i];
        if (!m.done) continue;
        const std::uint32_t from = combos_[i / std::size_t(stride_)].local;
        for (std::uint32_t j = m.begin; j < m.begin + m.count; ++j)
            out.push_back({from, combos_[memo_moves_[j].next].local, memo_moves_[j].label});
    }
}

std::uint64_t SocketSpace::behaviour_fingerprint() const {
    // Both retransmit-timer events are the one timer firing: which of them a step is filed under is not behaviour.
    const Label rto = kernel_label(model::event_of(EventKind::rto_expire));
    const Label rto_out = kernel_label(model::event_of(EventKind::rto_timed_out));
    std::uint64_t sum = 0;
    std::vector<std::uint64_t> hs;  // one configuration's moves as a set: duplicates are one behaviour
    for (std::size_t i = 0; i < memo_.size(); ++i) {
        const Memo& m = memo_[i];
        if (!m.done) continue;
        hs.clear();
        const ComboKey& from = combos_[i / std::size_t(stride_)];
        for (std::uint32_t j = m.begin; j < m.begin + m.count; ++j) {
            const SockMove& mv = memo_moves_[j];
            const ComboKey& to = combos_[mv.next];
            const std::uint64_t t[4] = {(std::uint64_t(from.local) << 16) | from.env,
                                        (std::uint64_t(to.local) << 16) | to.env,
                                        (std::uint64_t(i % std::size_t(stride_)) << 16) |
                                            (mv.label == rto_out ? rto : mv.label),
                                        std::uint64_t(std::uint8_t(mv.delta))};
            hs.push_back(XXH3_64bits(t, sizeof t));
        }
        std::sort(hs.begin(), hs.end());
        hs.erase(std::unique(hs.begin(), hs.end()), hs.end());
        for (std::uint64_t h : hs) sum += h;
    }
    return sum;
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
        scratch_violates_ = compute(c, gin, scratch_);
        return scratch_;
    }
    Memo& m = memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)];
    if (!m.done) {
        std::vector<SockMove> tmp;
        const properties::PropertyMask violates = compute(c, gin, tmp);  // may intern new combos (memo_ may grow: re-fetch)
        Memo& mm = memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)];
        mm.violates = violates;
        mm.begin = std::uint32_t(memo_moves_.size());
        mm.count = std::uint16_t(tmp.size());
        mm.fair = fair_of(tmp);
        mm.done = true;
        memo_moves_.insert(memo_moves_.end(), tmp.begin(), tmp.end());
        return {memo_moves_.data() + mm.begin, mm.count};
    }
    return {memo_moves_.data() + m.begin, m.count};
}

std::vector<int> SocketSpace::guard_inputs(int sockets) const {
    std::vector<int> gins;
    for (int phase = 0; phase < (has_listener_ ? kListenerPhases : 1); ++phase)
        for (int cache = 0; cache <= 255; ++cache)
            for (int buckets = 0; buckets <= sockets; ++buckets)
                gins.push_back(guard_index(cache, buckets, ListenerPhase(phase)));
    std::sort(gins.begin(), gins.end());
    gins.erase(std::unique(gins.begin(), gins.end()), gins.end());
    return gins;
}

void SocketSpace::complete(int sockets) {
    if (engine_ != Engine::table) return;
    const std::vector<int> gins = guard_inputs(sockets);
    for (std::size_t c = 0; c < combos_.size(); ++c)  // grows while it runs
        for (int gin : gins) moves(Combo(c), gin);
    cache_read_ = buckets_read_ = false;
    for (int cache = 0; cache <= 255; ++cache)
        for (int buckets = 0; buckets <= sockets; ++buckets) {
            cache_read_ = cache_read_ || guard_index(cache, buckets) != guard_index(0, buckets);
            buckets_read_ = buckets_read_ || guard_index(cache, buckets) != guard_index(cache, 0);
        }
    independent_.assign(combos_.size(), false);
    for (std::size_t i = 0; i < combos_.size(); ++i) {
        const auto c = Combo(i);
        const auto first = moves(c, gins.front());
        bool ok = !first.empty();
        for (int gin : gins) {
            const auto m = moves(c, gin);
            ok = ok && std::equal(m.begin(), m.end(), first.begin(), first.end());
        }
        // Invisible: the socket's own invariant bits stay, and the counter moves by exactly what the
        // socket's share of it (in_close + counted) moves, so the balance the invariants compare stays.
        const properties::InvariantTerms terms = properties::invariant_terms(views_[c]);
        for (const SockMove& mv : first) {
            const properties::InvariantTerms to = properties::invariant_terms(views_[mv.next]);
            ok = ok && mv.violates == 0 && to.own == terms.own &&
                 to.in_close + to.counted - terms.in_close - terms.counted == mv.delta &&
                 (mv.delta == 0 || !cache_read_) && (holds_bucket(mv.next) == holds_bucket(c) || !buckets_read_) &&
                 listener_bits(mv.next) == listener_bits(c);  // the listener phase the others read stays
            for (int gin : gins) ok = ok && state_violations(mv.next, gin) == state_violations(c, gin);
        }
        independent_[i] = ok;
    }
    // Back edges of a depth-first search of the socket's moves from its initial configuration: every
    // cycle of configurations contains one.
    closes_cycle_.assign(combos_.size(), false);
    enum : std::uint8_t { unseen, on_path, done };
    std::vector<std::uint8_t> mark(combos_.size(), unseen);
    std::vector<std::pair<Combo, std::vector<Combo>>> path;  // configuration, successors still to visit
    auto enter = [&](Combo c) {
        mark[c] = on_path;
        std::vector<Combo> next;
        for (int gin : gins)
            for (const SockMove& mv : moves(c, gin)) next.push_back(mv.next);
        std::reverse(next.begin(), next.end());
        path.emplace_back(c, std::move(next));
    };
    enter(initial());
    while (!path.empty()) {
        auto& [c, next] = path.back();
        if (next.empty()) {
            mark[c] = done;
            path.pop_back();
            continue;
        }
        const Combo to = next.back();
        next.pop_back();
        if (mark[to] == on_path) closes_cycle_[c] = true;
        else if (mark[to] == unseen) enter(to);
    }
}

int guard_index_of(const model::SysctlConfig& sys, int cache, int buckets, ListenerPhase phase) {
    return GuardInputs{cache > sys.max_orphans || sys.memory_pressure, buckets >= sys.max_tw_buckets}.index() +
           model::kGuardInputCombos * int(phase);
}

int SocketSpace::guard_index(int cache, int buckets, ListenerPhase phase) const {
    return guard_index_of(case_.sysctl, cache, buckets, phase);
}

ListenerPhase SocketSpace::listener_phase(std::uint8_t bits) const {
    if (!has_listener_ || (bits & listener_bit::listen)) return ListenerPhase::listening;
    if (bits & listener_bit::stopping)
        return (bits & listener_bit::queued) ? ListenerPhase::stopping_busy : ListenerPhase::stopping_empty;
    return ListenerPhase::closed;
}

properties::PropertyMask SocketSpace::state_violations(Combo c, int gin) {
    if (engine_ == Engine::msm) {
        moves(c, gin);
        return scratch_violates_;
    }
    const Memo& m = memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)];
    if (m.done) return m.violates;
    moves(c, gin);
    return memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)].violates;
}

std::uint8_t SocketSpace::fair_mask(Combo c, int gin) {
    if (engine_ == Engine::msm) return fair_of(moves(c, gin));
    const Memo& m = memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)];
    if (m.done) return m.fair;
    moves(c, gin);
    return memo_[std::size_t(c) * std::size_t(stride_) + std::size_t(gin)].fair;
}

}  // namespace orphancheck::checker
