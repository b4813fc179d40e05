// How the logging backend writes one operation: a readable line, or one JSON object.
#pragma once

#include <metrics/sdk.hpp>

#include <string>

namespace metrics::logging {

/// "incr app.requests +1 instance=web tags={endpoint=/api, status=200} rate=0.5"
void append_text(std::string& out, const metrics::sdk::Sample& s);
/// {"kind":"counter","name":"app.requests","value":1,"instance":"web","tags":{...}}
void append_json(std::string& out, const metrics::sdk::Sample& s);

void append_text(std::string& out, const metrics::sdk::Event& e);
void append_json(std::string& out, const metrics::sdk::Event& e);

}  // namespace metrics::logging
