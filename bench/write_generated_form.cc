// Writes the benchmarks' generated form as a forms folder, so that `blankett serve` and
// the browser benchmark (bench/web_bench.mjs) can load the same form engine_bench uses.
// Usage: write_generated_form <fields> <forms-dir>  → <forms-dir>/generated-<fields>/form.json
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "generated_form.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[1]) < 2) {
    std::fprintf(stderr, "usage: write_generated_form <fields (>= 2)> <forms-dir>\n");
    return 2;
  }
  const int fields = std::atoi(argv[1]);
  const blankett::bench::GeneratedForm form = blankett::bench::generated_form(fields);
  const std::filesystem::path dir = std::filesystem::path(argv[2]) / ("generated-" + std::to_string(fields));
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "form.json");
  out << form.definition.dump(2) << "\n";
  if (!out) {
    std::fprintf(stderr, "write_generated_form: cannot write %s\n", (dir / "form.json").c_str());
    return 1;
  }
  std::printf("%s\n", (dir / "form.json").c_str());
  return 0;
}
