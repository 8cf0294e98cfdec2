// The checkpoint beside intake: copying committed pages from SQLite's
// write-ahead log back into the database file, on a thread and connection
// of its own instead of inside the commit that crossed SQLite's 1,000-page
// mark on intake's thread (where it took 15% of intake's time, issue 8).
//
//   intake / sender:  commit ─▶ Store hook: wal_grew(frames) ─▶ next mail ...
//   checkpointer:       └─ once 1,000 frames are not yet copied: checkpoint
//
// Nothing about durability changes: a commit is durable against a crash of
// the process when commit() returns, and against the OS's when
// Store::sync_to_disk() returns, whoever checkpoints (store/store.h). The
// checkpoint never waits for a writer (SQLite's PASSIVE mode). The WAL's
// size stays bounded by the writer's own catch-up past kCatchUpFrames
// (Store::on_commit_leave_checkpoints_to()), which copies only what this
// thread has not yet copied.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/log.h"

namespace ticketd {

class Store;

class WalCheckpointer {
 public:
  // SQLite's own automatic checkpoint interval (4 MiB at 4 KiB pages).
  static constexpr int kCheckpointFrames = 1000;
  // 64 MiB at 4 KiB pages: where a commit copies what is left itself, for
  // Store::on_commit_leave_checkpoints_to().
  static constexpr int kCatchUpFrames = 16384;

  // Starts the thread. `store` must be a connection of its own, used by no
  // other thread; `store` and `log` must outlive this object.
  WalCheckpointer(Store& store, Log& log, int checkpoint_frames = kCheckpointFrames);
  // Stops after the checkpoint in progress, if any, and joins. What is left
  // in the WAL is copied when the last connection closes, or later.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // A commit left `frames` frames in the WAL. For Store's commit hook
  // (Store::on_commit_leave_checkpoints_to()); any thread.
  void wal_grew(int frames);

  // Checkpoints run so far (for tests).
  std::uint64_t checkpoints() const;

 private:
  void loop();
  bool due() const;  // under lock_

  Store& store_;
  Log& log_;
  const int checkpoint_frames_;

  mutable std::mutex lock_;
  std::condition_variable changed_;
  int wal_frames_ = 0;        // under lock_: as the last commit reported
  int copied_frames_ = 0;     // under lock_: as the last checkpoint reported
  bool running_ = false;      // under lock_: a checkpoint is in progress
  bool stopping_ = false;     // under lock_
  std::uint64_t checkpoints_ = 0;  // under lock_
  std::string last_error_;    // thread only: logged once until it changes
  std::thread thread_;        // last: starts after every member above exists
};

}  // namespace ticketd
