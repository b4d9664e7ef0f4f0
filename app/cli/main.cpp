// citytwin: the headless CityTwin command line.
#include <exception>
#include <iostream>

#include "info_command.h"

int main(int argc, char** argv) {
    try {
        return ct::cli::runCli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "citytwin: internal error: " << e.what() << "\n";
        return ct::cli::kExitInternal;
    }
}
