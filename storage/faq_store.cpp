#include "storage/faq_store.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

using Json = nlohmann::ordered_json;  // keeps keys in the import format's order

// How many ids of each kind a revision summary names before "and N more".
constexpr size_t kMaxIdsInSummary = 10;

// --- JSON for the array columns and the revision snapshot -----------------
//
// The snapshot is written in the import format of content/faq.json (keys in
// its order, optional fields omitted when empty), the same text as
// content's SerializeFaqJson (a test holds them together), so that a
// revision can be exported or restored as is. Storage has its own writer
// because it must refuse invalid UTF-8 (SerializeFaqJson writes U+FFFD
// instead, and the snapshot would then disagree with the live rows), and its
// own lenient reader rather than the validating ParseFaqJson, because a
// snapshot must stay readable after the validation rules tighten.

Json StringArray(const std::vector<std::string>& values) {
  Json array = Json::array();
  for (const std::string& v : values) array.push_back(v);
  return array;
}

Json EntryToJson(const FaqEntry& e) {
  Json j;
  j["id"] = e.id;
  if (!e.topic.empty()) j["topic"] = e.topic;
  j["questions"] = StringArray(e.questions);
  j["answer"] = e.answer;
  if (!e.follow_up.empty()) j["follow_up"] = StringArray(e.follow_up);
  if (!e.source.empty()) j["source"] = e.source;
  if (!e.reviewed.empty()) j["reviewed"] = e.reviewed;
  return j;
}

// nullopt when some string in `j` is not valid UTF-8 (dump() throws then).
std::optional<std::string> Dump(const Json& j, int indent) {
  try {
    return j.dump(indent, ' ', /*ensure_ascii=*/false);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

bool ReadStringArray(const Json& j, std::vector<std::string>* out) {
  if (!j.is_array()) return false;
  out->clear();
  for (const Json& item : j) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

bool ReadOptionalString(const Json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) {
    out->clear();
    return true;
  }
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

Result<std::vector<FaqEntry>> EntriesFromSnapshot(const std::string& text) {
  const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Internal("snapshot is not valid JSON");
  auto faq = doc.is_object() ? doc.find("faq") : doc.end();
  if (faq == doc.end() || !faq->is_array()) return Internal("snapshot has no \"faq\" array");
  std::vector<FaqEntry> entries;
  for (const Json& item : *faq) {
    FaqEntry e;
    auto questions = item.is_object() ? item.find("questions") : item.end();
    auto follow_up = item.is_object() ? item.find("follow_up") : item.end();
    const bool ok = item.is_object() && item.contains("id") && item["id"].is_string() &&
                    item.contains("answer") && item["answer"].is_string() &&
                    questions != item.end() && ReadStringArray(*questions, &e.questions) &&
                    (follow_up == item.end() || ReadStringArray(*follow_up, &e.follow_up)) &&
                    ReadOptionalString(item, "topic", &e.topic) &&
                    ReadOptionalString(item, "source", &e.source) &&
                    ReadOptionalString(item, "reviewed", &e.reviewed);
    if (!ok) {
      return Internal("snapshot entry " + std::to_string(entries.size()) + " is malformed");
    }
    e.id = item["id"].get<std::string>();
    e.answer = item["answer"].get<std::string>();
    entries.push_back(std::move(e));
  }
  return entries;
}

// --- Revision summary -------------------------------------------------------

bool SameContent(const FaqEntry& a, const FaqEntry& b) {
  return a.id == b.id && a.topic == b.topic && a.questions == b.questions &&
         a.answer == b.answer && a.follow_up == b.follow_up && a.source == b.source &&
         a.reviewed == b.reviewed;
}

std::string ListIds(const std::vector<std::string>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < kMaxIdsInSummary; ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
  }
  if (ids.size() > kMaxIdsInSummary) {
    out += " and " + std::to_string(ids.size() - kMaxIdsInSummary) + " more";
  }
  return out;
}

// "added 1, changed 1, removed 1: added d; changed b; removed c". Added and
// changed ids in the new order, removed ids in the old order; a kind with
// no ids is left out of the list, and so is the colon when nothing changed.
std::string Summarize(const std::vector<FaqEntry>& before, const std::vector<FaqEntry>& after) {
  std::map<std::string, const FaqEntry*> old_by_id;
  for (const FaqEntry& e : before) old_by_id.emplace(e.id, &e);
  std::vector<std::string> added, changed, removed;
  std::set<std::string> new_ids;
  for (const FaqEntry& e : after) {
    if (!new_ids.insert(e.id).second) continue;
    auto it = old_by_id.find(e.id);
    if (it == old_by_id.end()) {
      added.push_back(e.id);
    } else if (!SameContent(*it->second, e)) {
      changed.push_back(e.id);
    }
  }
  for (const FaqEntry& e : before) {
    if (new_ids.count(e.id) == 0) removed.push_back(e.id);
  }
  std::string summary = "added " + std::to_string(added.size()) + ", changed " +
                        std::to_string(changed.size()) + ", removed " +
                        std::to_string(removed.size());
  std::vector<std::string> parts;
  if (!added.empty()) parts.push_back("added " + ListIds(added));
  if (!changed.empty()) parts.push_back("changed " + ListIds(changed));
  if (!removed.empty()) parts.push_back("removed " + ListIds(removed));
  for (size_t i = 0; i < parts.size(); ++i) summary += (i == 0 ? ": " : "; ") + parts[i];
  return summary;
}

// --- The store --------------------------------------------------------------

int64_t ClampLimit(size_t limit) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(static_cast<uint64_t>(limit) > kMax ? kMax : limit);
}

Status LoadLiveOn(sqlite3* db, std::vector<FaqEntry>* out) {
  Result<SqliteStatement> stmt = SqliteStatement::Prepare(
      db,
      "SELECT id, topic, questions, answer, follow_up, source, reviewed "
      "FROM faq_entries ORDER BY position");
  if (!stmt.ok()) return Annotate(stmt.status(), "faq: load live");
  out->clear();
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Annotate(row.status(), "faq: load live");
    if (!*row) return Status::Ok();
    FaqEntry e;
    e.id = stmt->ColumnText(0);
    e.topic = stmt->ColumnText(1);
    e.answer = stmt->ColumnText(3);
    e.source = stmt->ColumnText(5);
    e.reviewed = stmt->ColumnText(6);
    const Json questions = Json::parse(stmt->ColumnText(2), nullptr, false);
    const Json follow_up = Json::parse(stmt->ColumnText(4), nullptr, false);
    if (!ReadStringArray(questions, &e.questions) || !ReadStringArray(follow_up, &e.follow_up)) {
      return Internal("faq: live entry " + e.id + " has malformed questions or follow_up");
    }
    out->push_back(std::move(e));
  }
}

