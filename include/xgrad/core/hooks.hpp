#pragma once
/// \file
/// Hook lists and the handles that remove hooks: the shared machinery behind
/// Tensor::register_hook and Module's forward and backward hooks.
///
/// A handle does not own its hook: dropping it leaves the hook in place (as
/// in PyTorch); remove() takes it out, and does nothing when the hook, or the
/// tensor or module holding it, is already gone. Hooks run in registration
/// order. Like the graph and the module they belong to, hook lists are not
/// safe to change from one thread while another runs them.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace xgrad {

namespace detail {

/// What a HookHandle needs of a list: removal by id.
class HookListBase {
public:
    virtual ~HookListBase() = default;
    virtual void remove(std::uint64_t id) noexcept = 0;
};

/// Hooks of one kind (Fn is a std::function type) with the ids their handles hold.
template <class Fn> class HookList final : public HookListBase {
public:
    std::uint64_t add(Fn fn) {
        hooks_.emplace_back(next_id_, std::move(fn));
        return next_id_++;
    }
    void remove(std::uint64_t id) noexcept override {
        std::erase_if(hooks_, [id](const auto& entry) { return entry.first == id; });
    }
    bool empty() const noexcept { return hooks_.empty(); }
    /// A copy of the hooks, so that a hook may remove itself (or add others)
    /// while the list runs.
    std::vector<Fn> snapshot() const {
        std::vector<Fn> fns;
        fns.reserve(hooks_.size());
        for (const auto& entry : hooks_) fns.push_back(entry.second);
        return fns;
    }

private:
    std::vector<std::pair<std::uint64_t, Fn>> hooks_;
    std::uint64_t next_id_ = 0;
};

}  // namespace detail

/// Removes the hook it was returned for. Copyable; removing twice is harmless.
class HookHandle {
public:
    HookHandle() = default;
    /// Refers to hook `id` of `list`; register_hook() and the Module hook functions make these.
    HookHandle(std::weak_ptr<detail::HookListBase> list, std::uint64_t id) noexcept
        : list_(std::move(list)), id_(id) {}
    /// Takes the hook out of its list, if both still exist, and detaches the handle.
    void remove() noexcept {
        if (auto list = list_.lock()) list->remove(id_);
        list_.reset();
    }

private:
    std::weak_ptr<detail::HookListBase> list_;
    std::uint64_t id_ = 0;
};

namespace detail {
/// Adds `hook` to `list`, creating the list on first use, and returns its handle.
template <class Fn> HookHandle add_hook(std::shared_ptr<HookList<Fn>>& list, Fn hook) {
    if (!list) list = std::make_shared<HookList<Fn>>();
    const std::uint64_t id = list->add(std::move(hook));
    return HookHandle(list, id);
}
}  // namespace detail

}  // namespace xgrad
