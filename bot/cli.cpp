#include "bot/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <nlohmann/json.hpp>
#include <pplx/threadpool.h>
#include <sys/stat.h>

#include "base/civil_date.h"
#include "base/clock.h"
#include "bot/build_info.h"
#include "bot/channels/channel_service.h"
#include "bot/channels/platform_http.h"
#include "bot/config.h"
#include "bot/content_loader.h"
#include "bot/faq_reloader.h"
#include "bot/periodic_task.h"
#include "bot/http_server.h"
#include "bot/calendar_routes.h"
#include "content/meeting_schedule.h"
#include "handlers/dialog_engine.h"
#include "handlers/faq_handler.h"
#include "handlers/reminder_scheduler.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/faq_store.h"
#include "storage/handover_queue.h"
#include "storage/lead_store.h"
#include "storage/meeting_store.h"
#include "storage/question_log.h"
#include "storage/unit_of_work.h"

namespace bhxh {
namespace {

using json = nlohmann::json;

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

struct Common {
  std::string config_file;
  std::string data_dir;
  std::string content_dir;
};

// Defaults < config file < environment < flags.
bool BuildConfig(const Common& common, Config* config, std::ostream& err) {
  if (!common.config_file.empty()) {
    if (Status s = ApplyConfigFile(common.config_file, config); !s.ok()) {
      err << "error: " << s.message() << "\n";
      return false;
    }
  }
  if (Status s = ApplyEnvironment([](const char* n) { return std::getenv(n); }, config); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return false;
  }
  if (!common.data_dir.empty()) config->data_dir = common.data_dir;
  if (!common.content_dir.empty()) config->content_dir = common.content_dir;
  config->content_dir = ResolveContentDir(config->content_dir);
  return true;
}

bool LoadShared(const Config& config, SharedContent* shared, std::ostream& err) {
  std::vector<ContentProblem> problems;
  if (!LoadSharedContent(ContentFiles{config.content_dir}, shared, &problems)) {
    err << "error: invalid content in " << config.content_dir << ":\n" << JoinProblems(problems) << "\n";
    return false;
  }
  return true;
}

std::unique_ptr<Database> OpenDatabase(const Config& config, std::ostream& err) {
  auto db = Database::Open(config.database_path());
  if (!db.ok()) {
    err << "error: " << db.status().message() << "\n";
    return nullptr;
  }
  return std::move(db).value();
}

// Loads a FAQ file, reporting its problems; false when invalid.
bool LoadFaqOrReport(const std::string& path, const SharedContent& shared,
                     std::vector<FaqEntry>* entries, std::ostream& err) {
  FaqParseResult parsed = LoadFaqChecked(path, *shared.variables);
  if (!parsed.ok()) {
    err << "error: invalid FAQ content:\n" << JoinProblems(parsed.problems) << "\n";
    return false;
  }
  *entries = std::move(parsed.entries);
  return true;
}

// The live FAQ; on first start (empty database) the shipped faq.json is
// imported so the service answers out of the box, and `*first_start` is set.
bool LiveFaq(Database& db, const Config& config, const SharedContent& shared,
             std::vector<FaqEntry>* entries, bool* first_start, std::ostream& err) {
  *first_start = false;
  auto store = NewSqliteFaqStore(db);
  auto live = store->LoadLive();
  if (!live.ok()) {
    err << "error: " << live.status().message() << "\n";
    return false;
  }
  if (!live.value().empty()) {
    *entries = std::move(live).value();
    return true;
  }
  const std::string path = ContentFiles{config.content_dir}.faq();
  std::vector<FaqEntry> shipped;
  if (!LoadFaqOrReport(path, shared, &shipped, err)) return false;
  auto rev = store->ReplaceAll(shipped, "first start: " + path, SystemClock().Now());
  if (!rev.ok()) {
    err << "error: " << rev.status().message() << "\n";
    return false;
  }
  *entries = std::move(shipped);
  *first_start = true;
  return true;
}

// The FAQ the service would answer from, without writing anything: the live
// FAQ of an existing database, else the shipped one.
bool ReadFaqWithoutWriting(const Config& config, const SharedContent& shared,
                           std::vector<FaqEntry>* entries, std::ostream& err) {
  if (FileExists(config.database_path())) {
    auto db = OpenDatabase(config, err);
    if (!db) return false;
    auto live = NewSqliteFaqStore(*db)->LoadLive();
    if (!live.ok()) {
      err << "error: " << live.status().message() << "\n";
      return false;
    }
    *entries = std::move(live).value();
  }
  return !entries->empty() || LoadFaqOrReport(ContentFiles{config.content_dir}.faq(), shared, entries, err);
}

json ToJson(const MatchResult& m, const FaqIndex& index, const std::string& query) {
  json j;
  j["query"] = query;
  j["outcome"] = MatchOutcomeName(m.outcome);
  j["faq_id"] = m.outcome == MatchOutcome::kAnswer
                    ? json(index.entries()[m.ranked.front().entry].id)
                    : json(nullptr);
  j["score"] = std::round(m.score * 10000) / 10000;
  json alternatives = json::array();
  if (m.outcome == MatchOutcome::kClarify) {
    for (size_t e : m.alternatives) alternatives.push_back(index.entries()[e].id);
  } else {
    for (size_t i = m.outcome == MatchOutcome::kAnswer ? 1 : 0; i < m.ranked.size() && alternatives.size() < 3; ++i) {
      alternatives.push_back(index.entries()[m.ranked[i].entry].id);
    }
  }
  j["alternatives"] = alternatives;
  j["reason"] = DeclineReasonName(m.reason);
  j["tokens"] = m.tokens;
  return j;
}

void PrintReplies(const std::vector<Reply>& replies, std::ostream& out) {
  for (const auto& r : replies) {
    out << r.text << "\n";
    int n = 1;
    for (const auto& c : r.choices) out << "  [" << n++ << "] " << c.title << "\n";
  }
}

int Ask(const Common& common, const std::string& content_file, bool as_json,
        const std::string& date_text, std::vector<std::string> words, std::istream& in,
        std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  SharedContent shared;
  if (!LoadShared(config, &shared, err)) return kExitError;
  CivilDate today = VietnamDateAt(SystemClock().Now());
  if (!date_text.empty()) {
    auto d = CivilDate::ParseIso(date_text);
    if (!d) {
      err << "error: --date: expected YYYY-MM-DD, got '" << date_text << "'\n";
      return kExitUsage;
    }
    today = *d;
  }

  std::vector<FaqEntry> entries;
  if (!content_file.empty()) {
    if (!FileExists(content_file)) {
      err << "error: --content: file not found: " << content_file << "\n";
      return kExitError;
    }
    if (!LoadFaqOrReport(content_file, shared, &entries, err)) return kExitError;
  } else if (!ReadFaqWithoutWriting(config, shared, &entries, err)) {
    return kExitError;
  }
  const auto snapshot = MakeSnapshot(shared, std::move(entries), config.matching);
  const FaqHandler handler(*snapshot, today);

  auto answer_one = [&](const std::string& q) {
    const MatchResult m = snapshot->faq->Match(q);
    if (as_json) {
      out << ToJson(m, *snapshot->faq, q).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
      out << "[" << MatchOutcomeName(m.outcome) << " " << m.score << "] " << q << "\n";
      PrintReplies(handler.ForMatch(m, 0), out);
      out << "\n";
    }
  };
  if (!words.empty()) {
    std::string q;
    for (const auto& w : words) q += (q.empty() ? "" : " ") + w;
    answer_one(q);
    return 0;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    answer_one(line);
  }
  return 0;
}

int ImportFaq(const Common& common, const std::string& file, std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  SharedContent shared;
  if (!LoadShared(config, &shared, err)) return kExitError;
  FaqParseResult parsed = LoadFaqChecked(file, *shared.variables);
  if (!parsed.ok()) {
    err << "error: " << file << " is invalid; nothing was imported:\n" << JoinProblems(parsed.problems) << "\n";
    return kExitError;
  }
  auto db = OpenDatabase(config, err);
  if (!db) return kExitError;
  auto rev = NewSqliteFaqStore(*db)->ReplaceAll(parsed.entries, "import-faq " + file,
                                                SystemClock().Now());
  if (!rev.ok()) {
    err << "error: " << rev.status().message() << "\n";
    return kExitError;
  }
  out << "imported " << parsed.entries.size() << " entries as revision " << rev->number << " ("
      << rev->summary << ")\n";
  return 0;
}

int ExportFaq(const Common& common, const std::string& output, std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  SharedContent shared;
  if (!LoadShared(config, &shared, err)) return kExitError;
  // Read-only: a database that does not exist yet, or holds no FAQ yet,
  // exports the shipped FAQ it would start with, without creating anything.
  std::vector<FaqEntry> entries;
  if (!ReadFaqWithoutWriting(config, shared, &entries, err)) return kExitError;
  const std::string text = SerializeFaqJson(entries);
  if (output.empty() || output == "-") {
    out << text;
    return 0;
  }
  std::ofstream f(output, std::ios::binary | std::ios::trunc);
  if (!f || !(f << text) || !f.flush()) {
    err << "error: cannot write " << output << "\n";
    return kExitError;
  }
  return 0;
}

struct Service {
  std::unique_ptr<Database> db;
  std::unique_ptr<FaqStore> faq_store;
  std::unique_ptr<FaqReloader> reloader;
  std::unique_ptr<ConversationStore> conversations;
  std::unique_ptr<QuestionLog> questions;
  std::unique_ptr<UnitOfWork> unit;
  std::unique_ptr<LeadStore> leads;
  std::unique_ptr<MeetingStore> meetings;
  std::unique_ptr<HandoverQueue> handovers;
  std::unique_ptr<LiveContent> content;
  SystemClock clock;
  std::unique_ptr<DialogEngine> engine;
};

void PrintScheduleChanges(const std::vector<ScheduleChange>& changes, size_t meetings,
                          std::ostream& out) {
  size_t added = 0, moved = 0, cancelled = 0, removed = 0, updated = 0;
  for (const auto& c : changes) {
    switch (c.what) {
      case ScheduleChange::What::kAdded: ++added; break;
      case ScheduleChange::What::kMoved: ++moved; break;
      case ScheduleChange::What::kCancelled: ++cancelled; break;
      case ScheduleChange::What::kRemoved: ++removed; break;
      case ScheduleChange::What::kUpdated: ++updated; break;
    }
  }
  out << meetings << " meetings: " << added << " added, " << updated << " updated, " << moved
      << " moved, " << cancelled << " cancelled, " << removed << " removed\n";
}

// Validates a schedule file (JSON or CSV) and makes it the schedule, all or
// nothing. Problems name the file, the line and the field.
bool ImportSchedule(Service& svc, const std::string& path, std::ostream& out, std::ostream& err) {
  const auto snapshot = svc.content->Current();
  std::vector<ContentProblem> problems;
  const auto now = svc.clock.Now();
  auto schedule = LoadMeetingSchedule(path, *snapshot->communes, VietnamDateAt(now), &problems);
  if (!schedule) {
    err << "error: invalid meeting schedule, nothing imported:\n" << JoinProblems(problems) << "\n";
    return false;
  }
  auto changes = svc.meetings->ReplaceSchedule(schedule->meetings, now);
  if (!changes.ok()) {
    err << "error: " << changes.status().message() << "\n";
    return false;
  }
  PrintScheduleChanges(*changes, schedule->meetings.size(), out);
  return true;
}

// On first start (a new database) the shipped demo schedule, dated from
// today, so a newcomer sees upcoming meetings. Later starts leave the
// schedule as the office made it, even empty.
bool SampleScheduleOnFirstStart(Service& svc, const Config& config, std::ostream& err) {
  const std::string path = ContentFiles{config.content_dir}.meetings();
  if (!FileExists(path)) return true;
  std::ostringstream summary;
  if (!ImportSchedule(svc, path, summary, err)) return false;
  err << "first start: sample meeting schedule from " << path << ": " << summary.str();
  return true;
}

// `sample_schedule`: on a database without meetings, import the shipped
// demo schedule (not when a schedule is about to be imported).
bool StartService(const Config& config, Service* svc, std::ostream& err,
                  bool sample_schedule = true) {
  SharedContent shared;
  if (!LoadShared(config, &shared, err)) return false;
  svc->db = OpenDatabase(config, err);
  if (!svc->db) return false;
  std::vector<FaqEntry> entries;
  bool first_start = false;
  if (!LiveFaq(*svc->db, config, shared, &entries, &first_start, err)) return false;
  svc->content = std::make_unique<LiveContent>(MakeSnapshot(shared, std::move(entries), config.matching));
  svc->faq_store = NewSqliteFaqStore(*svc->db);
  auto revisions = svc->faq_store->Revisions(1);
  svc->reloader = std::make_unique<FaqReloader>(
      *svc->faq_store, *svc->content,
      revisions.ok() && !revisions->empty() ? revisions->front().number : 0,
      ContentFiles{config.content_dir}, config.matching);
  svc->conversations = NewSqliteConversationStore(*svc->db);
  svc->questions = NewSqliteQuestionLog(*svc->db);
  svc->unit = NewSqliteUnitOfWork(*svc->db);
  svc->leads = NewSqliteLeadStore(*svc->db);
  svc->meetings = NewSqliteMeetingStore(*svc->db);
  svc->handovers = NewSqliteHandoverQueue(*svc->db);
  DialogSettings settings;
  settings.handover_pause =
      std::chrono::minutes(static_cast<long long>(config.sending.human_pause_hours * 60));
  svc->engine = std::make_unique<DialogEngine>(
      *svc->content,
      DialogStores{svc->conversations.get(), svc->questions.get(), svc->unit.get(),
                   svc->leads.get(), svc->meetings.get(), svc->handovers.get()},
      svc->clock, settings);
  return !sample_schedule || !first_start || SampleScheduleOnFirstStart(*svc, config, err);
}

int Serve(const Common& common, const std::string& host, int port, const std::string& web_dir,
          std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  if (!host.empty()) config.host = host;
  if (port > 0) config.port = port;
  if (!web_dir.empty()) config.web_dir = web_dir;
  config.web_dir = ResolveWebDir(config.web_dir);
  if (!FileExists(config.web_dir + "/index.html")) {
    err << "error: web directory " << config.web_dir << " has no index.html\n";
    return kExitError;
  }

  // Block the stop signals in every thread (cpprestsdk's included) so that
  // this thread receives them through sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Before anything uses cpprestsdk: its pool is sized once per process.
  const int http_threads =
      config.http_threads > 0
          ? config.http_threads
          : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  try {
    crossplat::threadpool::initialize_with_threads(static_cast<size_t>(http_threads));
  } catch (const std::exception& e) {
    err << "warning: HTTP thread pool keeps its size: " << e.what() << "\n";
  }

  Service svc;
  if (!StartService(config, &svc, err)) return kExitError;
  HttpServerOptions options = config.web_chat;
  options.host = config.host;
  options.port = config.port;
  options.web_dir = config.web_dir;
  Database* db = svc.db.get();
  ChannelService channels;
  HttpServer server(options, *svc.engine,
                    [db, &channels]() {
                      HealthReport h;
                      h.database = db->HealthCheck();
                      h.checks = channels.Health();
                      const auto token = h.checks.find("zalo_token");
                      h.ok = h.database == "ok" && (token == h.checks.end() || token->second == "ok");
                      return h;
                    },
                    svc.clock);
  if (Status s = channels.Setup(config, *svc.db, *svc.engine, *svc.conversations, *svc.questions,
                                *svc.unit, svc.clock, server, err);
      !s.ok()) {
    err << "error: " << s.message() << "\n";
    return kExitError;
  }
  AddCalendarRoutes(server, *svc.meetings, *svc.content, svc.clock);
  if (Status s = channels.Start(); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return kExitError;
  }
  if (Status s = server.Start(); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return kExitError;
  }
  err << "bhxh-bot " << BHXH_VERSION << " listening on http://" << config.host << ":" << config.port
      << "/ (data: " << config.database_path() << ", content: " << config.content_dir << ")\n";
  out.flush();
  // import-faq (another process) and staff editing content files change
  // what the bot answers from: pick it up within seconds.
  PeriodicTask reload(std::chrono::seconds(2), [&svc] {
    bool reloaded = false;
    const Status s = svc.reloader->CheckNow(&reloaded);
    if (!s.ok()) {
      std::cerr << json{{"event", "content_reload_failed"}, {"error", s.message()}}.dump(
                       -1, ' ', false, json::error_handler_t::replace)
                << "\n";
    } else if (reloaded) {
      std::cerr << json{{"event", "content_reloaded"}, {"faq_revision", svc.reloader->loaded_revision()}}
                       .dump()
                << "\n";
    }
  });
  // Citizens' question texts and conversations are personal data: keep
  // them only as long as configured (retention_days); unfinished forms go
  // after a day; handovers whose pause ran out are closed.
  auto purge = [&svc, &config, &channels] {
    const auto cutoff = svc.clock.Now() - std::chrono::hours(24) * config.retention_days;
    // One log line per job that changed something, or failed.
    auto report = [](const char* event, const Result<size_t>& rows) {
      if (!rows.ok()) {
        std::cerr << json{{"event", std::string(event) + "_failed"}, {"error", rows.status().message()}}
                         .dump(-1, ' ', false, json::error_handler_t::replace)
                  << "\n";
      } else if (*rows > 0) {
        std::cerr << json{{"event", event}, {"rows", *rows}}.dump() << "\n";
      }
    };
    report("question_log_purged", svc.questions->PurgeOlderThan(cutoff));
    report("conversations_purged", svc.conversations->PurgeUpdatedBefore(cutoff));
    report("channel_rows_purged", channels.PurgeBefore(cutoff));
    report("abandoned_forms_dropped", svc.engine->DropAbandonedForms());
    report("handovers_expired", svc.handovers->ExpireDue(svc.clock.Now()));
  };
  purge();
  PeriodicTask retention(std::chrono::minutes(10), purge);
  // Meeting reminders and change notices, within each platform's window.
  ReminderScheduler reminders(*svc.content, *svc.meetings, *svc.conversations, svc.unit.get(),
                              svc.clock, channels.PushWindows());
  PeriodicTask remind(std::chrono::seconds(30), [&reminders, &channels] {
    std::vector<std::pair<std::string, std::string>> woken;
    auto ended = reminders.RunDue([&](const std::string& channel, const std::string& user,
                                      const std::vector<Reply>& replies) {
      woken.emplace_back(channel, user);
      return channels.EnqueueFirst(channel, user, replies);
    });
    if (!ended.ok()) {
      std::cerr << json{{"event", "reminders_failed"}, {"error", ended.status().message()}}.dump(
                       -1, ' ', false, json::error_handler_t::replace)
                << "\n";
    } else if (*ended > 0) {
      std::cerr << json{{"event", "reminder_jobs_ended"}, {"jobs", *ended}}.dump() << "\n";
    }
    for (const auto& [channel, user] : woken) channels.Notify(channel, user);
  });
  int sig = 0;
  sigwait(&stop_signals, &sig);
  reload.Stop();
  retention.Stop();
  remind.Stop();
  err << "bhxh-bot: stopping (signal " << sig << ")\n";
  server.Stop();
  channels.Stop();
  return 0;
}

int ImportMeetings(const Common& common, const std::string& file, std::ostream& out,
                   std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  Service svc;
  if (!StartService(config, &svc, err, /*sample_schedule=*/false)) return kExitError;
  return ImportSchedule(svc, file, out, err) ? 0 : kExitError;
}

int Chat(const Common& common, std::istream& in, std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  Service svc;
  if (!StartService(config, &svc, err)) return kExitError;
  const std::string user = "console";
  auto send = [&](const std::string& text, const std::string& payload) {
    auto replies = svc.engine->Handle(Inbound{"cli", user, text, payload, svc.clock.Now(), {}, {}, {}});
    if (!replies.ok()) {
      err << "error: " << replies.status().message() << "\n";
      return false;
    }
    for (const auto& r : replies.value()) {
      out << "bot> " << r.text << "\n";
      int n = 1;
      for (const auto& c : r.choices) {
        // A console has no phone number to share; the numbers stay the
        // engine's, so a typed number still picks the choice shown with it.
        if (c.kind == ChoiceKind::kSharePhone) {
          ++n;
          continue;
        }
        out << "     " << n++ << ") " << c.title << "\n";
      }
    }
    return true;
  };
  out << "(gõ câu hỏi, số để chọn, Ctrl-D để thoát)\n";
  if (!send("", "GET_STARTED")) return kExitError;
  std::string line;
  while (out << "bạn> " << std::flush, std::getline(in, line)) {
    if (line.empty()) continue;
    if (!send(line, "")) return kExitError;
  }
  out << "\n";
  return 0;
}

// Sets Get Started, the greeting and the persistent menu of the Page through
// the Messenger Profile API (10 calls per 10 minutes per Page: run it once).
int MessengerSetup(const Common& common, std::ostream& out, std::ostream& err) {
  Config config;
  if (!BuildConfig(common, &config, err)) return kExitError;
  SharedContent shared;
  if (!LoadShared(config, &shared, err)) return kExitError;
  if (config.messenger.page_access_token.empty()) {
    err << "error: messenger.page_access_token is not set (config file or "
           "BHXH_MESSENGER_PAGE_ACCESS_TOKEN)\n";
    return kExitError;
  }
  const Messages& m = *shared.messages;
  if (!m.Has("messenger_greeting")) {
    err << "error: " << ContentFiles{config.content_dir}.messages()
        << ": key 'messenger_greeting' is missing\n";
    return kExitError;
  }
  // The older reference allows 3 top-level menu items: keep to 3.
  json menu = json::array();
  for (const auto& [key, payload] : {std::pair<const char*, const char*>{"menu_faq", "MENU_FAQ"},
                                     {"menu_meetings", "MENU_MEETINGS"},
                                     {"menu_staff", "MENU_STAFF"}}) {
    menu.push_back({{"type", "postback"}, {"title", m.Get(key)}, {"payload", payload}});
  }
  const json profile = {
      {"get_started", {{"payload", "GET_STARTED"}}},
      {"greeting", {{{"locale", "default"}, {"text", m.Get("messenger_greeting")}}}},
      {"persistent_menu",
       {{{"locale", "default"}, {"composer_input_disabled", false}, {"call_to_actions", menu}}}}};
  PlatformHttp http(std::chrono::milliseconds(static_cast<long long>(config.sending.http_timeout_ms)));
  const HttpCallResult r = http.Post(
      config.messenger.graph_base_url + "/me/messenger_profile?access_token=" +
          FormEncode(config.messenger.page_access_token),
      profile.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  if (r.status == 0) {
    err << "error: the Messenger Profile API did not answer: " << r.error << "\n";
    return kExitError;
  }
  if (r.status != 200) {
    const json body = json::parse(r.body, nullptr, false);
    std::string message = "HTTP " + std::to_string(r.status);
    if (body.is_object() && body.contains("error") && body["error"].is_object() &&
        body["error"].contains("message") && body["error"]["message"].is_string()) {
      message += ": " + body["error"]["message"].get<std::string>();
    }
    err << "error: the Messenger Profile API refused the settings: " << message << "\n";
    return kExitError;
  }
  out << "Messenger profile set: Get Started, greeting, menu (" << menu.size() << " items)\n";
  return 0;
}

}  // namespace

int RunCli(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err) {
  CLI::App app{"bhxh-bot: trợ lý tự động BHXH cơ sở Sơn Hà (BHXH/BHYT FAQ chatbot)", "bhxh-bot"};
  app.set_version_flag("--version", BHXH_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the command: "serve --data-dir X"
  Common common;
  app.add_option("--config", common.config_file, "JSON config file")->check(CLI::ExistingFile);
  app.add_option("--data-dir", common.data_dir, "directory of the SQLite database (default ./data)");
  app.add_option("--content-dir", common.content_dir, "directory of the shipped content");

  std::string host, web_dir;
  int port = 0;
  auto* serve = app.add_subcommand("serve", "run the HTTP service (web chat, health)");
  serve->add_option("--host", host, "address to listen on (default 127.0.0.1)");
  serve->add_option("--port", port, "port (default 8080)")->check(CLI::Range(1, 65535));
  serve->add_option("--web-dir", web_dir, "directory of the web chat page");

  std::string content_file, date_text;
  bool as_json = false;
  std::vector<std::string> question;
  auto* ask = app.add_subcommand("ask", "answer one question, or one per line from stdin");
  ask->add_option("--content", content_file, "answer from this FAQ file; writes nothing");
  ask->add_flag("--json", as_json, "one JSON object per question");
  ask->add_option("--date", date_text, "answer as on this day (YYYY-MM-DD)");
  ask->add_option("question", question, "the question (else read stdin)");

  auto* chat = app.add_subcommand("chat", "interactive console conversation");

  std::string import_file;
  auto* import_faq = app.add_subcommand("import-faq", "validate a FAQ file and make it the live FAQ");
  import_faq->add_option("file", import_file, "FAQ file in the import format")->required();

  std::string export_file;
  auto* export_faq = app.add_subcommand("export-faq", "write the live FAQ in the import format");
  export_faq->add_option("-o,--output", export_file, "output file (default stdout)");

  std::string meetings_file;
  auto* import_meetings = app.add_subcommand(
      "import-meetings", "validate a meeting schedule (JSON or CSV) and make it the schedule");
  import_meetings->add_option("file", meetings_file, "schedule file (content/meetings.json format, or CSV)")
      ->required();

  auto* messenger_setup = app.add_subcommand(
      "messenger-setup", "set Get Started, greeting and menu of the Facebook Page");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << BHXH_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11 reports an unknown command as a missing one; name it instead.
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--config" || a == "--data-dir" || a == "--content-dir") {
        ++i;
        continue;
      }
      if (a.empty() || a[0] == '-') continue;
      if (app.get_subcommands([&](CLI::App* c) { return c->get_name() == a; }).empty()) {
        err << "error: unknown command '" << a
            << "' (commands: serve, ask, chat, import-faq, export-faq, import-meetings, messenger-setup)\nRun 'bhxh-bot --help' for usage.\n";
        return kExitUsage;
      }
      break;
    }
    err << "error: " << e.what() << "\nRun 'bhxh-bot --help' for usage.\n";
    return kExitUsage;
  }
  try {
    if (*serve) return Serve(common, host, port, web_dir, out, err);
    if (*ask) return Ask(common, content_file, as_json, date_text, question, in, out, err);
    if (*chat) return Chat(common, in, out, err);
    if (*import_faq) return ImportFaq(common, import_file, out, err);
    if (*export_faq) return ExportFaq(common, export_file, out, err);
    if (*import_meetings) return ImportMeetings(common, meetings_file, out, err);
    if (*messenger_setup) return MessengerSetup(common, out, err);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return kExitError;
  }
  return kExitUsage;
}

}  // namespace bhxh
