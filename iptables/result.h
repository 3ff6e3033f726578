#pragma once

#include <string>
#include <utility>
#include <variant>

namespace remora::iptables {

// A value or a human-readable error. iptables/ deliberately depends on nothing else in the
// repository (it runs in an init container), so it carries its own minimal, std::expected-shaped
// type instead of common/'s Result<T>.
template <typename T> class Result {
public:
  Result(T value) : state_(std::move(value)) {}
  static Result failure(std::string message) { return Result(Error{std::move(message)}); }

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }
  // Only meaningful when !ok().
  const std::string& error() const { return std::get<Error>(state_).message; }

private:
  struct Error {
    std::string message;
  };
  explicit Result(Error error) : state_(std::move(error)) {}
  std::variant<T, Error> state_;
};

// Result without a value.
struct Ok {};
using Status = Result<Ok>;
inline Status okStatus() {
  return Status(Ok{});
}

} // namespace remora::iptables
