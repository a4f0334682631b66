// Live-kernel scenarios: what to set up in a private namespace, what to do
// to the connections, and the model configuration the run is checked against.
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orphancheck/analysis/timed.hpp"
#include "orphancheck/checker/env.hpp"
#include "orphancheck/checker/spec.hpp"
#include "orphancheck/model/slot_role.hpp"

namespace orphancheck::conform {

// One step of a scenario, run in order by the child process.
enum class Act : std::uint8_t {
    drop_from_peer,    // nft: drop every segment the peer sends
    drop_from_peer_but_fin,  // nft: drop every segment the peer sends, except those with a FIN
    drop_fin_to_peer,  // nft: drop our segments that carry a FIN
    drop_to_peer,      // nft: drop every segment we send
    // nft: every drop replaced by the one of our segments that carry a FIN, in one transaction (the FIN is
    // never let through): our data reaches the peer again, the peer's segments reach us.
    drop_only_fin_to_peer,
    allow_all,         // nft: remove the drops
    peer_send,         // the peer writes one byte to each connection
    // We write a short message (kSendBytes, below one MSS: one segment) to each connection; sent before
    // close() it is the data ahead of our FIN, unacked at close() while drop_to_peer keeps it from the peer.
    send,
    peer_close,        // the peer close()s its sockets
    peer_abort,        // the peer's sockets are destroyed (SOCK_DESTROY: RST where tcp_abort sends one); on the
                       // listener's side the clients' sockets
    close,             // our sockets are close()d, `ms` apart (a thread each when SO_LINGER > 0)
    abort,             // our sockets (or their timewait buckets) are destroyed, as ss -K does
    wait,              // sleep `ms`
    // We write until our send buffer is full, to a peer that does not read (its receive buffer is small):
    // its window closes, data stays unsent, the probe timer runs. Returns once every byte sent is acked.
    fill_window,
    peer_read,         // the peer reads again, and goes on reading until the end of the run: its window opens
    // Our sockets call shutdown(fd, SHUT_WR), `ms` apart (`count`: how many of those neither shut down nor
    // closed yet; 0: all): our FIN goes out, the file stays open, the socket is not an orphan until close().
    shutdown_wr,
};
struct Action {
    Act act;
    int ms = 0;     // wait: how long; close, shutdown_wr: the time between two calls
    int count = 0;  // close, shutdown_wr: how many of the sockets not yet closed (shut down) (0: all)
};

struct Scenario {
    std::string name;
    std::string what;   // one line: the experiment
    std::string blog;   // the blog's observation it reproduces, if any
    bool long_run = false;  // only with --long
    int connections = 1;
    // Whose sockets are ours. `socket`: the connections' client sockets, which the listener accepted (the peers).
    // `child` or `request`: the listener's side. Ours are the listener (first) and its `connections`
    // connections, which it never accepts: children in its accept queue (`child`), or request sockets
    // (`request`, with handshake_ack_dropped); the clients are the peers, and close() closes the listener.
    model::SlotRole unaccepted = model::SlotRole::socket;
    // nft drops the client's last ACK of each handshake from before the connections (and every segment to
    // the listener's port that carries only ACK among SYN, ACK, FIN, RST), until an allow_all.
    bool handshake_ack_dropped = false;
    std::optional<int> synack_retries;  // tcp_synack_retries (per namespace; unset: the kernel's 5)
    // Ours are the client sockets of connections whose connect() is in progress (the model's connecting role,
    // SYN_SENT): nft drops the server's SYN-ACK from before the connections until an allow_all; the listener
    // never accepts.
    bool connecting = false;
    // Per-namespace sysctls (always set: the model needs their values).
    int fin_timeout = 60;
    int orphan_retries = 0;
    std::optional<int> retries2;  // tcp_retries2: the budget of a socket whose close() still waits (SO_LINGER)
    std::optional<int> max_tw_buckets;
    std::optional<int> max_orphans;  // global tcp_max_orphans, saved and restored around the run
    // tcp_retrans_collapse (set when false): a retransmission of the data ahead of our FIN leaves the FIN
    // out (tcp_retrans_try_collapse would take it along, and the nft rule that drops our FINs the data too).
    bool retrans_collapse = true;
    // Our sockets' options.
    int linger = -1;   // SO_LINGER seconds; -1: off
    int linger2 = 0;   // TCP_LINGER2 seconds; 0: the sysctl
    bool unread = false;  // the peer's byte is left unread at close()
    int user_timeout_ms = 0;  // TCP_USER_TIMEOUT; 0: unset
    std::vector<Action> actions;
    double deadline_s = 10;  // sampling stops this long after the last action
    checker::PeerConfig peer;  // what the model lets the peer and the network do
    // Expected, from the blog or the kernel source: how many of our sockets are orphans 0.5 s after
    // the last close() (loopback ACKs are delayed up to 40 ms, so every FIN_WAIT1 is an orphan for a moment).
    std::optional<int> expect_orphans;

    [[nodiscard]] bool listener_side() const { return unaccepted != model::SlotRole::socket; }
    // Our sockets: the connections, and the listener first on the listener's side.
    [[nodiscard]] int sockets() const { return connections + (listener_side() ? 1 : 0); }
    // The model's roles of our sockets, in that order (empty: every socket an open connection).
    [[nodiscard]] std::vector<model::SlotRole> roles() const;
    [[nodiscard]] model::SlotRole role_of(std::size_t socket) const {
        if (connecting) return model::SlotRole::connecting;
        return !listener_side() ? model::SlotRole::socket : socket == 0 ? model::SlotRole::listener : unaccepted;
    }
    // The model configuration of the run (profile: the running kernel's, see kernel_profile_for).
    [[nodiscard]] checker::CaseConfig model_case(std::string_view profile) const;
    // What the experiment rules out: its drops for good (no later allow_all: our FIN never reaches the peer,
    // nothing of the peer's reaches us), and the peer's socket vanishing (it stays open until the run ends).
    [[nodiscard]] std::vector<checker::EnvEvent> network_never() const;
    // SO_LINGER and TCP_LINGER2 in seconds, for the timed reading.
    [[nodiscard]] analysis::OptionSeconds option_seconds() const { return {std::max(linger, 0), std::max(linger2, 0)}; }
    // The peer closes its side before we close ours (we close from CLOSE_WAIT).
    [[nodiscard]] bool peer_closes_first() const;
    // The peer's window is zero when we close (a fill_window action): close() queues the FIN behind the data.
    [[nodiscard]] bool peer_window_closed() const;
    // We write before close() (a send action): our FIN goes out behind sent data the peer has not acked
    // (the model's --send-queue unacked; the scenario's drops keep it unacked until then).
    [[nodiscard]] bool data_unacked_at_close() const;
    // Some socket calls shutdown(SHUT_WR) before close() (a shutdown_wr action).
    [[nodiscard]] bool shuts_down() const;
    // Every socket calls shutdown(SHUT_WR) before its close().
    [[nodiscard]] bool every_socket_shuts_down_first() const;
    // The timed reading (lifetime) counts from close() of an open connection: it does not time a socket
    // that shut down first (its FIN went out before close()). Such runs are checked by states, rows and the
    // trace check's least delays; their measured times are reported, not bounded.
    // Nor a listener's side or a connecting socket: the lifetime reading starts from an open connection.
    [[nodiscard]] bool timed() const { return !shuts_down() && !listener_side() && !connecting; }
};

[[nodiscard]] std::span<const Scenario> scenarios();
[[nodiscard]] const Scenario* find_scenario(std::string_view name);

}  // namespace orphancheck::conform
