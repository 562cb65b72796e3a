#include "handlers/dialog_state.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdlib>
#include <sstream>

namespace bhxh {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Slot values are free text: what the line format uses is %-escaped.
struct Escaped {
  char c;
  const char* code;
};
constexpr Escaped kEscapes[] = {{'%', "25"}, {'\n', "0A"}, {'\r', "0D"}, {'\x1f', "1F"}};

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    const Escaped* e = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                                    [c](const Escaped& x) { return x.c == c; });
    if (e == std::end(kEscapes)) {
      out += c;
    } else {
      out += '%';
      out += e->code;
    }
  }
  return out;
}

std::string Unescape(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    const Escaped* e = std::end(kEscapes);
    if (v[i] == '%' && i + 2 < v.size()) {
      const std::string code = v.substr(i + 1, 2);
      e = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                       [&code](const Escaped& x) { return code == x.code; });
    }
    if (e == std::end(kEscapes)) {
      out += v[i];
    } else {
      out += e->c;
      i += 2;
    }
  }
  return out;
}

}  // namespace

std::string DialogState::Serialize() const {
  std::string out = "v=2\nunknown_streak=" + std::to_string(unknown_streak) + "\nchoices=";
  for (size_t i = 0; i < last_choices.size(); ++i) {
    if (i) out += '\x1f';
    out += Escape(last_choices[i]);
  }
  out += "\n";
  if (!commune.empty()) out += "commune=" + Escape(commune) + "\n";
  if (!last_meeting.empty()) out += "last_meeting=" + Escape(last_meeting) + "\n";
  if (flow.open()) {
    out += "flow=" + Escape(flow.name) + "\nstep=" + Escape(flow.step) + "\n";
    out += "numeric=" + std::string(flow.numeric_answer ? "1" : "0") + "\n";
    out += "started_ms=" +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              flow.started.time_since_epoch())
                              .count()) +
           "\n";
    for (const auto& [k, v] : flow.slots) out += "slot." + k + "=" + Escape(v) + "\n";
  }
  return out;
}

DialogState DialogState::Parse(const std::string& text) {
  DialogState s;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "unknown_streak") {
      s.unknown_streak = std::atoi(value.c_str());
    } else if (key == "choices" && !value.empty()) {
      std::string item;
      std::istringstream items(value);
      while (std::getline(items, item, '\x1f')) s.last_choices.push_back(Unescape(item));
    } else if (key == "commune") {
      s.commune = Unescape(value);
    } else if (key == "last_meeting") {
      s.last_meeting = Unescape(value);
    } else if (key == "flow") {
      s.flow.name = Unescape(value);
    } else if (key == "step") {
      s.flow.step = Unescape(value);
    } else if (key == "numeric") {
      s.flow.numeric_answer = value == "1";
    } else if (key == "started_ms") {
      s.flow.started = std::chrono::system_clock::time_point(
          std::chrono::milliseconds(std::atoll(value.c_str())));
    } else if (StartsWith(key, "slot.")) {
      s.flow.slots[key.substr(5)] = Unescape(value);
    }
  }
  return s;
}

}  // namespace bhxh
