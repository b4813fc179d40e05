#include <metrics/wire/aggregator.hpp>

#include <bit>
#include <unordered_map>

namespace metrics::wire {

Aggregator::Aggregator(size_t shards) {
  size_t n = std::bit_ceil(shards < 1 ? size_t{1} : shards);
  shards_ = std::make_unique<Shard[]>(n);
  mask_ = n - 1;
}

Aggregator::~Aggregator() = default;

void Aggregator::Shard::place(uint32_t index, uint64_t hash) noexcept {
  const size_t mask = slots.size() - 1;
  size_t i = hash & mask;
  while (slots[i] != 0) i = (i + 1) & mask;
  slots[i] = index + 1;
  slot_hash[i] = hash;
}

void Aggregator::Shard::rebuild_slots() {
  size_t n = 64;
  while (n < entries.size() * 2 + 2) n *= 2;  // keep the load at most one half
  slots.assign(n, 0);
  slot_hash.assign(n, 0);
  for (size_t i = 0; i < entries.size(); ++i) place(static_cast<uint32_t>(i), entries[i]->hash);
}

Aggregator::Entry& Aggregator::Shard::insert(MetricType type, uint64_t hash, ContextLines lines) {
  auto e = std::make_unique<Entry>();
  e->hash = hash;
  e->type = type;
  e->lines = std::move(lines);
  entries.push_back(std::move(e));
  if (entries.size() * 2 > slots.size())
    rebuild_slots();
  else
    place(static_cast<uint32_t>(entries.size() - 1), hash);
  return *entries.back();
}

void Aggregator::read_counts(std::array<uint64_t, 6>& out) const noexcept {
  for (size_t i = 0; i <= mask_; ++i)
    for (size_t t = 0; t < out.size(); ++t) out[t] += shards_[i].by_type[t].get();
}

size_t Aggregator::contexts() const noexcept {
  size_t n = 0;
  for (size_t i = 0; i <= mask_; ++i) {
    Shard& s = shards_[i];
    std::lock_guard<SpinLock> g(s.lock);
    n += s.entries.size();
  }
  return n;
}

void Aggregator::flush(const std::function<void(const AggregatedMetric&)>& out) {
  // Under each shard's lock: copy out what changed, reset it, forget long-idle contexts.
  // Only this thread frees entries, so the pointers taken stay valid until the next flush;
  // their lines never change after insert.
  taken_.clear();
  for (size_t i = 0; i <= mask_; ++i) {
    Shard& s = shards_[i];
    std::lock_guard<SpinLock> g(s.lock);
    bool forgot = false;
    for (auto& up : s.entries) {
      Entry& e = *up;
      if (!e.touched) {
        if (++e.idle > Defaults::context_idle_flushes) {
          up.reset();
          forgot = true;
        }
        continue;
      }
      taken_.push_back(Taken{&e, e.value, e.seq, std::move(e.members)});
      e.touched = false;
      e.idle = 0;
      if (e.type == MetricType::count) e.value = 0;
    }
    if (forgot) {
      std::erase_if(s.entries, [](const std::unique_ptr<Entry>& e) { return !e; });
      s.rebuild_slots();
    }
  }
  // Merge the shards' copies of one context: sum counts, the latest gauge, union of sets.
  std::unordered_map<uint64_t, size_t> merged;
  std::vector<size_t> order;
  for (size_t k = 0; k < taken_.size(); ++k) {
    Taken& t = taken_[k];
    auto [it, fresh] = merged.emplace(t.entry->hash, k);
    if (fresh) {
      order.push_back(k);
      continue;
    }
    Taken& m = taken_[it->second];
    switch (t.entry->type) {
      case MetricType::count:
        m.value += t.value;
        break;
      case MetricType::gauge:
        if (t.seq > m.seq) {
          m.value = t.value;
          m.seq = t.seq;
        }
        break;
      case MetricType::set:
        if (t.members) {
          if (!m.members) m.members = std::make_unique<std::unordered_set<std::string>>();
          m.members->merge(*t.members);
        }
        break;
      default:
        break;
    }
  }
  for (size_t k : order) {
    const Taken& t = taken_[k];
    out(AggregatedMetric{t.entry->type, &t.entry->lines, t.value, t.members.get()});
  }
  taken_.clear();
}

}  // namespace metrics::wire
