// Conversations with the calculator flow on the shipped variables and
// wording: what it detects, what it asks, how it reads typed and tapped
// answers, and the exact amounts it answers.
#include "handlers/calculator_flow.h"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "content/messages.h"
#include "content/text_normalizer.h"
#include "content/variables.h"
#include "handlers/contribution_calculator.h"

using namespace bhxh;
using namespace std::chrono;

namespace {

const CivilDate kBefore{2026, 3, 15};  // base salary 2,340,000
const CivilDate kAfter{2026, 11, 26};  // base salary 2,530,000 from 2026-07-01

// The shipped variables and wording. Messages are loaded requiring exactly
// the calculator's keys, so a key missing from messages.vi.json fails here.
std::shared_ptr<const ContentSnapshot> Content() {
  static const std::shared_ptr<const ContentSnapshot> snap = [] {
    const std::string dir = BHXH_TEST_CONTENT_DIR;
    std::vector<ContentProblem> problems;
    auto s = std::make_shared<ContentSnapshot>();
    s->variables = VariableTable::Load(dir + "/variables.json", &problems);
    s->messages =
        Messages::Load(dir + "/messages.vi.json", CalculatorFlow::MessageKeys(), &problems);
    if (!s->variables || !s->messages) throw std::runtime_error(JoinProblems(problems));
    return s;
  }();
  return snap;
}

// One citizen talking to the flow, as the dialog engine would route it.
struct Chat {
  explicit Chat(CivilDate day = kAfter) : today(day) {}

  std::vector<Reply> Start(const std::string& text, const std::string& payload = "") {
    Inbound in = Message(text, payload);
    TurnContext t = Context(in);
    return flow_.Start(t);
  }
  FlowOutcome Say(const std::string& text) {
    Inbound in = Message(text, "");
    TurnContext t = Context(in);
    return flow_.Continue(t);
  }
  FlowOutcome Tap(const std::string& payload) {
    Inbound in = Message("", payload);
    TurnContext t = Context(in);
    return flow_.Continue(t);
  }
  Reply Resume() {
    Inbound in = Message("", "");
    TurnContext t = Context(in);
    return flow_.Resume(t);
  }
  // The single reply of a handled turn.
  static Reply Only(const FlowOutcome& o) {
    REQUIRE(o.handled);
    REQUIRE(o.replies.size() == 1);
    return o.replies[0];
  }

  CivilDate today;
  FlowState state;

 private:
  Inbound Message(const std::string& text, const std::string& payload) const {
    Inbound in;
    in.channel = "web";
    in.user = "u1";
    in.text = text;
    in.payload = payload;
    in.at = VietnamInstant(today, 10, 0);
    return in;
  }
  TurnContext Context(const Inbound& in) {
    return TurnContext{*Content(), in, FoldVietnamese(in.text), in.at, today, state, {}};
  }
  CalculatorFlow flow_;
};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> Payloads(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& c : r.choices) out.push_back(c.payload);
  return out;
}

const std::vector<std::string> kResultChoices = {"CALC:RESTART", "MENU_REGISTER", "MENU"};
const std::vector<std::string> kGroupChoices = {"CALC:GROUP_POOR", "CALC:GROUP_NEAR_POOR",
                                                "CALC:GROUP_ETHNIC", "CALC:GROUP_OTHER"};

std::string Msg(const std::string& key, const std::map<std::string, std::string>& params = {}) {
  return Content()->messages->Get(key, params);
}

// Every reply: polite, complete, short enough for one phone message.
void CheckWellFormed(const Reply& r) {
  CAPTURE(r.text);
  CHECK(r.text.rfind("Dạ", 0) == 0);
  CHECK_FALSE(Has(r.text, "{{"));
  CHECK_FALSE(Has(r.text, "[calc_"));
  CHECK(NfcLength(r.text) < 2000);
  for (const auto& c : r.choices) {
    CHECK_FALSE(c.title.empty());
    CHECK_FALSE(c.payload.empty());
  }
}

}  // namespace

TEST_CASE("Every message key the calculator uses is in the shipped messages.vi.json") {
  // Content() loads the shipped file requiring these keys; this names them.
  for (const std::string& key : CalculatorFlow::MessageKeys()) {
    CAPTURE(key);
    CHECK(Content()->messages->Has(key));
  }
}

