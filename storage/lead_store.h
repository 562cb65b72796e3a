// Citizens who asked to be contacted about joining voluntary BHXH or
// household BHYT (table leads; docs/schema.md). Personal data: never
// logged; deleted on request (DeleteUser).
#ifndef BHXH_STORAGE_LEAD_STORE_H_
#define BHXH_STORAGE_LEAD_STORE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace bhxh {

class Database;

struct Lead {
  long long id = 0;
  std::string channel;     // where the citizen registered
  std::string user;
  std::string interest;    // "bhxh_tu_nguyen" | "bhyt_hgd" | "ca_hai" | "tu_van"
  std::string full_name;
  int birth_year = 0;
  std::string commune_code;
  std::string village;
  std::string phone;       // normalised "0xxxxxxxxx"
  std::string cccd;        // 12 digits or ""
  std::string occupation;
  std::string call_time;   // free text: "buổi sáng", "sau 17 giờ"
  std::string meeting_id;  // the meeting it came from, or ""
  std::string consent_version;
  std::chrono::system_clock::time_point consent_at;
  std::string status = "new";
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point updated;
};

struct LeadSaveResult {
  long long id = 0;
  bool created = false;  // false: an existing lead (same phone and commune) was updated
};

// Implementations are thread-safe.
class LeadStore {
 public:
  virtual ~LeadStore() = default;
  // Inserts the lead, or updates the lead with the same phone and commune
  // (every field from `lead` except id and created; status back to "new").
  // The stored status is always "new" (lead.status is not read): a
  // registration is new work for the agency. created/updated are taken
  // from `lead`. InvalidArgument when a required field is empty (channel,
  // user, interest, full_name, commune_code, phone, consent_version) or
  // birth_year is 0; the message names the field, never a value. Joins the
  // caller's unit of work.
  virtual Result<LeadSaveResult> Save(const Lead& lead) = 0;
  virtual Result<std::optional<Lead>> Get(long long id) = 0;
  // Leads of one commune, newest update first (the agencies' lists; 4/5).
  virtual Result<std::vector<Lead>> ByCommune(const std::string& commune_code) = 0;
  // Leads currently attributed to the user (the last to register them), by id.
  virtual Result<std::vector<Lead>> ByUser(const std::string& channel, const std::string& user) = 0;
  // Privacy: deletes every lead the user registered; returns how many.
  virtual Result<size_t> DeleteUser(const std::string& channel, const std::string& user) = 0;
};

std::unique_ptr<LeadStore> NewSqliteLeadStore(Database& db);

}  // namespace bhxh

#endif  // BHXH_STORAGE_LEAD_STORE_H_
