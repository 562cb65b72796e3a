#include "handlers/dialog_state.h"

#include <catch2/catch.hpp>

using namespace bhxh;

TEST_CASE("the dialog state survives serialisation, free text included") {
  DialogState s;
  s.last_choices = {"FAQ:a", "LEAD:EDIT:name", "odd%1F\x1fpayload"};
  s.unknown_streak = 2;
  s.commune = "21325";
  s.last_meeting = "mau-01-son-ky";
  s.flow.name = "lead";
  s.flow.step = "village";
  s.flow.numeric_answer = true;
  s.flow.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795662000123));
  s.flow.slots["name"] = "Đinh Văn A";
  s.flow.slots["village"] = "thôn 1\nflow=x\r\n100% %25 \x1f";

  const std::string text = s.Serialize();
  // One line per field: free text cannot add lines or fake a key.
  CHECK(text.find("\nflow=x") == std::string::npos);
  const DialogState back = DialogState::Parse(text);
  CHECK(back.last_choices == s.last_choices);
  CHECK(back.unknown_streak == 2);
  CHECK(back.commune == "21325");
  CHECK(back.last_meeting == "mau-01-son-ky");
  CHECK(back.flow.name == "lead");
  CHECK(back.flow.step == "village");
  CHECK(back.flow.numeric_answer);
  CHECK(back.flow.started == s.flow.started);
  CHECK(back.flow.slots == s.flow.slots);
  CHECK(text.find(kOpenFlowMarker) != std::string::npos);
}

TEST_CASE("a state without an open flow has no flow line, and old or unknown lines are read safely") {
  DialogState s;
  s.last_choices = {"MENU"};
  CHECK(s.Serialize().find(kOpenFlowMarker) == std::string::npos);

  // The first version's state, with a line a newer build might add.
  const DialogState v1 = DialogState::Parse("v=1\nunknown_streak=1\nchoices=FAQ:a\x1f" "MENU\nfuture=42\n");
  CHECK(v1.unknown_streak == 1);
  CHECK(v1.last_choices == std::vector<std::string>{"FAQ:a", "MENU"});
  CHECK_FALSE(v1.flow.open());
  CHECK(DialogState::Parse("").last_choices.empty());
}
