// Parsing what the test server received with Poco JSON, for field-by-field checks.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <vector>

namespace dd_test {

inline Poco::JSON::Object::Ptr parse_object(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

inline std::vector<std::string> string_array(const Poco::JSON::Array::Ptr& a) {
  std::vector<std::string> out;
  if (!a) return out;
  for (size_t i = 0; i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  return out;
}

/// The series[] elements of a series or distribution body.
inline std::vector<Poco::JSON::Object::Ptr> series_of(const std::string& body) {
  std::vector<Poco::JSON::Object::Ptr> out;
  auto arr = parse_object(body)->getArray("series");
  for (size_t i = 0; i < arr->size(); ++i) out.push_back(arr->getObject(i));
  return out;
}

}  // namespace dd_test