TEST_CASE("Detect takes computation requests and leaves general questions to the FAQ") {
  using Row = std::tuple<std::string, bool>;
  auto row = GENERATE(table<std::string, bool>({
      Row{"thu nhập 3 triệu đóng bhxh tự nguyện bao nhiêu", true},
      Row{"nhà tôi 4 người mua bhyt hết bao nhiêu", true},
      Row{"tinh tien dong", true},
      Row{"Tính tiền đóng", true},
      Row{"tính giúp tiền bhyt cho nhà 5 người", true},
      Row{"bhyt 4 ng bn", true},
      Row{"luong 3tr dong bhxh tn bn", true},
      Row{"đóng bhxh tự nguyện mức 2 triệu rưỡi thì hết bao nhiêu tiền", true},
      Row{"gia đình có 5 người thì đóng bảo hiểm y tế bao nhiêu", true},
      Row{"mức đóng bhxh tự nguyện thấp nhất là bao nhiêu", false},
      Row{"bhyt hộ gia đình đóng bao nhiêu", false},
      Row{"cách tính tiền đóng bhxh tự nguyện", false},
      Row{"đóng 2 triệu thì lương hưu được bao nhiêu", false},
      Row{"đóng bhxh tự nguyện 20 năm được hưởng bao nhiêu", false},
      Row{"trợ cấp thai sản 2 triệu phải không", false},
      Row{"con 16 tuổi đóng bhyt bao nhiêu", false},
      Row{"tỉnh có hỗ trợ thêm không", false},
      Row{"thu nhập 5 triệu có phải đóng bhxh không", false},
      Row{"xin chào", false},
  }));
  CAPTURE(std::get<0>(row));
  CHECK(CalculatorFlow::Detect(FoldVietnamese(std::get<0>(row))) == std::get<1>(row));
}

TEST_CASE("A message that says everything gets the household BHYT result at once") {
  Chat chat;
  const auto replies = chat.Start("nhà tôi 4 người mua bhyt hết bao nhiêu");
  REQUIRE(replies.size() == 1);
  const Reply& r = replies[0];
  CheckWellFormed(r);
  CHECK(r.text ==
        "Dạ, tiền đóng BHYT hộ gia đình cho 4 người (số liệu áp dụng từ 01/07/2026, lương cơ sở "
        "2.530.000 đồng):\n"
        "• Người thứ 1: 4,5% × 2.530.000 = 113.850 đồng/tháng\n"
        "• Người thứ 2: 70% × 113.850 = 79.695 đồng/tháng\n"
        "• Người thứ 3: 60% × 113.850 = 68.310 đồng/tháng\n"
        "• Người thứ 4: 50% × 113.850 = 56.925 đồng/tháng\n\n"
        "Cả nhà tính ra 318.780 đồng/tháng. BHYT hộ gia đình đóng 3, 6 hoặc 12 tháng một lần:\n"
        "• 3 tháng: 3 × 318.780 = 956.340 đồng\n"
        "• 6 tháng: 6 × 318.780 = 1.912.680 đồng\n"
        "• 12 tháng: 12 × 318.780 = 3.825.360 đồng\n\n" +
            Msg("calc_bhyt_notes"));
  CHECK(Payloads(r) == kResultChoices);
  CHECK_FALSE(chat.state.open());
}

