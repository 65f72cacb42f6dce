// A small streaming JSON writer: pretty-printed, keys in the order written, numbers shortest round-trip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgesplit::recorder {

/// Escapes a string for a JSON string literal (without the quotes).
std::string json_escape(const std::string& s);
/// A double as JSON: fmt's shortest round-trip form; null for NaN and infinities.
std::string json_number(double x);

/// Builds one JSON document in memory with 2-space indentation. Calls must nest properly;
/// inside an object every value is preceded by key().
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(double x);
  JsonWriter& value(int64_t x);
  JsonWriter& value(int x) { return value(static_cast<int64_t>(x)); }
  JsonWriter& value(bool x);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s) { return value(std::string(s)); }
  JsonWriter& null();
  /// The document, ending in a newline.
  std::string str() const { return out_ + "\n"; }

 private:
  void before_value();
  void open(char c);
  void close(char c);
  std::string out_;
  std::vector<bool> first_;  ///< per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace edgesplit::recorder
