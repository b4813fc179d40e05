#include "aggregator.hpp"

#include <thread>

#include "hash.hpp"

namespace metrics::datadog {

using metrics::sdk::Kind;
using metrics::sdk::Sample;
using metrics::sdk::Tags;

namespace {

struct Slot {
  uint64_t hash = 0;
  uint32_t index_plus1 = 0;  // 0: empty
};

uint64_t series_hash(const Sample& s) noexcept {
  uint64_t h = hash_bytes(s.name(), 0x51ed27a1u + static_cast<uint64_t>(s.kind()));
  if (!s.instance().empty()) h = hash_bytes(s.instance(), h);
  // A sum, so that the order of tags does not matter; each term is already multiplied
  // through, and the final mix spreads the total.
  uint64_t tag_sum = 0;
  for (auto t : s.tags()) tag_sum += hash_bytes(t.value, hash_bytes(t.key, 0x7a65u));
  return hash_mix(h + tag_sum);
}

bool same_tags(const std::vector<std::pair<std::string, std::string>>& mine, Tags theirs) {
  if (mine.size() != theirs.size()) return false;
  for (size_t i = 0; i < mine.size(); ++i) {
    auto t = theirs[i];
    if (same_bytes(mine[i].first, t.key) && same_bytes(mine[i].second, t.value))
      continue;  // same order: the fast path
    bool found = false;
    for (const auto& m : mine)
      if (same_bytes(m.first, t.key) && same_bytes(m.second, t.value)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

bool matches(const Context& c, uint64_t hash, const Sample& s) {
  return c.hash == hash && c.kind == s.kind() && c.name == s.name() && c.instance == s.instance() &&
         same_tags(c.tags, s.tags());
}

}  // namespace

struct Aggregator::Shard {
  alignas(64) std::atomic<bool> busy{false};
  std::vector<Context> entries;
  std::vector<Slot> table;  // open addressing, power-of-two size, at most half full

  void lock() noexcept {
    int spins = 0;
    while (busy.exchange(true, std::memory_order_acquire)) {
      while (busy.load(std::memory_order_relaxed))
        if (++spins > 100) std::this_thread::yield();
    }
  }
  void unlock() noexcept { busy.store(false, std::memory_order_release); }

  Context* find(uint64_t hash, const Sample& s) {
    if (table.empty()) return nullptr;
    size_t mask = table.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& slot = table[i];
      if (slot.index_plus1 == 0) return nullptr;
      if (slot.hash == hash) {
        Context& c = entries[slot.index_plus1 - 1];
        if (matches(c, hash, s)) return &c;
      }
    }
  }

  void place(uint64_t hash, uint32_t index_plus1) {
    size_t mask = table.size() - 1;
    size_t i = hash & mask;
    while (table[i].index_plus1 != 0) i = (i + 1) & mask;
    table[i] = Slot{hash, index_plus1};
  }

  Context& insert(uint64_t hash, const Sample& s) {
    if ((entries.size() + 1) * 2 > table.size()) {
      std::vector<Slot> old(table.size() < 16 ? 32 : table.size() * 2);
      old.swap(table);
      for (const Slot& slot : old)
        if (slot.index_plus1 != 0) place(slot.hash, slot.index_plus1);
    }
    Context& c = entries.emplace_back();
    c.kind = s.kind();
    c.hash = hash;
    c.name = s.name();
    c.instance = s.instance();
    c.unit = s.unit();
    c.tags.reserve(s.tags().size());
    for (auto t : s.tags()) c.tags.emplace_back(t.key, t.value);
    place(hash, static_cast<uint32_t>(entries.size()));
    return c;
  }
};

Aggregator::Aggregator(int64_t max_points, std::function<void()> on_full)
    : shards_(new Shard[kShards]), max_points_(max_points), on_full_(std::move(on_full)) {}

Aggregator::~Aggregator() = default;

bool Aggregator::add(const Sample& s) {
  const uint64_t hash = series_hash(s);
  Shard& shard = shards_[hash >> 60];
  int64_t added = 0;
  bool dropped = false;
  shard.lock();
  try {
    Context* c = shard.find(hash, s);
    if (c == nullptr) {
      if (points_.load(std::memory_order_relaxed) >= max_points_) {
        dropped = true;
      } else {
        c = &shard.insert(hash, s);
        if (s.kind() == Kind::counter || s.kind() == Kind::gauge) added = 1;
      }
    }
    if (c != nullptr) {
      switch (s.kind()) {
        case Kind::counter: {
          double rate = s.sample_rate();
          c->value += (rate > 0 && rate < 1) ? s.value() / rate : s.value();
          break;
        }
        case Kind::gauge:
          c->value = s.value();
          break;
        case Kind::timing:
        case Kind::distribution:
          if (points_.load(std::memory_order_relaxed) >= max_points_) {
            dropped = true;
          } else {
            c->values.push_back(s.value());
            added = 1;
          }
          break;
        case Kind::set:
          if (c->members.find(std::string(s.set_member())) == c->members.end()) {
            if (points_.load(std::memory_order_relaxed) >= max_points_) {
              dropped = true;
            } else {
              c->members.emplace(s.set_member());
              added = 1;
            }
          }
          break;
      }
    }
  } catch (...) {
    shard.unlock();
    throw;
  }
  shard.unlock();
  if (added != 0) points_.fetch_add(added, std::memory_order_relaxed);
  if (dropped || points_.load(std::memory_order_relaxed) >= max_points_) {
    if (on_full_ && !full_signalled_.exchange(true, std::memory_order_relaxed)) on_full_();
  }
  return !dropped;
}

std::vector<Context> Aggregator::take() {
  std::vector<Context> out;
  for (size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    std::vector<Context> entries;
    shard.lock();
    entries.swap(shard.entries);
    if (!shard.table.empty()) std::fill(shard.table.begin(), shard.table.end(), Slot{});
    shard.unlock();
    int64_t taken = 0;
    for (const Context& c : entries) {
      if (c.kind == Kind::counter || c.kind == Kind::gauge) ++taken;
      taken += static_cast<int64_t>(c.values.size() + c.members.size());
    }
    points_.fetch_sub(taken, std::memory_order_relaxed);
    if (out.empty())
      out = std::move(entries);
    else
      std::move(entries.begin(), entries.end(), std::back_inserter(out));
  }
  full_signalled_.store(false, std::memory_order_relaxed);
  return out;
}

}  // namespace metrics::datadog
