#pragma once
/// \file
/// Registry<T>: entries of type T by name, the one by-name table behind ops,
/// layers, initializers, activations, regularizers, constraints, losses and
/// metrics. Built-in entries register themselves where they are defined; a
/// user's entries go through the same add().
///
/// Thread safety: every member function locks, so entries may be added and
/// looked up from several threads at once. get() returns a copy, so a
/// lookup stays valid when the entry is later replaced.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xgrad/core/error.hpp"

namespace xgrad {

/// A thread-safe table of entries of type T by name, e.g. the functions or
/// factories a config string such as "glorot_uniform" resolves to.
template <class T> class Registry {
public:
    /// `what` names the kind of entry in errors: "unknown initializer 'x' (known: …)".
    /// `builtins` are the entries it starts with.
    explicit Registry(std::string what, std::vector<std::pair<std::string, T>> builtins = {}) : what_(std::move(what)) {
        for (auto& [name, value] : builtins) add(std::move(name), std::move(value));
    }
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    /// The kind of entry ("initializer").
    const std::string& what() const noexcept { return what_; }

    /// Adds `value` under `name`, replacing an entry of that name (ValueError
    /// for an empty name, or an empty function or pointer).
    void add(std::string name, T value) {
        check(name, value);
        std::lock_guard lock(mutex_);
        if (entries_.find(name) == entries_.end()) order_.push_back(name);
        entries_.insert_or_assign(std::move(name), std::move(value));
    }
    /// Adds `value` under `name` unless the name is taken; returns whether it was added.
    bool insert(std::string name, T value) {
        check(name, value);
        std::lock_guard lock(mutex_);
        if (entries_.find(name) != entries_.end()) return false;
        order_.push_back(name);
        entries_.emplace(std::move(name), std::move(value));
        return true;
    }
    /// The entry called `name`; ValueError naming the known entries otherwise.
    T get(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(name);
        if (it != entries_.end()) return it->second;
        std::string known;
        for (const auto& entry : entries_) known += (known.empty() ? "" : ", ") + entry.first;
        throw ValueError("unknown " + what_ + " '" + std::string(name) + "' (known: " + known + ")");
    }
    /// Whether an entry called `name` exists.
    bool contains(std::string_view name) const {
        std::lock_guard lock(mutex_);
        return entries_.find(name) != entries_.end();
    }
    /// The names, sorted.
    std::vector<std::string> names() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        out.reserve(entries_.size());
        for (const auto& entry : entries_) out.push_back(entry.first);
        return out;
    }
    /// Name and entry pairs in registration order (a snapshot).
    std::vector<std::pair<std::string, T>> entries() const {
        std::lock_guard lock(mutex_);
        std::vector<std::pair<std::string, T>> out;
        out.reserve(order_.size());
        for (const auto& name : order_) out.emplace_back(name, entries_.find(name)->second);
        return out;
    }

private:
    void check(const std::string& name, const T& value) const {
        if (name.empty()) throw ValueError(what_ + " registry: the name must not be empty");
        if constexpr (requires { value == nullptr; }) {
            if (value == nullptr) throw ValueError(what_ + " registry: '" + name + "' is empty");
        }
    }

    std::string what_;
    mutable std::mutex mutex_;
    std::map<std::string, T, std::less<>> entries_;
    std::vector<std::string> order_;
};

}  // namespace xgrad
