#include <metrics/tags.hpp>

#include <charconv>

namespace metrics {

std::string_view TagValue::format(char* buffer, size_t size) const noexcept {
  std::to_chars_result r{buffer, std::errc{}};
  switch (type_) {
    case Type::string:
      return str_;
    case Type::signed_integer:
      r = std::to_chars(buffer, buffer + size, i_);
      break;
    case Type::unsigned_integer:
      r = std::to_chars(buffer, buffer + size, u_);
      break;
    case Type::floating:
      r = std::to_chars(buffer, buffer + size, f_);
      break;
    case Type::boolean:
      return b_ ? std::string_view("true") : std::string_view("false");
  }
  if (r.ec != std::errc{}) return {};
  return std::string_view(buffer, static_cast<size_t>(r.ptr - buffer));
}

std::string TagValue::to_string() const {
  char buffer[32];
  return std::string(format(buffer, sizeof(buffer)));
}

OwnedTags to_owned(TagList tags) {
  OwnedTags out;
  out.reserve(tags.size());
  for (const Tag& t : tags) out.emplace_back(std::string(t.key), t.value.to_string());
  return out;
}

void set_tag(OwnedTags& tags, std::string_view key, std::string value) {
  for (auto& [k, v] : tags)
    if (k == key) {
      v = std::move(value);
      return;
    }
  tags.emplace_back(std::string(key), std::move(value));
}

}  // namespace metrics
