#include "orphancheck/model/kernel_functions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/events.hpp"

namespace orphancheck::model {
namespace {

// The kernel functions behind the names of the MSM table's actions and guard conditions (close_path_msm.cpp).
// A name that is a kernel function itself maps to itself.
constexpr std::array<std::pair<std::string_view, std::string_view>, 52> kNameFunctions{{
    {"inet_csk_destroy_sock", "inet_csk_destroy_sock"},
    {"inet_csk_destroy_sock", "tcp_done"},
    {"send_active_reset", "tcp_send_active_reset"},
    {"sock_orphan", "sock_orphan"},
    {"sk_state_change", "sock_def_wakeup"},
    {"set_sockopts", "__tcp_close"},
    {"orphan_count_inc", "__tcp_close"},
    {"start_linger", "sk_stream_wait_close"},
    {"send_ack", "tcp_send_ack"},
    {"twsk_alloc", "inet_twsk_alloc"},
    {"twsk_alloc", "tcp_time_wait"},
    {"twsk_overflow", "tcp_time_wait"},
    {"tcp_send_probe0", "tcp_send_probe0"},
    {"tcp_send_fin", "tcp_send_fin"},
    {"tcp_send_fin_queued", "tcp_send_fin"},
    {"tcp_send_fin_alloc_failed", "tcp_send_fin"},
    {"retransmit_fin", "tcp_retransmit_skb"},
    {"tcp_write_queue_purge", "tcp_write_queue_purge"},
    {"tcp_ack_clears_probes", "tcp_ack"},
    {"tcp_ack_snd_una_advanced", "tcp_ack"},
    {"reset_keepalive_timer", "inet_csk_reset_keepalive_timer"},
    {"release_ownership", "release_sock"},
    {"tcp_push_pending_frames", "tcp_push_pending_frames"},
    {"tcp_send_loss_probe", "tcp_send_loss_probe"},
    {"tcp_send_loss_probe", "__tcp_retransmit_skb"},
    {"inet_child_forget", "inet_child_forget"},
    {"inet_child_forget", "tcp_disconnect"},
    {"inet_csk_complete_hashdance", "inet_csk_complete_hashdance"},
    {"inet_csk_complete_hashdance", "inet_csk_reqsk_queue_add"},
    {"inet_rtx_syn_ack", "inet_rtx_syn_ack"},
    {"reqsk_free", "reqsk_put"},
    {"retransmit_syn", "tcp_retransmit_skb"},
    {"tcp_finish_connect", "tcp_finish_connect"},
    // guard conditions
    {"accept_queue_empty", "reqsk_queue_empty"},
    {"synack_retries_spent", "reqsk_timer_handler"},
    {"syn_retries_spent", "tcp_write_timeout"},
    {"check_oom", "tcp_check_oom"},
    {"check_oom", "tcp_out_of_memory"},
    {"check_oom", "tcp_too_many_orphans"},
    {"fin_time_long", "tcp_fin_time"},
    {"retries_exhausted", "tcp_write_timeout"},
    {"retries_spent", "tcp_write_timeout"},
    {"retries_left", "tcp_write_timeout"},
    {"retries_spent", "tcp_orphan_retries"},
    {"probes_out_spent", "tcp_orphan_retries"},
    {"probe_backoff_spent", "tcp_probe_timer"},
    {"tw_buckets_full", "inet_twsk_alloc"},
    {"unread_data", "__tcp_close"},
    {"linger_zero", "__tcp_close"},
    {"fin_alloc_may_fail", "tcp_send_fin"},
    {"abort_kills_orphans", "tcp_abort"},
    {"loss_probe_armed", "tcp_schedule_loss_probe"},
}};

std::vector<std::string> split_names(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
    };
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') cur += c;
        else flush();
    }
    flush();
    return out;
}

// function -> (row -> first reason)
const std::map<std::string, std::map<RowId, std::string>>& index() {
    static const auto idx = [] {
        std::map<std::string, std::map<RowId, std::string>> m;
        auto add = [&m](std::string_view fn, RowId r, std::string via) { m[std::string(fn)].emplace(r, std::move(via)); };
        for (const RowDescription& d : describe_table()) {
            for (const std::string& fn : split_names(row_kernel_function(d.row))) add(fn, d.row, "row");
            add(info(d.event).kernel_function, d.row, "event");
            for (const auto& [kind, text] : {std::pair{"action", d.actions}, std::pair{"guard", d.guard}})
                for (const std::string& name : split_names(text))
                    for (const auto& [n, fn] : kNameFunctions)
                        if (n == name) add(fn, d.row, std::string(kind) + " " + name);
        }
        return m;
    }();
    return idx;
}
}  // namespace

std::vector<KernelDependency> rows_depending_on(std::string_view function) {
    std::vector<KernelDependency> out;
    const auto it = index().find(std::string(function));
    if (it == index().end()) return out;
    for (const auto& [row, via] : it->second) out.push_back({row, via});
    return out;
}

const std::vector<std::string>& kernel_functions_in_model() {
    static const auto names = [] {
        std::vector<std::string> v;
        for (const auto& [fn, rows] : index()) v.push_back(fn);
        return v;
    }();
    return names;
}

}  // namespace orphancheck::model