TEST_CASE("Household BHYT totals for 1 to 6 members, before and after 2026-07-01") {
  using Row = std::tuple<int, std::string, std::string>;
  auto row = GENERATE(table<int, std::string, std::string>({
      Row{1, "105.300", "113.850"},
      Row{2, "179.010", "193.545"},
      Row{3, "242.190", "261.855"},
      Row{4, "294.840", "318.780"},
      Row{5, "336.960", "364.320"},
      Row{6, "379.080", "409.860"},
  }));
  const int members = std::get<0>(row);
  CAPTURE(members);
  Chat before(kBefore);
  const Reply old = before.Start("bhyt hộ gia đình " + std::to_string(members) + " người")[0];
  CheckWellFormed(old);
  CHECK(Has(old.text, "áp dụng từ 01/07/2024, lương cơ sở 2.340.000 đồng"));
  CHECK(Has(old.text, "Cả nhà tính ra " + std::get<1>(row) + " đồng/tháng"));

  Chat after(kAfter);
  const Reply now = after.Start("bhyt hộ gia đình " + std::to_string(members) + " người")[0];
  CheckWellFormed(now);
  CHECK(Has(now.text, "áp dụng từ 01/07/2026, lương cơ sở 2.530.000 đồng"));
  CHECK(Has(now.text, "Cả nhà tính ra " + std::get<2>(row) + " đồng/tháng"));
  if (members == 5) CHECK(Has(now.text, "• Người thứ 5: 40% × 113.850 = 45.540 đồng/tháng"));
  if (members == 6) {
    CHECK(Has(now.text, "• Người thứ 5 đến thứ 6: mỗi người 40% × 113.850 = 45.540 đồng/tháng"));
    CHECK(Has(now.text, "• 12 tháng: 12 × 409.860 = 4.918.320 đồng"));
  }
}

TEST_CASE("Voluntary BHXH with typed answers: income in the message, group typed after") {
  Chat chat;
  const auto first = chat.Start("thu nhập 3 triệu đóng bhxh tự nguyện bao nhiêu");
  REQUIRE(first.size() == 1);
  CheckWellFormed(first[0]);
  CHECK(first[0].text == Msg("calc_ask_group"));
  CHECK(Payloads(first[0]) == kGroupChoices);
  CHECK(chat.state.name == kCalculatorFlow);
  CHECK(chat.state.step == "group");
  CHECK_FALSE(chat.state.numeric_answer);

  const Reply& r = Chat::Only(chat.Say("người H're"));
  CheckWellFormed(r);
  CHECK(r.text ==
        "Dạ, tiền đóng BHXH tự nguyện (số liệu áp dụng từ 01/07/2026):\n"
        "• Thu nhập tính đóng: 3.000.000 đồng/tháng\n"
        "• Mức đóng: 3.000.000 × 22% = 660.000 đồng\n"
        "• Nhà nước hỗ trợ (người dân tộc thiểu số): 30% × 330.000 = 99.000 đồng\n"
        "• Anh/chị tự đóng: 660.000 - 99.000 = 561.000 đồng/tháng\n\n"
        "Đóng hằng tháng, hoặc 3, 6, 12 tháng một lần:\n"
        "• 3 tháng: 3 × 561.000 = 1.683.000 đồng\n"
        "• 6 tháng: 6 × 561.000 = 3.366.000 đồng\n"
        "• 12 tháng: 12 × 561.000 = 6.732.000 đồng\n\n"
        "Tiền hỗ trợ tính theo mức đóng thấp nhất (22% × 1.500.000 = 330.000 đồng), không theo "
        "thu nhập anh/chị chọn. Tỉnh có thể hỗ trợ thêm. Ngoài ra có thể đóng một lần cho nhiều "
        "năm về sau (được giảm trừ); số tiền cụ thể anh/chị hỏi cán bộ ạ.");
  CHECK(Payloads(r) == kResultChoices);
  CHECK_FALSE(chat.state.open());
}

