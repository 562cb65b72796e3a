#include <iostream>

#include "bot/cli.h"

int main(int argc, char** argv) {
  return bhxh::RunCli(argc, argv, std::cin, std::cout, std::cerr);
}
