#include "daemon/mail_prefetcher.h"

#include <algorithm>
#include <exception>

namespace ticketd {

namespace {

// What a prepared mail holds beside its raw bytes: its text, and attachment
// bytes when the prepare stage kept them. Headers and names are small
// beside these and not counted.
std::size_t prepared_bytes(const PreparedMail& prepared) {
  const Message& m = prepared.message;
  std::size_t bytes = m.body.size() + m.reply.size();
  for (const Attachment& a : m.attachments) bytes += a.data.size();
  return bytes;
}

}  // namespace

MailPrefetcher::MailPrefetcher(ImapSession& imap, std::string folder, Uidvalidity uidvalidity,
                               std::vector<std::uint32_t> uids, Prepare prepare, std::size_t budget_bytes)
    : imap_(imap),
      folder_(std::move(folder)),
      uidvalidity_(uidvalidity),
      uids_(std::move(uids)),
      prepare_(std::move(prepare)),
      budget_(budget_bytes),
      thread_([this] { loop(); }) {}

MailPrefetcher::~MailPrefetcher() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    cancel_ = true;
  }
  changed_.notify_all();
  thread_.join();
  imap_.cancel_when(nullptr);  // the flag dies with us; the session lives on
}

void MailPrefetcher::stop_with(std::string why) {
  stopped_ = true;
  why_ = std::move(why);
  changed_.notify_all();
}

std::size_t MailPrefetcher::peak_held_bytes() const {
  std::lock_guard<std::mutex> hold(lock_);
  return peak_held_;
}

bool MailPrefetcher::next(std::uint32_t uid, std::string* raw, std::optional<PreparedMail>* prepared,
                          std::string* why) {
  std::unique_lock<std::mutex> hold(lock_);
  held_ -= taken_cost_;  // the caller is done with the mail it took last
  taken_cost_ = 0;
  changed_.notify_all();
  changed_.wait(hold, [this] { return !ready_.empty() || stopped_; });
  if (ready_.empty()) {
    *why = why_;
    return false;
  }
  if (ready_.front().uid != uid) {
    // The caller skipped or reordered UIDs: what is queued is no use.
    stop_with("asked for UID " + std::to_string(uid) + ", next fetched is " + std::to_string(ready_.front().uid));
    ready_.clear();
    held_ = 0;
    *why = why_;
    return false;
  }
  Fetched mail = std::move(ready_.front());
  ready_.pop_front();
  taken_cost_ = mail.cost;  // still held until the next call
  hold.unlock();
  *raw = std::move(mail.raw);
  *prepared = std::move(mail.prepared);
  return true;
}

void MailPrefetcher::loop() {
  try {
    ImapSession& imap = imap_;  // this thread's alone until the destructor joins it
    imap.cancel_when(&cancel_);
    std::string err;
    Uidvalidity found = 0;
    if (!imap.select(folder_, &found, &err)) {
      std::lock_guard<std::mutex> hold(lock_);
      return stop_with(err);
    }
    if (found != uidvalidity_) {
      std::lock_guard<std::mutex> hold(lock_);
      return stop_with("UIDVALIDITY of " + folder_ + " changed to " + std::to_string(found));
    }
    std::vector<std::size_t> sizes;
    if (!imap.sizes(uids_, &sizes, &err)) {
      std::lock_guard<std::mutex> hold(lock_);
      return stop_with(err);
    }
    for (std::size_t i = 0; i < uids_.size(); ++i) {
      const std::uint32_t uid = uids_[i];
      const std::size_t size = sizes[i];
      {
        std::unique_lock<std::mutex> hold(lock_);
        // No size: the mail is gone; over the limit: it needs the poller's
        // handling. Either way the poller takes over from here.
        if (size == 0) return stop_with("UID " + std::to_string(uid) + " has no size (expunged?)");
        if (size > imap.max_message_bytes()) return stop_with("UID " + std::to_string(uid) + " is over the size limit");
        changed_.wait(hold, [&] { return cancel_ || held_ == 0 || held_ + size <= budget_; });
        if (cancel_) return;
        held_ += size;  // counted from the start of the download
        peak_held_ = std::max(peak_held_, held_);
      }
      Fetched mail{uid, size, {}, {}};
      // Sized once: grown by doubling, a 14 MB mail would pass through
      // buffers of 8 and 16 MB at once, and leave them behind in this
      // thread's malloc arena (peak RSS +10 MiB at 5,000 mails).
      mail.raw.reserve(size);
      if (!imap.fetch(uid, &mail.raw, &err)) {
        std::lock_guard<std::mutex> hold(lock_);
        held_ -= size;
        return stop_with(err);
      }
      std::size_t kept = 0;
      if (prepare_) {
        mail.prepared = prepare_(mail.raw);
        kept = prepared_bytes(*mail.prepared);
      }
      std::lock_guard<std::mutex> hold(lock_);
      mail.cost += kept;
      held_ += kept;
      peak_held_ = std::max(peak_held_, held_);
      ready_.push_back(std::move(mail));
      changed_.notify_all();
    }
    std::lock_guard<std::mutex> hold(lock_);
    stop_with("every UID of the list was fetched");
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> hold(lock_);
    stop_with(std::string("prefetching failed: ") + e.what());
  }
}

}  // namespace ticketd
