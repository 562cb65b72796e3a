#include "storage/lead_store.h"

#include <sqlite3.h>

#include <utility>

#include "storage/database.h"
#include "storage/sqlite_statement.h"
#include "storage/unix_millis.h"

namespace bhxh {
namespace {

// The columns ReadLeads reads, in its order.
#define BHXH_LEAD_COLUMNS                                                                       \
  "id, channel, user_id, interest, full_name, birth_year, commune_code, village, phone, cccd, " \
  "occupation, call_time, meeting_id, consent_version, consent_ms, status, created_ms, "        \
  "updated_ms"

Status ReadLeads(SqliteStatement& stmt, std::vector<Lead>* out) {
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    Lead l;
    l.id = stmt.ColumnInt64(0);
    l.channel = stmt.ColumnText(1);
    l.user = stmt.ColumnText(2);
    l.interest = stmt.ColumnText(3);
    l.full_name = stmt.ColumnText(4);
    l.birth_year = static_cast<int>(stmt.ColumnInt64(5));
    l.commune_code = stmt.ColumnText(6);
    l.village = stmt.ColumnText(7);
    l.phone = stmt.ColumnText(8);
    l.cccd = stmt.ColumnText(9);
    l.occupation = stmt.ColumnText(10);
    l.call_time = stmt.ColumnText(11);
    l.meeting_id = stmt.ColumnText(12);
    l.consent_version = stmt.ColumnText(13);
    l.consent_at = FromUnixMillis(stmt.ColumnInt64(14));
    l.status = stmt.ColumnText(15);
    l.created = FromUnixMillis(stmt.ColumnInt64(16));
    l.updated = FromUnixMillis(stmt.ColumnInt64(17));
    out->push_back(std::move(l));
  }
}

// The message names the field, never its value: leads are personal data
// and error messages end up in logs.
Status Validate(const Lead& lead) {
  const std::pair<const char*, const std::string*> required[] = {
      {"channel", &lead.channel},
      {"user", &lead.user},
      {"interest", &lead.interest},
      {"full_name", &lead.full_name},
      {"commune_code", &lead.commune_code},
      {"phone", &lead.phone},
      {"consent_version", &lead.consent_version},
  };
  for (const auto& [name, value] : required) {
    if (value->empty()) return InvalidArgument(std::string("lead store: save: no ") + name);
  }
  if (lead.birth_year == 0) return InvalidArgument("lead store: save: no birth_year");
  return Status::Ok();
}

// Binds the fields a save writes: ?1..?14 in the order of the INSERT and
// UPDATE below (channel ... consent_ms), ?15 updated_ms.
void BindSaved(SqliteStatement& stmt, const Lead& lead) {
  stmt.BindText(1, lead.channel);
  stmt.BindText(2, lead.user);
  stmt.BindText(3, lead.interest);
  stmt.BindText(4, lead.full_name);
  stmt.BindInt64(5, lead.birth_year);
  stmt.BindText(6, lead.commune_code);
  stmt.BindText(7, lead.village);
  stmt.BindText(8, lead.phone);
  stmt.BindText(9, lead.cccd);
  stmt.BindText(10, lead.occupation);
  stmt.BindText(11, lead.call_time);
  stmt.BindText(12, lead.meeting_id);
  stmt.BindText(13, lead.consent_version);
  stmt.BindInt64(14, ToUnixMillis(lead.consent_at));
  stmt.BindInt64(15, ToUnixMillis(lead.updated));
}

class SqliteLeadStore final : public LeadStore {
 public:
  explicit SqliteLeadStore(Database& db) : db_(db) {}

