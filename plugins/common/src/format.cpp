#include <metrics/wire/format.hpp>

#include <charconv>
#include <utility>

namespace metrics::wire {

namespace {

// What breaks a line, per place in it. Newlines split datagrams into lines everywhere.
constexpr CharMap kStatsdName(":|@#\n\r");
constexpr CharMap kGraphite(":|@#\n\r;=");
constexpr CharMap kInflux(":|@#\n\r,=");
constexpr CharMap kDogName(":|@#\n\r");
constexpr CharMap kDogTagKey(":|@#,\n\r");
constexpr CharMap kDogTagValue("|,\n\r");

void put_rate(Writer& w, double rate) noexcept {
  if (rate < 1.0 && rate > 0.0) {
    w.put("|@");
    w.put_number(rate);
  }
}

}  // namespace

void Writer::put_int(int64_t v) noexcept {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  put(std::string_view(tmp, static_cast<size_t>(r.ptr - tmp)));
}

void Writer::put_number(double v) noexcept {
  // Integral values in the exact range of int64 take the integer path: cheaper and the
  // form every statsd parser reads.
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v > -9.0e15 && v < 9.0e15) {
    put_int(static_cast<int64_t>(v));
    return;
  }
  char tmp[32];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  put(std::string_view(tmp, static_cast<size_t>(r.ptr - tmp)));
}

bool parse_tag_format(std::string_view text, TagFormat& out) noexcept {
  if (text == "none")
    out = TagFormat::none;
  else if (text == "graphite")
    out = TagFormat::graphite;
  else if (text == "influx")
    out = TagFormat::influx;
  else if (text == "dogstatsd")
    out = TagFormat::dogstatsd;
  else
    return false;
  return true;
}

std::string_view type_code(MetricType t) noexcept {
  switch (t) {
    case MetricType::count:
      return "c";
    case MetricType::gauge:
      return "g";
    case MetricType::timing:
      return "ms";
    case MetricType::histogram:
      return "h";
    case MetricType::set:
      return "s";
    case MetricType::distribution:
      return "d";
  }
  return "c";
}

std::string_view type_name(MetricType t) noexcept {
  switch (t) {
    case MetricType::count:
      return "count";
    case MetricType::gauge:
      return "gauge";
    case MetricType::timing:
      return "timing";
    case MetricType::histogram:
      return "histogram";
    case MetricType::set:
      return "set";
    case MetricType::distribution:
      return "distribution";
  }
  return "count";
}

// ---- plain statsd ----------------------------------------------------------------------

namespace {

void put_statsd_key(Writer& w, const StatsdLine& l) noexcept {
  const char* map = l.tag_format == TagFormat::graphite ? kGraphite.data()
                    : l.tag_format == TagFormat::influx ? kInflux.data()
                                                        : kStatsdName.data();
  w.put_mapped(l.name, map);
  if (!l.instance.empty()) {
    w.put('.');
    w.put_mapped(l.instance, map);
  }
  if (l.tag_format == TagFormat::graphite || l.tag_format == TagFormat::influx) {
    const char sep = l.tag_format == TagFormat::graphite ? ';' : ',';
    for (size_t i = 0; i < l.tag_count; ++i) {
      const auto& t = l.tags[i];
      // Both dialects need key=value; a tag without a value has nothing to say there.
      if (t.key.size == 0 || t.value.size == 0) continue;
      w.put(sep);
      w.put_mapped({t.key.data, t.key.size}, map);
      w.put('=');
      w.put_mapped({t.value.data, t.value.size}, map);
    }
  }
}

void put_statsd_dog_tags(Writer& w, const StatsdLine& l) noexcept {
  if (l.tag_format != TagFormat::dogstatsd || l.tag_count == 0) return;
  append_dogstatsd_tags(w, l.tags, l.tag_count, {}, nullptr);
}

}  // namespace

void append_statsd(Writer& w, const StatsdLine& l) noexcept {
  // Plain statsd knows c, g, ms and s: timings and distributions go as ms (the daemon
  // counts an unknown type as a counter).
  MetricType t = l.type;
  if (t == MetricType::histogram || t == MetricType::distribution) t = MetricType::timing;

  if (t == MetricType::gauge && l.value < 0) {
    // A leading sign is a change to the daemon: set 0 first, then apply the negative delta.
    put_statsd_key(w, l);
    w.put(":0|g");
    put_statsd_dog_tags(w, l);
    w.put('\n');
  }
  put_statsd_key(w, l);
  w.put(':');
  if (t == MetricType::set)
    w.put_mapped(l.set_member, kStatsdName.data());
  else
    w.put_number(l.value);
  w.put('|');
  w.put(type_code(t));
  if (t == MetricType::count || t == MetricType::timing) put_rate(w, l.sample_rate);
  put_statsd_dog_tags(w, l);
}