TEST_CASE("Voluntary BHXH with tapped answers, from the menu") {
  const CivilDate day = GENERATE(kBefore, kAfter);
  CAPTURE(day.ToIso());
  Chat chat(day);
  const auto first = chat.Start("", "MENU_CALCULATOR");
  REQUIRE(first.size() == 1);
  CheckWellFormed(first[0]);
  CHECK(first[0].text == Msg("calc_ask_product"));
  CHECK(Payloads(first[0]) == std::vector<std::string>{"CALC:PRODUCT_BHXH", "CALC:PRODUCT_BHYT"});
  CHECK(chat.state.step == "product");

  CHECK(Payloads(Chat::Only(chat.Tap("CALC:PRODUCT_BHXH"))) == kGroupChoices);

  const Reply& income = Chat::Only(chat.Tap("CALC:GROUP_ETHNIC"));
  CheckWellFormed(income);
  const std::string ceiling = day == kBefore ? "46.800.000 đồng" : "50.600.000 đồng";
  CHECK(income.text == Msg("calc_ask_income", {{"floor", "1.500.000 đồng"}, {"ceiling", ceiling}}));
  CHECK(Payloads(income) == std::vector<std::string>{"CALC:INCOME_MIN"});
  CHECK(chat.state.step == "income");
  CHECK(chat.state.numeric_answer);

  const Reply& result = Chat::Only(chat.Tap("CALC:INCOME_MIN"));
  CheckWellFormed(result);
  CHECK(Has(result.text, day == kBefore ? "áp dụng từ 01/07/2025" : "áp dụng từ 01/07/2026"));
  CHECK(Has(result.text, "• Mức đóng: 1.500.000 × 22% = 330.000 đồng\n"));
  CHECK(Has(result.text,
            "• Nhà nước hỗ trợ (người dân tộc thiểu số): 30% × 330.000 = 99.000 đồng\n"));
  CHECK(Has(result.text, "• Anh/chị tự đóng: 330.000 - 99.000 = 231.000 đồng/tháng\n"));
  CHECK(Has(result.text, "• 3 tháng: 3 × 231.000 = 693.000 đồng\n"));
  CHECK(Has(result.text, "• 6 tháng: 6 × 231.000 = 1.386.000 đồng\n"));
  CHECK(Has(result.text, "• 12 tháng: 12 × 231.000 = 2.772.000 đồng\n"));
  CHECK_FALSE(chat.state.open());
}

TEST_CASE("Answers may be typed in the citizen's own words at each step") {
  Chat chat;
  chat.Start("tinh tien dong");
  CHECK(chat.state.step == "product");
  CHECK(chat.state.numeric_answer == false);
  Chat::Only(chat.Say("bao hiem xa hoi tu nguyen"));
  CHECK(chat.state.step == "group");
  Chat::Only(chat.Say("ho ngheo"));
  CHECK(chat.state.step == "income");
  const Reply& r = Chat::Only(chat.Say("2tr5"));
  CHECK(Has(r.text, "• Mức đóng: 2.500.000 × 22% = 550.000 đồng\n"));
  CHECK(Has(r.text, "• Nhà nước hỗ trợ (hộ nghèo): 50% × 330.000 = 165.000 đồng\n"));
  CHECK(Has(r.text, "• Anh/chị tự đóng: 550.000 - 165.000 = 385.000 đồng/tháng\n"));

  SECTION("a bare number answers the income question in millions") {
    Chat c;
    c.Start("bhxh tu nguyen, nguoi kinh");
    CHECK(c.state.step == "income");
    CHECK(Has(Chat::Only(c.Say("3")).text, "• Mức đóng: 3.000.000 × 22% = 660.000 đồng\n"));
  }
  SECTION("a bare number answers the household question") {
    Chat c;
    c.Start("", "CALC:PRODUCT_BHYT");
    CHECK(c.state.step == "members");
    CHECK(c.state.numeric_answer);
    CHECK(Has(Chat::Only(c.Say("2")).text, "Cả nhà tính ra 193.545 đồng/tháng"));
  }
  SECTION("the product typed at the product question") {
    Chat c;
    c.Start("tính tiền đóng");
    const Reply& q = Chat::Only(c.Say("bảo hiểm y tế"));
    CHECK(q.text == Msg("calc_ask_members"));
    CHECK(q.choices.empty());
    CHECK(c.state.numeric_answer);
  }
  SECTION("\"Mức thấp nhất\" typed at the income question") {
    Chat c;
    c.Start("bhxh tn ho can ngheo");
    CHECK(Has(Chat::Only(c.Say("mức thấp nhất")).text,
              "• Anh/chị tự đóng: 330.000 - 132.000 = 198.000 đồng/tháng\n"));
  }
}

TEST_CASE("Details without a product name point to the product they belong to") {
  Chat bhxh;
  bhxh.Start("lương 3 triệu thì đóng bao nhiêu");
  CHECK(bhxh.state.Slot("product") == "bhxh");
  CHECK(bhxh.state.step == "group");
  Chat bhyt;
  bhyt.Start("nhà 5 người đóng bao nhiêu");
  CHECK_FALSE(bhyt.state.open());  // answered at once
  Chat both;
  both.Start("nhà 5 người, thu nhập 3 triệu, đóng bao nhiêu");
  CHECK(both.state.step == "product");
}

