// The dialog engine on a real SQLite database for the handler transcript
// tests: every store on one file in a fresh temporary directory, a
// FakeClock, the shipped content, a Reopen() that simulates a restart, and
// the helpers to send turns and read the stored state back. A test file
// derives its own Harness from DialogHarness for what only it needs.
#ifndef BHXH_TESTS_TEST_SUPPORT_DIALOG_HARNESS_H_
#define BHXH_TESTS_TEST_SUPPORT_DIALOG_HARNESS_H_

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "handlers/dialog_engine.h"
#include "handlers/live_content.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"
#include "test_support/shipped_content.h"
#include "test_support/temp_dir.h"

namespace bhxh::testing {

// Who is talking: a channel and the channel's user id.
struct Who {
  std::string channel = "web";
  std::string user = "u1";
};

struct DialogHarness {
  TempDir dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<ConversationStore> conversations;
  std::unique_ptr<QuestionLog> questions;
  std::unique_ptr<UnitOfWork> unit;
  std::unique_ptr<LeadStore> leads;
  std::unique_ptr<MeetingStore> meetings;
  std::unique_ptr<HandoverQueue> handovers;
  LiveContent content{ShippedSnapshot()};
  FakeClock clock;
  // Read by every Reopen(): change it, then Reopen(), to run with it.
  DialogSettings settings;
  std::unique_ptr<DialogEngine> engine;

  explicit DialogHarness(std::chrono::system_clock::time_point now) : clock(now) { Reopen(); }

  // A restart: everything in memory goes, only the database file remains.
  // A derived harness with more on the stores resets that first, calls
  // this, then builds it again.
  void Reopen() {
    engine.reset();
    handovers.reset();
    meetings.reset();
    leads.reset();
    unit.reset();
    conversations.reset();
    questions.reset();
    db.reset();
    auto opened = Database::Open(DbPath());
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    conversations = NewSqliteConversationStore(*db);
    questions = NewSqliteQuestionLog(*db);
    unit = NewSqliteUnitOfWork(*db);
    leads = NewSqliteLeadStore(*db);
    meetings = NewSqliteMeetingStore(*db);
    handovers = NewSqliteHandoverQueue(*db);
    DialogStores stores;
    stores.conversations = conversations.get();
    stores.questions = questions.get();
    stores.unit = unit.get();
    stores.leads = leads.get();
    stores.meetings = meetings.get();
    stores.handovers = handovers.get();
    engine = std::make_unique<DialogEngine>(content, stores, clock, settings);
  }

  // The database file (for a second connection).
  std::string DbPath() const { return dir.File("bot.db"); }

  // Imports a meeting schedule as of now.
  void ReplaceSchedule(const std::vector<Meeting>& schedule) {
    auto imported = meetings->ReplaceSchedule(schedule, clock.Now());
    REQUIRE(imported.ok());
  }

  Inbound Message(const std::string& text, const std::string& payload, const Who& who) const {
    Inbound in;
    in.channel = who.channel;
    in.user = who.user;
    in.text = text;
    in.payload = payload;
    in.at = clock.Now();
    return in;
  }
  // One turn; the replies may be empty (a user handed to staff).
  std::vector<Reply> Send(const Inbound& in) {
    auto r = engine->Handle(in);
    INFO(r.status().message());
    REQUIRE(r.ok());
    return r.value();
  }
  // One turn that must be answered.
  std::vector<Reply> Answered(const Inbound& in) {
    auto replies = Send(in);
    REQUIRE_FALSE(replies.empty());
    return replies;
  }
  std::vector<Reply> Say(const std::string& text, const Who& who = {}) {
    return Answered(Message(text, "", who));
  }
  std::vector<Reply> Tap(const std::string& payload, const Who& who = {}) {
    return Answered(Message("", payload, who));
  }

  const Messages& M() const { return *content.Current()->messages; }

  std::optional<StoredConversation> Stored(const Who& who = {}) {
    auto r = conversations->Load({who.channel, who.user});
    REQUIRE(r.ok());
    return r.value();
  }
  // One "key=value" line of the stored state ("" when absent).
  std::string StateValue(const std::string& key, const Who& who = {}) {
    const auto stored = Stored(who);
    if (!stored) return "";
    std::istringstream lines(stored->state);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
    return "";
  }
  std::string Flow(const Who& who = {}) { return StateValue("flow", who); }
  std::string Step(const Who& who = {}) { return StateValue("step", who); }

  std::vector<ReminderJob> Jobs(const Who& who) {
    auto r = meetings->JobsOf(who.channel, who.user);
    REQUIRE(r.ok());
    return *r;
  }
};

// The payloads of a reply's choices, in order.
inline std::vector<std::string> Payloads(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& c : r.choices) out.push_back(c.payload);
  return out;
}

inline bool HasPayload(const Reply& r, const std::string& payload) {
  const std::vector<std::string> all = Payloads(r);
  return std::find(all.begin(), all.end(), payload) != all.end();
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace bhxh::testing

#endif  // BHXH_TESTS_TEST_SUPPORT_DIALOG_HARNESS_H_
