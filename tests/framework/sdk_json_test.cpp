#include <catch2/catch.hpp>

#include <metrics/sdk/json.hpp>

TEST_CASE("the SDK's JSON escaping escapes quotes, backslashes and control characters only",
          "[sdk]") {
  auto [in, out] = GENERATE(table<std::string, std::string>({
      {"plain", "\"plain\""},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"C:\\path", R"("C:\\path")"},
      {"a\nb\rc\td", R"("a\nb\rc\td")"},
      {std::string("nul\0x", 5), R"("nul\u0000x")"},
      {"\x1f", R"("\u001f")"},
      {"caf\xc3\xa9 \xe2\x9c\x93", "\"caf\xc3\xa9 \xe2\x9c\x93\""},
  }));
  std::string s;
  metrics::sdk::append_json_string(s, in);
  CHECK(s == out);
}
