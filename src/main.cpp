#include "cli/cli.hpp"

int main(int argc, char** argv) { return tf::cli::main(argc, argv); }