// ---- DogStatsD ---------------------------------------------------------------------------

void append_dogstatsd_name(Writer& w, std::string_view name) noexcept {
  w.put_mapped(name, kDogName.data());
}

void append_dogstatsd_tags(Writer& w, const metrics_tag_t* tags, size_t tag_count,
                           std::string_view instance, const ConstantTags* constant) noexcept {
  bool first = true;
  auto sep = [&] {
    w.put(first ? std::string_view("|#") : std::string_view(","));
    first = false;
  };
  const bool has_constant = constant != nullptr && !constant->keys.empty();
  bool instance_taken = instance.empty();
  for (size_t i = 0; i < tag_count; ++i) {
    std::string_view key(tags[i].key.data, tags[i].key.size);
    std::string_view value(tags[i].value.data, tags[i].value.size);
    if (has_constant) {  // a constant tag wins over a call tag of the same key
      bool shadowed = false;
      for (const auto& k : constant->keys)
        if (k == key) shadowed = true;
      if (shadowed) continue;
    }
    if (!instance_taken && key == "instance") instance_taken = true;
    sep();
    w.put_mapped(key, kDogTagKey.data());
    if (!value.empty()) {
      w.put(':');
      w.put_mapped(value, kDogTagValue.data());
    }
  }
  if (!instance_taken) {
    bool shadowed = false;
    if (has_constant)
      for (const auto& k : constant->keys)
        if (k == "instance") shadowed = true;
    if (!shadowed) {
      sep();
      w.put("instance:");
      w.put_mapped(instance, kDogTagValue.data());
    }
  }
  if (constant != nullptr && !constant->encoded.empty()) {
    sep();
    w.put(constant->encoded);
  }
}

void append_dogstatsd(Writer& w, const DogStatsdLine& l) noexcept {
  append_dogstatsd_name(w, l.name);
  w.put(':');
  if (l.type == MetricType::set)
    w.put_mapped(l.set_member, kDogTagValue.data());
  else
    w.put_number(l.value);
  w.put('|');
  w.put(type_code(l.type));
  put_rate(w, l.sample_rate);
  append_dogstatsd_tags(w, l.tags, l.tag_count, l.instance, l.constant_tags);
}

void append_context_line(Writer& w, std::string_view head, std::string_view tail, MetricType type,
                         double value, std::string_view member) noexcept {
  w.put(head);
  w.put(':');
  if (type == MetricType::set)
    w.put_mapped(member, kDogTagValue.data());
  else
    w.put_number(value);
  w.put('|');
  w.put(type_code(type));
  w.put(tail);
}

namespace {

size_t escaped_size(std::string_view s) noexcept {
  size_t n = s.size();
  for (char c : s)
    if (c == '\n') ++n;
  return n;
}

// Title and text are read by length, so any byte may stand in them; only a newline is
// written as the two characters "\n", as datadog-go does.
void put_escaped(Writer& w, std::string_view s) noexcept {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      w.put(s.substr(start, i - start));
      w.put("\\n");
      start = i + 1;
    }
  }
  w.put(s.substr(start));
}

void put_field(Writer& w, std::string_view prefix, std::string_view value) noexcept {
  if (value.empty()) return;
  w.put(prefix);
  w.put_mapped(value, kDogTagValue.data());
}

}  // namespace

void append_dogstatsd_event(Writer& w, const DogStatsdEvent& e) noexcept {
  w.put("_e{");
  w.put_int(static_cast<int64_t>(escaped_size(e.title)));
  w.put(',');
  w.put_int(static_cast<int64_t>(escaped_size(e.text)));
  w.put("}:");
  put_escaped(w, e.title);
  w.put('|');
  put_escaped(w, e.text);
  if (e.timestamp_unix_s != 0) {
    w.put("|d:");
    w.put_int(e.timestamp_unix_s);
  }
  put_field(w, "|h:", e.hostname);
  put_field(w, "|k:", e.aggregation_key);
  if (e.low_priority) w.put("|p:low");
  put_field(w, "|s:", e.source_type_name);
  if (!e.alert_type.empty() && e.alert_type != "info") put_field(w, "|t:", e.alert_type);
  append_dogstatsd_tags(w, e.tags, e.tag_count, {}, e.constant_tags);
}

std::string encode_constant_tags(std::span<const std::pair<std::string, std::string>> tags) {
  std::string out;
  for (const auto& tag : tags) {
    const std::string& k = tag.first;   // not a structured binding: older clang cannot
    const std::string& v = tag.second;  // capture those in a lambda
    if (!out.empty()) out += ',';
    out += encode(
        [&](Writer& w) {
          w.put_mapped(k, kDogTagKey.data());
          if (!v.empty()) {
            w.put(':');
            w.put_mapped(v, kDogTagValue.data());
          }
        },
        k.size() + v.size() + 1);
  }
  return out;
}

}  // namespace metrics::wire
