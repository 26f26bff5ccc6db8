#pragma once
// Internal to report/: writes a JSON document exactly as nlohmann's dump(2, ' ', false, replace) prints it, without
// building all of it. The caller builds the small part of a level (a "head" object whose big members are null
// placeholders) and streams the big members item by item, so that a history report with a hundred thousand
// occurrences never exists as one document.

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace dsnguard::report::json_stream {

// `value` as dump(2) prints it `depth` levels deep.
void put(std::ostream& out, const nlohmann::json& value, int depth);

// An array of `count` items, `depth` levels deep; `item(i, depth + 1)` writes item i.
void put_array(std::ostream& out, std::size_t count, int depth,
               const std::function<void(std::size_t index, int depth)>& item);

// An object with the members of `head` (in its order: sorted, as dump prints them), `depth` levels deep; a member
// that `stream(key, depth + 1)` claims (returns true for) is written by it instead of from `head`.
void put_object(std::ostream& out, const nlohmann::json& head, int depth,
                const std::function<bool(const std::string& key, int depth)>& stream);

}  // namespace dsnguard::report::json_stream
