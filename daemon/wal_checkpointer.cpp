#include "daemon/wal_checkpointer.h"

#include "daemon/thread_priority.h"
#include "store/store.h"

namespace ticketd {

WalCheckpointer::WalCheckpointer(Store& store, Log& log, int checkpoint_frames)
    : store_(store),
      log_(log),
      checkpoint_frames_(checkpoint_frames),
      thread_([this] { loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void WalCheckpointer::wal_grew(int frames) {
  std::lock_guard<std::mutex> hold(lock_);
  // Fewer frames than were copied: the WAL was written from its start again.
  if (frames < copied_frames_) copied_frames_ = 0;
  wal_frames_ = frames;
  if (due()) changed_.notify_one();
}

bool WalCheckpointer::due() const {
  return !running_ && wal_frames_ - copied_frames_ >= checkpoint_frames_;
}

std::uint64_t WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> hold(lock_);
  return checkpoints_;
}

void WalCheckpointer::loop() {
  run_in_background("ticketd-checkpt");
  std::unique_lock<std::mutex> hold(lock_);
  for (;;) {
    changed_.wait(hold, [this] { return stopping_ || due(); });
    if (stopping_) return;
    running_ = true;
    hold.unlock();
    Store::CheckpointResult result;
    bool failed = false;
    try {
      result = store_.checkpoint();
      last_error_.clear();
    } catch (const StoreError& e) {
      // The commits themselves meet the same disk and report it where it
      // matters (the mail stays unmarked); here it is said once, and the
      // next commit past the mark tries again.
      if (last_error_ != e.what()) log_.warning("store: {}", e.what());
      last_error_ = e.what();
      failed = true;
    }
    hold.lock();
    running_ = false;
    ++checkpoints_;
    // After a failure, or when another connection was checkpointing, count
    // as copied what the WAL held, so that the next try comes after another
    // checkpoint_frames_ of commits instead of at once and again (a full
    // disk would be retried in a loop).
    copied_frames_ = failed || result.copied_frames < 0 ? wal_frames_ : result.copied_frames;
  }
}

}  // namespace ticketd
