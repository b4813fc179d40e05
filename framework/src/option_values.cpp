#include "option_values.hpp"

#include "text.hpp"

#include <metrics/tags.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace metrics::detail {

namespace {

std::string type_name(uint32_t type) {
  switch (type) {
    case METRICS_OPTION_STRING:
      return "a string";
    case METRICS_OPTION_INT:
      return "an integer";
    case METRICS_OPTION_FLOAT:
      return "a number";
    case METRICS_OPTION_BOOL:
      return "true or false";
    case METRICS_OPTION_STRING_LIST:
      return "an array of strings";
    case METRICS_OPTION_TAGS:
      return "a table of tags or an array of \"key:value\" strings";
    default:
      return "a value";
  }
}

std::string number_text(double v) {
  return TagValue(v).to_string();
}

}  // namespace

metrics_str_t OptionValues::keep(std::string s) {
  strings_.push_back(std::move(s));
  return {strings_.back().data(), strings_.back().size()};
}

std::unique_ptr<OptionValues> OptionValues::build(const ClassInfo& cls, const std::string& backend,
                                                  const OptionTable* table,
                                                  const std::string& file) {
  std::unique_ptr<OptionValues> out(new OptionValues);
  const std::string table_path = table != nullptr ? table->key_path : "metrics.options";
  SourcePosition table_pos = table != nullptr ? table->position : SourcePosition{file, 0, 0};

  std::vector<std::string> names;
  for (const auto& spec : cls.options) names.emplace_back(spec.name);

  if (table != nullptr) {
    for (const auto& [k, v] : *table->table) {
      (void)v;
      std::string key(k.str());
      if (std::find(names.begin(), names.end(), key) != names.end()) continue;
      std::string why = names.empty()
                            ? "unknown option: " + backend + " takes no options"
                            : "unknown option of " + backend + ";" + did_you_mean(key, names) +
                                  " (valid options: " + join(names) + ")";
      throw ConfigError(position_of(k, file), table_path + "." + key, why);
    }
  }

  for (const auto& spec : cls.options) {
    const bool secret = (spec.flags & METRICS_OPTION_SECRET) != 0;
    const std::string key = table_path + "." + spec.name;
    metrics_option_value_t v{};
    v.struct_size = sizeof(metrics_option_value_t);
    v.type = spec.type;
    v.name = out->keep(spec.name);

    // The value comes from the config, else from the schema's default text.
    toml::table default_holder;
    const toml::node* node = table != nullptr ? table->table->get(spec.name) : nullptr;
    SourcePosition pos = node != nullptr ? position_of(*node, file) : table_pos;
    v.from_config = node != nullptr ? 1 : 0;
    if (node == nullptr && spec.default_value != nullptr) {
      if (spec.type == METRICS_OPTION_STRING) {
        default_holder.insert("v", std::string(spec.default_value));
      } else {
        try {
          default_holder = toml::parse(std::string("v = ") + spec.default_value);
        } catch (const toml::parse_error& e) {
          throw LoadError(backend + ": the default of option '" + spec.name + "' (" +
                          spec.default_value +
                          ") is not valid TOML: " + std::string(e.description()));
        }
      }
      node = default_holder.get("v");
    }
    if (node == nullptr) {
      if (spec.flags & METRICS_OPTION_REQUIRED) {
        std::string desc =
            spec.description != nullptr ? std::string(" (") + spec.description + ")" : "";
        throw ConfigError(
            table_pos, table_path,
            "missing required option '" + std::string(spec.name) + "' of " + backend + desc);
      }
      out->values_.push_back(v);
      out->secret_.push_back(secret);
      continue;
    }

    auto wrong_type = [&]() {
      throw ConfigError(pos, key,
                        "expected " + type_name(spec.type) + ", saw " + describe_type(*node));
    };
    auto check_range = [&](double x) {
      if ((spec.flags & METRICS_OPTION_HAS_RANGE) && (x < spec.min_value || x > spec.max_value)) {
        std::string shown = secret ? "the value" : number_text(x);
        throw ConfigError(pos, key,
                          shown + " is out of range: expected " + number_text(spec.min_value) +
                              " to " + number_text(spec.max_value));
      }
    };
    v.is_set = 1;
    switch (spec.type) {
      case METRICS_OPTION_STRING: {
        if (!node->is_string()) wrong_type();
        std::string s = node->as_string()->get();
        if (secret && s.rfind("env:", 0) == 0) {
          std::string var = s.substr(4);
          const char* value = std::getenv(var.c_str());
          if (value == nullptr || *value == '\0')
            throw ConfigError(pos, key,
                              "the environment variable " + var + " named here is not set");
          s = value;
        }
        if (spec.choices != nullptr) {
          std::vector<std::string> choices;
          bool ok = false;
          for (const char* const* c = spec.choices; *c != nullptr; ++c) {
            choices.emplace_back(*c);
            ok = ok || s == *c;
          }
          if (!ok)
            throw ConfigError(pos, key,
                              "expected one of " + join(choices) +
                                  (secret ? std::string() : ", saw '" + s + "'") + ";" +
                                  did_you_mean(s, choices));
        }
        v.string_value = out->keep(std::move(s));
        break;
      }
      case METRICS_OPTION_INT:
        if (!node->is_integer()) wrong_type();
        v.int_value = node->as_integer()->get();
        v.float_value = static_cast<double>(v.int_value);
        check_range(static_cast<double>(v.int_value));
        break;
      case METRICS_OPTION_FLOAT:
        if (node->is_integer())
          v.float_value = static_cast<double>(node->as_integer()->get());
        else if (node->is_floating_point())
          v.float_value = node->as_floating_point()->get();
        else
          wrong_type();
        v.int_value = static_cast<int64_t>(v.float_value);
        check_range(v.float_value);
        break;
      case METRICS_OPTION_BOOL:
        if (!node->is_boolean()) wrong_type();
        v.bool_value = node->as_boolean()->get() ? 1 : 0;
        break;
      case METRICS_OPTION_STRING_LIST: {
        if (!node->is_array()) wrong_type();
        std::vector<metrics_str_t> items;
        for (const auto& item : *node->as_array()) {
          if (!item.is_string())
            throw ConfigError(
                position_of(item, file), key,
                "expected an array of strings, but an item is " + describe_type(item));
          items.push_back(out->keep(item.as_string()->get()));
        }
        out->lists_.push_back(std::move(items));
        v.list_items = out->lists_.back().data();
        v.list_size = out->lists_.back().size();
        break;
      }
      case METRICS_OPTION_TAGS: {
        std::vector<metrics_str_t> items;
        if (node->is_table()) {
          for (const auto& [k, item] : *node->as_table()) {
            std::string text;
            if (item.is_string())
              text = item.as_string()->get();
            else if (item.is_integer())
              text = std::to_string(item.as_integer()->get());
            else if (item.is_floating_point())
              text = number_text(item.as_floating_point()->get());
            else if (item.is_boolean())
              text = item.as_boolean()->get() ? "true" : "false";
            else
              throw ConfigError(
                  position_of(item, file), key + "." + std::string(k.str()),
                  "expected a string, number or boolean tag value, saw " + describe_type(item));
            items.push_back(out->keep(std::string(k.str())));
            items.push_back(out->keep(std::move(text)));
          }
        } else if (node->is_array()) {
          for (const auto& item : *node->as_array()) {
            if (!item.is_string())
              throw ConfigError(
                  position_of(item, file), key,
                  "expected \"key:value\" strings, but an item is " + describe_type(item));
            const std::string& s = item.as_string()->get();
            size_t colon = s.find(':');
            items.push_back(out->keep(s.substr(0, colon)));
            items.push_back(
                out->keep(colon == std::string::npos ? std::string() : s.substr(colon + 1)));
          }
        } else {
          wrong_type();
        }
        out->lists_.push_back(std::move(items));
        v.list_items = out->lists_.back().data();
        v.list_size = out->lists_.back().size();
        break;
      }
      default:
        wrong_type();
    }
    out->values_.push_back(v);
    out->secret_.push_back(secret);
  }
  for (const auto& v : out->values_) out->pointers_.push_back(&v);
  return out;
}

