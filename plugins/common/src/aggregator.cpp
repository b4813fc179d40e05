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

Aggregator::Entry& Aggregator::Shard::insert(MetricType type, uint64_t hash, ContextLines lines) {
  if ((entries.size() + 1) * 2 > slots.size()) {  // keep the load at most one half
    size_t n = slots.empty() ? 64 : slots.size() * 2;
    slots.assign(n, 0);
    slot_hash.assign(n, 0);
    for (size_t i = 0; i < entries.size(); ++i) place(static_cast<uint32_t>(i), entries[i].hash);
  }
  Entry e;
  e.hash = hash;
  e.type = type;
  e.lines = std::move(lines);
  entries.push_back(std::move(e));
  place(static_cast<uint32_t>(entries.size() - 1), hash);
  return entries.back();
}

void Aggregator::read_counts(std::array<uint64_t, 6>& out) const noexcept {
  for (size_t i = 0; i <= mask_; ++i)
    for (size_t t = 0; t < out.size(); ++t) out[t] += shards_[i].by_type[t].get();
}

void Aggregator::flush(const std::function<void(const AggregatedMetric&)>& out) {
  std::vector<std::vector<Entry>> taken(mask_ + 1);
  for (size_t i = 0; i <= mask_; ++i) {
    Shard& s = shards_[i];
    std::lock_guard<SpinLock> g(s.lock);
    if (s.entries.empty()) continue;
    taken[i].swap(s.entries);
    s.entries.reserve(taken[i].size());
    std::fill(s.slots.begin(), s.slots.end(), 0u);
  }
  // Merge the shards' copies of one context: sum counts, the latest gauge, union of sets.
  std::unordered_map<uint64_t, Entry*> merged;
  std::vector<Entry*> order;
  for (auto& entries : taken) {
    for (Entry& e : entries) {
      auto [it, fresh] = merged.emplace(e.hash, &e);
      if (fresh) {
        order.push_back(&e);
        continue;
      }
      Entry& m = *it->second;
      switch (e.type) {
        case MetricType::count:
          m.value += e.value;
          break;
        case MetricType::gauge:
          if (e.seq > m.seq) {
            m.value = e.value;
            m.seq = e.seq;
          }
          break;
        case MetricType::set:
          if (e.members) {
            if (!m.members) m.members = std::make_unique<std::unordered_set<std::string>>();
            m.members->merge(*e.members);
          }
          break;
        default:
          break;
      }
    }
  }
  for (Entry* e : order) out(AggregatedMetric{e->type, &e->lines, e->value, e->members.get()});
}

}  // namespace metrics::wire
