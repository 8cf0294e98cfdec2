#include "daemon/mail_prefetcher.h"

#include <algorithm>
#include <exception>

#include "daemon/thread_priority.h"

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
      downloader_([this] { download_loop(); }),
      preparer_([this] { prepare_loop(); }) {}

MailPrefetcher::~MailPrefetcher() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    cancel_ = true;
  }
  changed_.notify_all();
  downloader_.join();
  preparer_.join();
  imap_.cancel_when(nullptr);  // the flag dies with us; the session lives on
}

void MailPrefetcher::end_downloads(std::string why) {
  if (!downloads_ended_ && !stopped_) why_ = std::move(why);
  downloads_ended_ = true;
  changed_.notify_all();
}

void MailPrefetcher::stop_with(std::string why) {
  if (!stopped_) why_ = std::move(why);
  stopped_ = true;
  downloads_ended_ = true;
  changed_.notify_all();
}

void MailPrefetcher::note_peak() { peak_held_ = std::max(peak_held_, raw_held_ + text_held_); }

std::size_t MailPrefetcher::peak_held_bytes() const {
  std::lock_guard<std::mutex> hold(lock_);
  return peak_held_;
}

bool MailPrefetcher::next(std::uint32_t uid, std::string* raw, std::optional<PreparedMail>* prepared,
                          std::string* why) {
  std::unique_lock<std::mutex> hold(lock_);
  raw_held_ -= taken_raw_;  // the caller is done with the mail it took last
  text_held_ -= taken_text_;
  taken_raw_ = taken_text_ = 0;
  changed_.notify_all();
  changed_.wait(hold, [this] { return !ready_.empty() || stopped_; });
  if (ready_.empty()) {
    *why = why_;
    return false;
  }
  if (ready_.front().uid != uid) {
    // The caller skipped or reordered UIDs: what is queued is no use.
    stop_with("asked for UID " + std::to_string(uid) + ", next fetched is " + std::to_string(ready_.front().uid));
    for (const auto& queued : ready_) {
      raw_held_ -= queued.raw_cost;
      text_held_ -= queued.text_cost;
    }
    ready_.clear();
    *why = why_;
    return false;
  }
  Fetched mail = std::move(ready_.front());
  ready_.pop_front();
  taken_raw_ = mail.raw_cost;  // still held until the next call
  taken_text_ = mail.text_cost;
  hold.unlock();
  *raw = std::move(mail.raw);
  *prepared = std::move(mail.prepared);
  return true;
}

void MailPrefetcher::download_loop() {
  run_in_background("ticketd-fetch");
  try {
    ImapSession& imap = imap_;  // this thread's alone until the destructor joins it
    imap.cancel_when(&cancel_);
    std::string err;
    Uidvalidity found = 0;
    if (!imap.select(folder_, &found, &err)) {
      std::lock_guard<std::mutex> hold(lock_);
      return end_downloads(err);
    }
    if (found != uidvalidity_) {
      std::lock_guard<std::mutex> hold(lock_);
      return end_downloads("UIDVALIDITY of " + folder_ + " changed to " + std::to_string(found));
    }
    std::vector<std::size_t> sizes;
    if (!imap.sizes(uids_, &sizes, &err)) {
      std::lock_guard<std::mutex> hold(lock_);
      return end_downloads(err);
    }
    for (std::size_t i = 0; i < uids_.size(); ++i) {
      const std::uint32_t uid = uids_[i];
      const std::size_t size = sizes[i];
      {
        std::unique_lock<std::mutex> hold(lock_);
        // No size: the mail is gone; over the limit: it needs the poller's
        // handling. Either way the poller takes over from here.
        if (size == 0) return end_downloads("UID " + std::to_string(uid) + " has no size (expunged?)");
        if (size > imap.max_message_bytes()) {
          return end_downloads("UID " + std::to_string(uid) + " is over the size limit");
        }
        changed_.wait(hold, [&] {
          return cancel_ || stopped_ || (raw_held_ == 0 && size > budget_) || raw_held_ + text_held_ + size <= budget_;
        });
        if (cancel_ || stopped_) return;
        raw_held_ += size;  // counted from the start of the download
        note_peak();
      }
      Fetched mail{uid, size, 0, {}, {}};
      // Sized once: grown by doubling, a 14 MB mail would pass through
      // buffers of 8 and 16 MB at once, and leave them behind in this
      // thread's malloc arena (peak RSS +10 MiB at 5,000 mails).
      mail.raw.reserve(size);
      if (!imap.fetch(uid, &mail.raw, &err)) {
        std::lock_guard<std::mutex> hold(lock_);
        raw_held_ -= size;
        return end_downloads(err);
      }
      std::lock_guard<std::mutex> hold(lock_);
      downloaded_.push_back(std::move(mail));
      changed_.notify_all();
    }
    std::lock_guard<std::mutex> hold(lock_);
    end_downloads("every UID of the list was fetched");
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> hold(lock_);
    end_downloads(std::string("fetching ahead failed: ") + e.what());
  }
}

void MailPrefetcher::prepare_loop() {
  run_in_background("ticketd-parse");
  try {
    for (;;) {
      Fetched mail;
      {
        std::unique_lock<std::mutex> hold(lock_);
        changed_.wait(hold, [this] { return cancel_ || stopped_ || !downloaded_.empty() || downloads_ended_; });
        if (cancel_ || stopped_) return;
        if (downloaded_.empty()) {  // the downloads ended, and all they got is handed on
          stop_with(why_);
          return;
        }
        mail = std::move(downloaded_.front());
        downloaded_.pop_front();
      }
      std::size_t text = 0;
      if (prepare_) {
        mail.prepared = prepare_(mail.raw);
        text = prepared_bytes(*mail.prepared);
      }
      std::lock_guard<std::mutex> hold(lock_);
      if (mail.prepared && mail.prepared->kept) {
        // In the mail log now: intake needs only the text, so the raw bytes
        // go, and with them their share of the budget.
        std::string().swap(mail.raw);
        raw_held_ -= mail.raw_cost;
        mail.raw_cost = 0;
      }
      mail.text_cost = text;
      text_held_ += text;
      note_peak();
      ready_.push_back(std::move(mail));
      changed_.notify_all();
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> hold(lock_);
    stop_with(std::string("preparing a mail fetched ahead failed: ") + e.what());
  }
}

}  // namespace ticketd
