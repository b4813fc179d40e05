#include <metrics/tags.hpp>

#include "number_text.hpp"

#include <charconv>
#include <cstring>

namespace metrics {

std::string_view TagValue::format(char* buffer, size_t size) const noexcept {
  switch (type()) {
    case Type::string:
      return string();
    case Type::boolean:
      return detail::integer_text(*this, buffer, size);
    case Type::signed_integer:
    case Type::unsigned_integer: {
      // integer_text writes backwards from the end of its buffer; callers of format()
      // (the general path packs several values into one buffer) expect the text at the
      // start of theirs.
      char digits[detail::kIntegerTextBytes];
      const std::string_view text = detail::integer_text(*this, digits, sizeof(digits));
      if (text.size() > size) return {};
      std::memcpy(buffer, text.data(), text.size());
      return std::string_view(buffer, text.size());
    }
    case Type::floating: {
      const std::to_chars_result r = std::to_chars(buffer, buffer + size, f_);
      if (r.ec != std::errc{}) return {};
      return std::string_view(buffer, static_cast<size_t>(r.ptr - buffer));
    }
  }
  return {};
}

std::string TagValue::to_string() const {
  char buffer[32];
  return std::string(format(buffer, sizeof(buffer)));
}

OwnedTags to_owned(TagList tags) {
  OwnedTags out;
  out.reserve(tags.size());
  for (const Tag& t : tags) out.emplace_back(std::string(t.key()), t.value().to_string());
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
