// The durable inbox of platform events (Messenger, Zalo). A webhook answers
// 200 only after its events are committed here; processing happens later on
// worker threads. UNIQUE(channel, platform_id) makes a redelivered event a
// no-op, so it never gets a second reply.
//
// Writes are group-committed by the Database: concurrent Append calls (and
// other transactions) that arrive while a transaction is being written are
// batched into the next one, so the cost of a durable commit is shared by
// the requests waiting at that moment.
//
// Durability (WAL, synchronous=NORMAL, see storage/database.cpp): once
// Append returns OK its events survive a crash or kill -9 of the process.
// A crash of the operating system or a power loss may lose the last
// transactions committed before it (never a part of one: the file stays
// consistent). synchronous=FULL would close that gap at about a third of
// the throughput (measured: 3.2k against 10.9k signed webhooks/s with one
// commit per event).
#ifndef BHXH_STORAGE_EVENT_INBOX_H_
#define BHXH_STORAGE_EVENT_INBOX_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

// What a platform event means to the bot, independent of its JSON.
enum class ChannelEventKind {
  kText,        // the user typed text (or tapped a Zalo button: its payload arrives as text)
  kPayload,     // the user tapped a choice/postback: `payload` is set
  kMedia,       // image, sticker, audio, file, location...: the bot can only read text
  kFollow,      // Zalo follow / user_click_chatnow / Messenger opt-in: a chance to greet
  kUnfollow,
  kUserInfo,    // Zalo user_submit_info: `text` holds a JSON object of the fields
  kHumanReply,  // a staff member replied from the Page Inbox / OA chat tool: pause the bot
  kWithdraw,    // Zalo user_withdraw: delete this user's data
  kStandby,     // Messenger standby (another app owns the thread): store, no reply
  kEcho,        // our own send echoed back: ignored
  kThreadReturned,  // Messenger: the Page Inbox passed the thread back to the bot (staff done)
};
const char* ChannelEventKindName(ChannelEventKind k);  // "text", "payload", ...
bool ParseChannelEventKind(const std::string& name, ChannelEventKind* out);

struct ChannelEvent {
  long long id = 0;          // assigned by the inbox
  std::string channel;       // "messenger" | "zalo"
  std::string platform_id;   // dedupe key: Messenger mid, Zalo msg_id, or a synthesized key
  std::string user;          // PSID / Zalo user id (the citizen)
  std::string recipient;     // page id / OA id
  ChannelEventKind kind = ChannelEventKind::kText;
  std::string text;
  std::string payload;
  std::string raw_type;      // platform event type for logs: "message", "user_send_text", ...
  std::chrono::system_clock::time_point at;  // when the platform says it happened
};

enum class InboxStatus { kPending, kDone };

class EventInbox {
 public:
  virtual ~EventInbox() = default;
  // Commits the events (all of one webhook request) before returning.
  // `inserted[i]` is false for an event already in the inbox (a redelivery,
  // or an earlier event with the same key in the same or a concurrent
  // call); the stored event keeps its first content. Blocks until the batch
  // holding them is committed. Thread-safe. `id` of the events is ignored;
  // if `ids` is given it receives, for each event, its new row id (0 for
  // one that was already stored), so the caller can hand the new events on.
  // Errors: InvalidArgument if an event has an empty channel or
  // platform_id (nothing is stored); else the batch's transaction failed
  // and every call in the batch gets its error (Unavailable: the database
  // stayed locked; ResourceExhausted: disk full; Internal...) with nothing
  // of the batch stored.
  // Inside a UnitOfWork it joins that transaction (and commits with it).
  virtual Result<std::vector<bool>> Append(const std::vector<ChannelEvent>& events,
                                           std::chrono::system_clock::time_point received,
                                           std::vector<long long>* ids = nullptr) = 0;
  // Append without waiting for the commit (the events are shared, not
  // copied, until then): returns at once, and `done`
  // gets what Append would have returned and the row ids (empty on an
  // error) once the batch holding the events is committed or rolled back.
  // `done` runs on the database's writer thread (see
  // Database::InTransactionAsync), or on the calling thread when the
  // events are refused before queueing or the call joins a unit of work: it
  // must be quick, must not throw and must not wait.
  using AppendDone = std::function<void(Result<std::vector<bool>> inserted, std::vector<long long> ids)>;
  virtual void AppendAsync(std::shared_ptr<const std::vector<ChannelEvent>> events,
                           std::chrono::system_clock::time_point received, AppendDone done) = 0;
  // Pending events in arrival order (id), at most `limit`: work left undone
  // by a crash, to be processed at start. Internal if a stored kind is
  // unknown to this build.
  // Only events with an id above `after_id` (a cursor for paging).
  virtual Result<std::vector<ChannelEvent>> Pending(size_t limit, long long after_id = 0) = 0;
  // Marks the event done. Called inside the unit of work that saved the
  // conversation state and the outbox rows of its replies (it joins that
  // transaction and is rolled back with it). Marking a done event again is
  // OK and keeps the first time. NotFound if there is no such event (also
  // after DeleteUser removed it).
  virtual Status MarkDone(long long id, std::chrono::system_clock::time_point at) = 0;
  // NotFound if there is no such event.
  virtual Result<InboxStatus> StatusOf(long long id) = 0;
  // Deletes all events of one user, pending or done (privacy:
  // user_withdraw), and returns how many. This removes the withdraw event
  // itself too: mark it done before, in the same unit of work, or the
  // MarkDone after gets NotFound. A later redelivery of a deleted event is
  // inserted again (its key is gone with it).
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
  // Privacy retention: deletes done events received before `cutoff` (the
  // citizens' words); pending ones stay until handled. Returns how many.
  virtual Result<size_t> PurgeDoneBefore(std::chrono::system_clock::time_point cutoff) = 0;
};

// The SQLite inbox; `db` must outlive it.
std::unique_ptr<EventInbox> NewSqliteEventInbox(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_EVENT_INBOX_H_
