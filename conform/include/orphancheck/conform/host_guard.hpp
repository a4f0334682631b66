// Kill-safety of conform's changes to the host. A global sysctl changed by a
// run must come back even when the run is killed outright (SIGKILL, the OOM
// killer), so three things stand guard:
//
// * a guardian process per changed sysctl, forked before the write: it holds
//   the saved value and blocks on a socket whose only other end is the
//   changing process's. End of file there (that process is gone, however it
//   died) makes it write the value back, within milliseconds. It ignores
//   SIGINT/SIGTERM/SIGHUP/SIGQUIT and lives in a session of its own, so a
//   Ctrl-C to the terminal's process group cannot end it before its parent
//   restores; a normal restore tells it "done" and reaps it.
// * a restore record, <dir>/restore-<name>.<pid> (written atomically before
//   the change, removed after the restore), for when the guardian died as
//   well: the next start writes the value it names back.
// * one host-wide lock, <dir>/conform.lock (flock), for a whole conform run:
//   the orphan counter and tcp_max_orphans are global, two runs at once
//   spoil each other.
//
// <dir> is /run/orphancheck (tmpfs: it lives exactly as long as a sysctl
// change does, until the next boot), or /var/tmp/orphancheck where /run is
// not writable (a record there names its boot and is discarded after a reboot).
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orphancheck::conform {

// The directory of conform's host-wide state, created (0755) if missing. It must be a directory
// owned by this user and writable by no one else. Throws std::runtime_error when neither place will do.
[[nodiscard]] std::string host_state_dir();

// <host_state_dir()>/restore-<name>.<pid>: the restore record of sysctl `name` changed by process `pid`.
[[nodiscard]] std::string restore_record_path(std::string_view name, pid_t pid);

// Writes the restore record of sysctl `name` (whose value to restore is `saved`) for this process,
// atomically (a temporary file, fsync, rename). Throws std::runtime_error on failure.
void write_restore_record(const std::string& path, std::string_view name, std::string_view saved);

// Applies the restore records whose process has ended (of sysctl `only_name`, or all when empty):
// writes the saved value back and removes the record. Returns one line per record found, saying what
// was done. A record of an earlier boot is removed unapplied; a record whose process still runs is
// left alone (with only_name: std::runtime_error, as that process will restore the value later).
[[nodiscard]] std::vector<std::string> apply_leftover_restore_records(std::string_view only_name = {});

// The guardian of one changed sysctl (see above). Default-constructed: none.
class SysctlGuardian {
public:
    SysctlGuardian() = default;
    ~SysctlGuardian() { abandon(); }
    SysctlGuardian(const SysctlGuardian&) = delete;
    SysctlGuardian& operator=(const SysctlGuardian&) = delete;

    // Forks the guardian of sysctl `name` (its /proc/sys path `path`), which writes `saved` back and
    // removes `record` if this process ends before dismiss(). Returns once the guardian is ready.
    void start(const std::string& path, const std::string& name, const std::string& saved, const std::string& record);
    // The value was restored here: the guardian exits without writing; reaped before this returns.
    void dismiss() { finish(true); }
    // The guardian restores on its own (as if this process had died); reaped before this returns.
    void abandon() { finish(false); }
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    void finish(bool done);
    pid_t pid_ = -1;
    pid_t owner_ = -1;  // the process that started it: a forked copy of this object does nothing
    int fd_ = -1;       // our end of the socket pair
};

// Another process holds the host lock.
class HostLockBusy : public std::runtime_error {
public:
    HostLockBusy(pid_t holder, bool holder_ended);
    [[nodiscard]] pid_t holder() const { return holder_; }

private:
    pid_t holder_;
};

// The host-wide conform lock, held for this object's lifetime by this process (and by the processes
// it forks without exec: the namespace child and the guardians, until they end). The lock file
// names the holder's pid. Throws HostLockBusy when another conform holds it (after waiting up to
// 5 s when the pid it names has ended: its namespace child or guardian is finishing), or
// std::runtime_error when the lock file cannot be opened.
class HostLock {
public:
    HostLock();
    ~HostLock();
    HostLock(const HostLock&) = delete;
    HostLock& operator=(const HostLock&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace orphancheck::conform
