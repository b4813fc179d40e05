#include "line_format.hpp"

#include <charconv>

namespace metrics::logging {

namespace {

using metrics::sdk::Kind;

void append_number(std::string& out, double v) {
  char buffer[32];
  auto r = std::to_chars(buffer, buffer + sizeof(buffer), v);
  out.append(buffer, r.ptr);
}

using metrics::sdk::append_json_string;

const char* verb(Kind k) {
  switch (k) {
    case Kind::counter:
      return "incr";
    case Kind::gauge:
      return "gauge";
    case Kind::timing:
      return "timing";
    case Kind::distribution:
      return "distribution";
    case Kind::set:
      return "set";
  }
  return "metric";
}

void append_text_tags(std::string& out, metrics::sdk::Tags tags) {
  if (tags.empty()) return;
  out += " tags={";
  bool first = true;
  for (auto t : tags) {
    if (!first) out += ", ";
    first = false;
    out.append(t.key);
    out += '=';
    out.append(t.value);
  }
  out += '}';
}

void append_json_tags(std::string& out, metrics::sdk::Tags tags) {
  out += ",\"tags\":{";
  bool first = true;
  for (auto t : tags) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, t.key);
    out += ':';
    append_json_string(out, t.value);
  }
  out += '}';
}

}  // namespace

void append_text(std::string& out, const metrics::sdk::Sample& s) {
  out += verb(s.kind());
  out += ' ';
  out.append(s.name());
  out += ' ';
  switch (s.kind()) {
    case Kind::counter:
      if (s.value() >= 0) out += '+';
      append_number(out, s.value());
      break;
    case Kind::timing:
      append_number(out, s.value());
      out += "ms";
      break;
    case Kind::set:
      out.append(s.set_member());
      break;
    default:
      append_number(out, s.value());
  }
  if (!s.unit().empty() && s.kind() != Kind::timing) {
    out += ' ';
    out.append(s.unit());
  }
  if (!s.instance().empty()) {
    out += " instance=";
    out.append(s.instance());
  }
  append_text_tags(out, s.tags());
  if (s.sample_rate() < 1.0) {
    out += " rate=";
    append_number(out, s.sample_rate());
  }
}

void append_json(std::string& out, const metrics::sdk::Sample& s) {
  out += "{\"kind\":\"";
  out += metrics::sdk::name_of(s.kind());
  out += "\",\"name\":";
  append_json_string(out, s.name());
  if (s.kind() == Kind::set) {
    out += ",\"member\":";
    append_json_string(out, s.set_member());
  } else {
    out += ",\"value\":";
    append_number(out, s.value());
  }
  if (s.kind() == Kind::timing)
    out += ",\"unit\":\"millisecond\"";
  else if (!s.unit().empty()) {
    out += ",\"unit\":";
    append_json_string(out, s.unit());
  }
  if (!s.instance().empty()) {
    out += ",\"instance\":";
    append_json_string(out, s.instance());
  }
  out += ",\"sample_rate\":";
  append_number(out, s.sample_rate());
  append_json_tags(out, s.tags());
  out += '}';
}

void append_text(std::string& out, const metrics::sdk::Event& e) {
  out += "event [";
  out += metrics::sdk::name_of(e.alert_type());
  out += "] ";
  out.append(e.title());
  out += ": ";
  out.append(e.text());
  append_text_tags(out, e.tags());
}

void append_json(std::string& out, const metrics::sdk::Event& e) {
  out += "{\"kind\":\"event\",\"title\":";
  append_json_string(out, e.title());
  out += ",\"text\":";
  append_json_string(out, e.text());
  out += ",\"alert_type\":\"";
  out += metrics::sdk::name_of(e.alert_type());
  out += '"';
  append_json_tags(out, e.tags());
  out += '}';
}

}  // namespace metrics::logging