TEST_CASE("An income below the floor is explained and computed at the floor") {
  Chat chat;
  const Reply r = chat.Start("bhxh tự nguyện thu nhập 1 triệu người dân tộc thì đóng bao nhiêu")[0];
  CHECK_FALSE(chat.state.open());
  CheckWellFormed(r);
  CHECK(Has(r.text,
            "(số liệu áp dụng từ 01/07/2026):\nLưu ý: thu nhập 1.000.000 đồng thấp hơn mức "
            "thấp nhất được chọn để đóng (1.500.000 đồng, bằng chuẩn nghèo khu vực nông "
            "thôn), nên em tính theo mức thấp nhất.\n"));
  CHECK(Has(r.text, "• Thu nhập tính đóng: 1.500.000 đồng/tháng\n"));
  CHECK(Has(r.text, "• Anh/chị tự đóng: 330.000 - 99.000 = 231.000 đồng/tháng\n"));
}

TEST_CASE("An income above the ceiling is explained and computed at the ceiling") {
  const CivilDate day = GENERATE(kBefore, kAfter);
  CAPTURE(day.ToIso());
  Chat chat(day);
  const Reply r = chat.Start("bhxh tn 60 triệu, người Kinh")[0];
  CheckWellFormed(r);
  if (day == kAfter) {
    CHECK(Has(r.text,
              "Lưu ý: thu nhập 60.000.000 đồng cao hơn mức cao nhất được chọn để đóng "
              "(50.600.000 đồng, bằng 20 lần lương cơ sở), nên em tính theo mức cao nhất.\n"));
    CHECK(Has(r.text, "• Mức đóng: 50.600.000 × 22% = 11.132.000 đồng\n"));
    CHECK(Has(r.text, "• Anh/chị tự đóng: 11.132.000 - 66.000 = 11.066.000 đồng/tháng\n"));
  } else {
    CHECK(Has(r.text, "(46.800.000 đồng, bằng 20 lần lương cơ sở)"));
    CHECK(Has(r.text, "• Mức đóng: 46.800.000 × 22% = 10.296.000 đồng\n"));
  }
}

TEST_CASE("Someone in several groups is told the highest support applies") {
  Chat chat;
  const Reply r = chat.Start("bhxh tự nguyện 1tr5, hộ cận nghèo, người dân tộc")[0];
  CheckWellFormed(r);
  CHECK(Has(r.text, "• Nhà nước hỗ trợ (hộ cận nghèo): 40% × 330.000 = 132.000 đồng\n"));
  CHECK(Has(r.text, Msg("calc_several_groups")));
}

TEST_CASE("An answer that cannot be read is asked again with help") {
  SECTION("a choice question") {
    Chat chat;
    chat.Start("", "MENU_CALCULATOR");
    const Reply& r = Chat::Only(chat.Say("abc xyz"));
    CHECK(r.text == Msg("calc_reask_choice"));
    CHECK(Payloads(r) == std::vector<std::string>{"CALC:PRODUCT_BHXH", "CALC:PRODUCT_BHYT"});
    CHECK(chat.state.step == "product");
  }
  SECTION("the income") {
    Chat chat;
    chat.Start("bhxh tn, hộ nghèo");
    const Reply& r = Chat::Only(chat.Say("chưa biết nữa"));
    CHECK(r.text == Msg("calc_reask_income"));
    CHECK(Payloads(r) == std::vector<std::string>{"CALC:INCOME_MIN"});
    CHECK(chat.state.step == "income");
    CHECK(chat.state.open());
  }
  SECTION("the household size, unreadable or out of range") {
    Chat chat;
    chat.Start("", "CALC:PRODUCT_BHYT");
    const std::string reask = Msg("calc_reask_members", {{"max", "30"}});
    CHECK(Chat::Only(chat.Say("nhiều lắm")).text == reask);
    CHECK(Chat::Only(chat.Say("40 người")).text == reask);
    CHECK(Chat::Only(chat.Say("0")).text == reask);
    CHECK(chat.state.step == "members");
    CHECK(Has(Chat::Only(chat.Say("3 người")).text, "Cả nhà tính ra 261.855 đồng/tháng"));
  }
  SECTION("an unknown CALC payload") {
    Chat chat;
    chat.Start("", "MENU_CALCULATOR");
    CHECK(Chat::Only(chat.Tap("CALC:BOGUS")).text == Msg("calc_reask_choice"));
  }
  SECTION("a message that starts with too many people") {
    Chat chat;
    const auto r = chat.Start("tính tiền bhyt cho nhà 45 người");
    CHECK(r[0].text == Msg("calc_reask_members", {{"max", "30"}}));
    CHECK(chat.state.step == "members");
  }
}

