#pragma once
// `${expr}` templates: arithmetic over parameters (+ - * / ^, parentheses, unary minus) and
// the functions sqrt, log2, pow, min, max, floor, ceil, round. A field that is exactly
// `${name}` of a string parameter is replaced by the string. Numbers are written back as
// integers when they are integral (|x| < 2^53), otherwise with 17 significant digits.
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "stream/sweep/sweep_spec.hpp"

namespace stream::sweep::detail {

/// Looks a name up: the parameter's value at this point, or nullopt when unknown.
using Lookup = std::function<std::optional<Value>(const std::string&)>;

/// Evaluates one expression (the text between `${` and `}`). Throws InputError(file, where,
/// reason) for a syntax error, an unknown name, a string in arithmetic or a non-finite result.
Value eval_expr(const std::string& expr, const Lookup& lookup, const std::string& file,
                const std::string& where);

/// Replaces every `${expr}` in `text`.
std::string substitute(const std::string& text, const Lookup& lookup, const std::string& file,
                       const std::string& where);

/// The identifiers an expression refers to (function names excluded).
std::set<std::string> expr_identifiers(const std::string& expr, const std::string& file,
                                       const std::string& where);
/// The identifiers every `${...}` of a template refers to.
std::set<std::string> template_identifiers(const std::string& text, const std::string& file,
                                           const std::string& where);

std::string format_number(double v);

}  // namespace stream::sweep::detail