  Result<LeadSaveResult> Save(const Lead& lead) override {
    if (Status valid = Validate(lead); !valid.ok()) return valid;
    LeadSaveResult result;
    // Look-up and write in one transaction, so two registrations of the
    // same phone and commune at once cannot both decide to insert.
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> find = SqliteStatement::Prepare(
          db, "SELECT id FROM leads WHERE phone = ?1 AND commune_code = ?2");
      if (!find.ok()) return find.status();
      find->BindText(1, lead.phone);
      find->BindText(2, lead.commune_code);
      Result<bool> row = find->Step();
      if (!row.ok()) return row.status();
      if (*row) {
        result.id = find->ColumnInt64(0);
        result.created = false;
        // A new registration is new work for the agency whatever was done
        // with the old one, hence status 'new'.
        Result<SqliteStatement> update = SqliteStatement::Prepare(
            db,
            "UPDATE leads SET channel = ?1, user_id = ?2, interest = ?3, full_name = ?4, "
            "birth_year = ?5, commune_code = ?6, village = ?7, phone = ?8, cccd = ?9, "
            "occupation = ?10, call_time = ?11, meeting_id = ?12, consent_version = ?13, "
            "consent_ms = ?14, status = 'new', updated_ms = ?15 WHERE id = ?16");
        if (!update.ok()) return update.status();
        BindSaved(*update, lead);
        update->BindInt64(16, result.id);
        return update->Run();
      }
      Result<SqliteStatement> insert = SqliteStatement::Prepare(
          db,
          "INSERT INTO leads (channel, user_id, interest, full_name, birth_year, commune_code, "
          "village, phone, cccd, occupation, call_time, meeting_id, consent_version, consent_ms, "
          "status, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
          "?12, ?13, ?14, 'new', ?16, ?15)");
      if (!insert.ok()) return insert.status();
      BindSaved(*insert, lead);
      insert->BindInt64(16, ToUnixMillis(lead.created));
      if (Status run = insert->Run(); !run.ok()) return run;
      result.id = sqlite3_last_insert_rowid(db);
      result.created = true;
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "lead store: save");
    return result;
  }

  Result<std::optional<Lead>> Get(long long id) override {
    std::vector<Lead> leads;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "SELECT " BHXH_LEAD_COLUMNS " FROM leads WHERE id = ?1");
      if (!stmt.ok()) return stmt.status();
      stmt->BindInt64(1, id);
      return ReadLeads(*stmt, &leads);
    });
    if (!s.ok()) return Annotate(s, "lead store: get");
    if (leads.empty()) return std::optional<Lead>();
    return std::optional<Lead>(std::move(leads.front()));
  }

  Result<std::vector<Lead>> ByCommune(const std::string& commune_code) override {
    std::vector<Lead> leads;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      // Ties on the instant go to the later insert (higher id).
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_LEAD_COLUMNS
              " FROM leads WHERE commune_code = ?1 ORDER BY updated_ms DESC, id DESC");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, commune_code);
      return ReadLeads(*stmt, &leads);
    });
    if (!s.ok()) return Annotate(s, "lead store: by commune");
    return leads;
  }

  Result<std::vector<Lead>> ByUser(const std::string& channel, const std::string& user) override {
    std::vector<Lead> leads;
    Status s = db_.Read([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt = SqliteStatement::Prepare(
          db, "SELECT " BHXH_LEAD_COLUMNS
              " FROM leads WHERE channel = ?1 AND user_id = ?2 ORDER BY id");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      return ReadLeads(*stmt, &leads);
    });
    if (!s.ok()) return Annotate(s, "lead store: by user");
    return leads;
  }

  Result<size_t> DeleteUser(const std::string& channel, const std::string& user) override {
    size_t deleted = 0;
    Status s = db_.InTransaction([&](sqlite3* db) -> Status {
      Result<SqliteStatement> stmt =
          SqliteStatement::Prepare(db, "DELETE FROM leads WHERE channel = ?1 AND user_id = ?2");
      if (!stmt.ok()) return stmt.status();
      stmt->BindText(1, channel);
      stmt->BindText(2, user);
      if (Status run = stmt->Run(); !run.ok()) return run;
      deleted = static_cast<size_t>(sqlite3_changes(db));
      return Status::Ok();
    });
    if (!s.ok()) return Annotate(s, "lead store: delete user");
    return deleted;
  }

 private:
  Database& db_;
};

#undef BHXH_LEAD_COLUMNS

}  // namespace

std::unique_ptr<LeadStore> NewSqliteLeadStore(Database& db) {
  return std::make_unique<SqliteLeadStore>(db);
}

}  // namespace bhxh
