// The bhxh-bot command line: serve, ask, chat, import-faq, export-faq.
// Exit codes: 0 success; 1 invalid content, storage or runtime error;
// 2 usage error (unknown flag, missing argument). Every error names what is
// wrong (file, line, field) on stderr.
#ifndef BHXH_BOT_CLI_H_
#define BHXH_BOT_CLI_H_

#include <iosfwd>

namespace bhxh {

int RunCli(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err);

}  // namespace bhxh

#endif  // BHXH_BOT_CLI_H_
