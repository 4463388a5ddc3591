#include "expr.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "stream/common/error.hpp"

namespace stream::sweep::detail {
namespace {

const std::set<std::string>& function_names() {
  static const std::set<std::string> k{"sqrt", "log2",  "pow",  "min",
                                       "max",  "floor", "ceil", "round"};
  return k;
}

class Parser {
 public:
  Parser(const std::string& s, const Lookup* lookup, const std::string& file,
         const std::string& where)
      : s_(s), lookup_(lookup), file_(file), where_(where) {}

  Value parse_all() {
    Value v = expr();
    skip();
    if (pos_ != s_.size()) fail("unexpected '" + s_.substr(pos_) + "'");
    return v;
  }
  std::set<std::string> names;

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(file_, where_, "in ${" + s_ + "}: " + why);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  double num(const Value& v) const {
    if (v.kind == Value::Kind::kString) fail("the string '" + v.s + "' used in arithmetic");
    return v.number();
  }
  Value arith(double x) const {
    if (!std::isfinite(x)) fail("the result is not a finite number");
    return Value::of_float(x);
  }
  Value expr() {
    Value v = term();
    for (;;) {
      if (eat('+')) {
        const Value r = term();
        v = combine(v, r, '+');
      } else if (eat('-')) {
        const Value r = term();
        v = combine(v, r, '-');
      } else {
        return v;
      }
    }
  }
  Value term() {
    Value v = power();
    for (;;) {
      if (eat('*')) {
        const Value r = power();
        v = combine(v, r, '*');
      } else if (eat('/')) {
        const Value r = power();
        v = combine(v, r, '/');
      } else {
        return v;
      }
    }
  }
  Value power() {
    Value v = unary();
    if (eat('^')) {
      const Value r = power();
      v = combine(v, r, '^');
    }
    return v;
  }
  Value combine(const Value& a, const Value& b, char op) const {
    if (!lookup_) return Value::of_int(0);  // identifier scan only
    const double x = num(a);
    const double y = num(b);
    const bool ints = a.kind == Value::Kind::kInt && b.kind == Value::Kind::kInt;
    switch (op) {
      case '+':
        return ints ? Value::of_int(a.i + b.i) : arith(x + y);
      case '-':
        return ints ? Value::of_int(a.i - b.i) : arith(x - y);
      case '*':
        return ints ? Value::of_int(a.i * b.i) : arith(x * y);
      case '/':
        if (y == 0) fail("division by zero");
        if (ints && a.i % b.i == 0) return Value::of_int(a.i / b.i);
        return arith(x / y);
      default:
        return arith(std::pow(x, y));
    }
  }
  Value unary() {
    if (eat('-')) {
      const Value v = unary();
      if (!lookup_) return v;
      if (v.kind == Value::Kind::kInt) return Value::of_int(-v.i);
      return arith(-num(v));
    }
    if (eat('+')) return unary();
    return primary();
  }
  Value primary() {
    skip();
    if (pos_ >= s_.size()) fail("unexpected end of expression");
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      Value v = expr();
      if (!eat(')')) fail("missing ')'");
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* b = s_.c_str() + pos_;
      char* e = nullptr;
      const double d = std::strtod(b, &e);
      const std::string lit(b, static_cast<std::size_t>(e - b));
      pos_ += lit.size();
      if (lit.find_first_of(".eE") == std::string::npos && std::abs(d) < 9.0e15) {
        return Value::of_int(static_cast<std::int64_t>(d));
      }
      return Value::of_float(d);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t b = pos_;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
        ++pos_;
      }
      const std::string id = s_.substr(b, pos_ - b);
      if (eat('(')) {
        if (function_names().count(id) == 0) fail("unknown function '" + id + "'");
        std::vector<Value> args;
        if (!eat(')')) {
          do {
            args.push_back(expr());
          } while (eat(','));
          if (!eat(')')) fail("missing ')' after the arguments of " + id);
        }
        return call(id, args);
      }
      names.insert(id);
      if (!lookup_) return Value::of_int(0);
      auto v = (*lookup_)(id);
      if (!v) fail("unknown parameter '" + id + "'");
      return *v;
    }
    fail(std::string("unexpected '") + c + "'");
  }
  Value call(const std::string& f, const std::vector<Value>& a) {
    const std::size_t want = (f == "pow" || f == "min" || f == "max") ? 2 : 1;
    if (a.size() != want) {
      fail(f + "() takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s"));
    }
    if (!lookup_) return Value::of_int(0);
    const double x = num(a[0]);
    if (f == "sqrt") return arith(std::sqrt(x));
    if (f == "log2") return arith(std::log2(x));
    if (f == "floor") return Value::of_int(static_cast<std::int64_t>(std::floor(x)));
    if (f == "ceil") return Value::of_int(static_cast<std::int64_t>(std::ceil(x)));
    if (f == "round") return Value::of_int(static_cast<std::int64_t>(std::llround(x)));
    const double y = num(a[1]);
    const bool ints = a[0].kind == Value::Kind::kInt && a[1].kind == Value::Kind::kInt;
    if (f == "min") return x <= y ? a[0] : (ints ? a[1] : arith(y));
    if (f == "max") return x >= y ? a[0] : (ints ? a[1] : arith(y));
    return arith(std::pow(x, y));
  }

  const std::string& s_;
  const Lookup* lookup_;
  const std::string& file_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

template <typename F>
void for_each_field(const std::string& text, const std::string& file, const std::string& where,
                    F&& f) {
  std::size_t pos = 0;
  for (;;) {
    const auto b = text.find("${", pos);
    if (b == std::string::npos) return;
    const auto e = text.find('}', b + 2);
    if (e == std::string::npos) throw InputError(file, where, "unclosed '${' in '" + text + "'");
    f(b, e);
    pos = e + 1;
  }
}

}  // namespace

std::string format_number(double v) {
  if (v == std::floor(v) && std::abs(v) < 9.0e15) {
    return std::to_string(static_cast<std::int64_t>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Value eval_expr(const std::string& expr, const Lookup& lookup, const std::string& file,
                const std::string& where) {
  Parser p(expr, &lookup, file, where);
  return p.parse_all();
}

std::string substitute(const std::string& text, const Lookup& lookup, const std::string& file,
                       const std::string& where) {
  std::string out;
  std::size_t last = 0;
  for_each_field(text, file, where, [&](std::size_t b, std::size_t e) {
    out.append(text, last, b - last);
    const Value v = eval_expr(text.substr(b + 2, e - b - 2), lookup, file, where);
    out += v.kind == Value::Kind::kFloat ? format_number(v.f) : v.text();
    last = e + 1;
  });
  out.append(text, last, std::string::npos);
  return out;
}

std::set<std::string> expr_identifiers(const std::string& expr, const std::string& file,
                                       const std::string& where) {
  Parser p(expr, nullptr, file, where);
  p.parse_all();
  return p.names;
}

std::set<std::string> template_identifiers(const std::string& text, const std::string& file,
                                           const std::string& where) {
  std::set<std::string> out;
  for_each_field(text, file, where, [&](std::size_t b, std::size_t e) {
    auto ids = expr_identifiers(text.substr(b + 2, e - b - 2), file, where);
    out.insert(ids.begin(), ids.end());
  });
  return out;
}

}  // namespace stream::sweep::detail