TEST_CASE("An unrelated question is left to the engine and the flow stays as it was") {
  Chat chat;
  chat.Start("bhxh tn, hộ nghèo");
  REQUIRE(chat.state.step == "income");
  const FlowState before = chat.state;
  for (const char* text :
       {"thẻ bhyt hết hạn thì làm sao?", "đăng ký ở đâu", "bhyt hộ gia đình có được giảm không"}) {
    CAPTURE(text);
    const FlowOutcome o = chat.Say(text);
    CHECK_FALSE(o.handled);
    CHECK(o.replies.empty());
    CHECK(chat.state.step == before.step);
    CHECK(chat.state.slots == before.slots);
  }
  // A tapped payload of another feature is the engine's too.
  CHECK_FALSE(chat.Tap("FAQ:bhxh-tn-muc-dong").handled);
  // A question that also answers is an answer.
  const Reply& r = Chat::Only(chat.Say("3 triệu thì sao?"));
  CHECK(Has(r.text, "• Mức đóng: 3.000.000 × 22% = 660.000 đồng\n"));
}

TEST_CASE("Resume repeats the open question") {
  Chat chat;
  chat.Start("bhxh tự nguyện");
  const Reply r = chat.Resume();
  CHECK(r.text == Msg("calc_resume") + "\n" + Msg("calc_ask_group"));
  CHECK(Payloads(r) == kGroupChoices);
  Chat bhyt;
  bhyt.Start("bhyt");
  CHECK(bhyt.Resume().text == Msg("calc_resume") + "\n" + Msg("calc_ask_members"));
}

TEST_CASE("\"Tính lại\" starts over") {
  Chat chat;
  chat.Start("bhxh tn, hộ nghèo");
  const Reply& r = Chat::Only(chat.Tap("CALC:RESTART"));
  CHECK(r.text == Msg("calc_ask_product"));
  CHECK(chat.state.slots.empty());
  CHECK(chat.state.step == "product");
  // After a result the flow is closed; the engine sends the tap to Start.
  Chat done;
  done.Start("bhyt 2 người");
  REQUIRE_FALSE(done.state.open());
  CHECK(done.Start("", "CALC:RESTART")[0].text == Msg("calc_ask_product"));
  CHECK(done.state.name == kCalculatorFlow);
}

TEST_CASE("The longest answers still fit in one phone message") {
  Chat bhyt;
  const Reply big = bhyt.Start("bhyt 30 người")[0];
  CheckWellFormed(big);
  CHECK(Has(big.text, "• Người thứ 5 đến thứ 30: mỗi người 40% × 113.850 = 45.540 đồng/tháng"));
  Chat bhxh;
  const Reply most = bhxh.Start("bhxh tn 900 triệu, hộ nghèo cận nghèo dân tộc")[0];
  CheckWellFormed(most);
  CHECK(NfcLength(most.text) < 1000);
}

TEST_CASE("When the figures for the day are missing the citizen is sent to the hotline") {
  // The 22% rate of the 2024 law has no value before 2025-07-01.
  Chat chat(CivilDate{2025, 3, 1});
  const auto r = chat.Start("bhxh tn 3 triệu, hộ nghèo");
  REQUIRE(r.size() == 1);
  CHECK(r[0].text == Msg("calc_unavailable", {{"hotline", Msg("hotline")}}));
  CHECK(Payloads(r[0]) == std::vector<std::string>{"CALC:RESTART", "MENU"});
  CHECK_FALSE(chat.state.open());
}
