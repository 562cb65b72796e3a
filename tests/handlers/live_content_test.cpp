#include "handlers/live_content.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "test_support/shipped_content.h"

using namespace bhxh;

using testing::OneQuestionEntry;

TEST_CASE("replacing the FAQ swaps the index and keeps variables and wording") {
  LiveContent live(testing::ShippedSnapshot());
  const auto before = live.Current();
  REQUIRE(before->faq->Find("bhyt-mat-the"));
  live.ReplaceFaq({OneQuestionEntry("moi", "Câu hỏi mới về thẻ BHYT")});
  const auto after = live.Current();
  CHECK(after->faq->Find("bhyt-mat-the") == nullptr);
  CHECK(after->faq->Find("moi") != nullptr);
  CHECK(after->variables == before->variables);
  CHECK(after->messages == before->messages);
  CHECK(after->faq->thresholds().answer_min == before->faq->thresholds().answer_min);
  // A reader holding the old snapshot still sees the old FAQ.
  CHECK(before->faq->Find("bhyt-mat-the") != nullptr);
}

TEST_CASE("readers never see a half-built index while the FAQ is replaced") {
  LiveContent live(testing::ShippedSnapshot());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop) {
      const auto snap = live.Current();
      const bool a = snap->faq->Find("a") != nullptr, b = snap->faq->Find("b") != nullptr;
      if (snap->faq->entries().size() == 1 && a == b) ++bad;  // exactly one of a/b
      snap->faq->Match("thẻ bhyt");
    }
  });
  for (int i = 0; i < 50; ++i) {
    live.ReplaceFaq({OneQuestionEntry(i % 2 ? "a" : "b", "thẻ bảo hiểm y tế")});
  }
  stop = true;
  reader.join();
  CHECK(bad == 0);
}

TEST_CASE("every message key the engine needs is in the shipped wording") {
  auto snap = testing::ShippedSnapshot();
  for (const auto& key : RequiredMessageKeys()) {
    CAPTURE(key);
    CHECK(snap->messages->Has(key));
  }
}