std::vector<std::string> OptionValues::describe() const {
  std::vector<std::string> lines;
  for (size_t i = 0; i < values_.size(); ++i) {
    const auto& v = values_[i];
    std::string line(v.name.data, v.name.size);
    line += " = ";
    if (!v.is_set) {
      line += "(not set)";
    } else if (secret_[i]) {
      line += "<secret>";
    } else {
      switch (v.type) {
        case METRICS_OPTION_STRING:
          line += "\"" + std::string(v.string_value.data, v.string_value.size) + "\"";
          break;
        case METRICS_OPTION_INT:
          line += std::to_string(v.int_value);
          break;
        case METRICS_OPTION_FLOAT:
          line += number_text(v.float_value);
          break;
        case METRICS_OPTION_BOOL:
          line += v.bool_value ? "true" : "false";
          break;
        case METRICS_OPTION_STRING_LIST:
        case METRICS_OPTION_TAGS: {
          line += "[";
          size_t step = v.type == METRICS_OPTION_TAGS ? 2 : 1;
          for (size_t j = 0; j < v.list_size; j += step) {
            if (j != 0) line += ", ";
            line += "\"" + std::string(v.list_items[j].data, v.list_items[j].size);
            if (step == 2)
              line += ":" + std::string(v.list_items[j + 1].data, v.list_items[j + 1].size);
            line += "\"";
          }
          line += "]";
          break;
        }
      }
    }
    if (!v.from_config && v.is_set) line += "  (default)";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace metrics::detail