class SqliteFaqStore final : public FaqStore {
 public:
  explicit SqliteFaqStore(Database& db) : db_(db) {}

  Result<std::vector<FaqEntry>> LoadLive() override {
    std::vector<FaqEntry> entries;
    Status s = db_.Read([&](sqlite3* db) { return LoadLiveOn(db, &entries); });
    if (!s.ok()) return s;
    return entries;
  }

  Result<FaqRevision> ReplaceAll(const std::vector<FaqEntry>& entries, const std::string& actor,
                                 std::chrono::system_clock::time_point at) override {
    // Everything that can fail on the input is encoded before the
    // transaction starts.
    struct EncodedArrays {
      std::string questions, follow_up;
    };
    std::vector<EncodedArrays> encoded;
    Json snapshot_doc = {{"faq", Json::array()}};
    for (size_t i = 0; i < entries.size(); ++i) {
      const FaqEntry& e = entries[i];
      Json entry = EntryToJson(e);
      std::optional<std::string> questions = Dump(StringArray(e.questions), -1);
      std::optional<std::string> follow_up = Dump(StringArray(e.follow_up), -1);
      if (!Dump(entry, -1) || !questions || !follow_up) {
        // Not the id: it may be the invalid part.
        return InvalidArgument("faq: entry " + std::to_string(i) + " is not valid UTF-8");
      }
      encoded.push_back({std::move(*questions), std::move(*follow_up)});
      snapshot_doc["faq"].push_back(std::move(entry));
    }
    std::optional<std::string> snapshot = Dump(snapshot_doc, 2);
    if (!snapshot) return Internal("faq: cannot write the snapshot");
    *snapshot += '\n';

    FaqRevision revision;
    revision.at = FromUnixMillis(ToUnixMillis(at));  // what is stored is what is returned
    revision.actor = actor;
    revision.entry_count = entries.size();

    // One transaction: the live rows and the revision that describes them
    // change together or not at all. A failing insert (a duplicate id, a full
    // disk) rolls back the delete before it.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      std::vector<FaqEntry> before;
      Status load = LoadLiveOn(db, &before);
      if (!load.ok()) return load;
      revision.summary = Summarize(before, entries);

      Result<SqliteStatement> clear = SqliteStatement::Prepare(db, "DELETE FROM faq_entries");
      if (!clear.ok()) return Annotate(clear.status(), "faq: clear live");
      Status cleared = clear->Run();
      if (!cleared.ok()) return Annotate(cleared, "faq: clear live");

      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db,
          "INSERT INTO faq_entries (id, position, topic, questions, answer, follow_up, source, "
          "reviewed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      if (!insert.ok()) return Annotate(insert.status(), "faq: insert");
      for (size_t i = 0; i < entries.size(); ++i) {
        const FaqEntry& e = entries[i];
        insert->Reset();
        insert->BindText(1, e.id);
        insert->BindInt64(2, static_cast<int64_t>(i));
        insert->BindText(3, e.topic);
        insert->BindText(4, encoded[i].questions);
        insert->BindText(5, e.answer);
        insert->BindText(6, encoded[i].follow_up);
        insert->BindText(7, e.source);
        insert->BindText(8, e.reviewed);
        Status inserted = insert->Run();
        if (!inserted.ok()) {
          return Annotate(inserted, "faq: cannot store entry " + std::to_string(i) + " (id \"" +
                                        e.id + "\")");
        }
      }

      Result<SqliteStatement> next =
          SqliteStatement::Prepare(db, "SELECT COALESCE(MAX(number), 0) + 1 FROM faq_revisions");
      if (!next.ok()) return Annotate(next.status(), "faq: number revision");
      Result<bool> row = next->Step();
      if (!row.ok()) return Annotate(row.status(), "faq: number revision");
      revision.number = next->ColumnInt64(0);

      Result<SqliteStatement> record = SqliteStatement::Prepare(
          db,
          "INSERT INTO faq_revisions (number, at_ms, actor, summary, entry_count, snapshot) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      if (!record.ok()) return Annotate(record.status(), "faq: record revision");
      record->BindInt64(1, revision.number);
      record->BindInt64(2, ToUnixMillis(at));
      record->BindText(3, actor);
      record->BindText(4, revision.summary);
      record->BindInt64(5, static_cast<int64_t>(entries.size()));
      record->BindText(6, *snapshot);
      return Annotate(record->Run(), "faq: record revision");
    });
    if (!s.ok()) return s;
    return revision;
  }

  Result<std::vector<FaqRevision>> Revisions(size_t limit) override {
    std::vector<FaqRevision> revisions;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db,
          "SELECT number, at_ms, actor, summary, entry_count FROM faq_revisions "
          "ORDER BY number DESC LIMIT ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "faq: revisions");
      stmt->BindInt64(1, ClampLimit(limit));
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return Annotate(row.status(), "faq: revisions");
        if (!*row) return Status::Ok();
        FaqRevision r;
        r.number = stmt->ColumnInt64(0);
        r.at = FromUnixMillis(stmt->ColumnInt64(1));
        r.actor = stmt->ColumnText(2);
        r.summary = stmt->ColumnText(3);
        r.entry_count = static_cast<size_t>(stmt->ColumnInt64(4));
        revisions.push_back(std::move(r));
      }
    });
    if (!s.ok()) return s;
    return revisions;
  }

  Result<std::vector<FaqEntry>> Snapshot(long long number) override {
    std::string text;
    bool found = false;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "SELECT snapshot FROM faq_revisions WHERE number = ?1");
      if (!stmt.ok()) return Annotate(stmt.status(), "faq: snapshot");
      stmt->BindInt64(1, number);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Annotate(row.status(), "faq: snapshot");
      found = *row;
      if (found) text = stmt->ColumnText(0);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (!found) return NotFound("faq revision " + std::to_string(number) + " not found");
    Result<std::vector<FaqEntry>> entries = EntriesFromSnapshot(text);
    if (!entries.ok()) {
      return Annotate(entries.status(), "faq revision " + std::to_string(number));
    }
    return entries;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<FaqStore> NewSqliteFaqStore(Database& db) {
  return std::make_unique<SqliteFaqStore>(db);
}

}  // namespace bhxh
