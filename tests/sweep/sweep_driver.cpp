// Test driver: `sweep_driver ARGS...` behaves as `edgesplit sweep ARGS...` (points run by --runner).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/sweep/command.hpp"

int main(int argc, char** argv) {
  try {
    return edgesplit::sweep::command(std::vector<std::string>(argv + 1, argv + argc), "edgesplit", std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "sweep_driver: internal error: " << e.what() << '\n';
    return 1;
  }
}
