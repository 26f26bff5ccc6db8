// Tree format: "<octal mode> <name>\0<20-byte id>" per entry; delta format: git/git
// Documentation/gitformat-pack.txt (base size, result size, copy and insert instructions).
#include "sources/tree_store.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

#include "sources/pack_format.hpp"
#include "sources/pack_reader.hpp"

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_bad = SIZE_MAX;
// Bytes of entry arena a shard allocates at a time: mapped, not from the heap, and pages never touched cost nothing.
constexpr std::size_t k_arena_block = std::size_t{1} << 20;

// Length of the tree entry starting at `p`: 0 when [p, end) ends before the entry does, k_bad when malformed.
std::size_t entry_length(const char* p, const char* end)
{
  const char* q = p;
  while (q < end && *q >= '0' && *q <= '7') {
    ++q;
  }
  if (q == end) {
    return 0;
  }
  if (q == p || *q != ' ') {
    return k_bad;
  }
  const char* name = q + 1;
  const char* nul = static_cast<const char*>(std::memchr(name, '\0', static_cast<std::size_t>(end - name)));
  if (nul == nullptr) {
    return 0;
  }
  if (nul == name) {
    return k_bad;
  }
  if (end - nul < 21) {
    return 0;
  }
  return static_cast<std::size_t>(nul + 21 - p);
}

TreeStore::Kind kind_of(const char* raw)
{
  unsigned mode = 0;
  for (const char* q = raw; *q != ' '; ++q) {
    mode = mode * 8 + static_cast<unsigned>(*q - '0');
  }
  switch (mode & 0170000u) {
  case 0040000u: return TreeStore::Kind::tree;
  case 0160000u: return TreeStore::Kind::other;
  default: return TreeStore::Kind::blob;
  }
}

// One tree of the delta chain a thread is resolving.
struct Level {
  bool ok = false;
  std::uint32_t slot = 0;
  std::vector<std::uint32_t> ids;   // entry ids (TreeStore::k_none until interned)
  std::vector<std::uint32_t> offs;  // byte offset of each entry, then the tree's size
};

// The size of an open-addressing table that holds `n` items at load <= 1/2 without growing (at least 1024).
std::size_t table_size_for(std::uint64_t n)
{
  return std::bit_ceil(std::max<std::size_t>(1024, 2 * (static_cast<std::size_t>(n) + 1)));
}

// Looks `id` up in `table`, an open-addressing set of (index + 1) over the ids id_of(index) of `count` objects
// (hashed by the id's first bytes, which are uniform), at load <= 1/2. When absent, adds it as index `count`
// (the caller then appends its id) and returns {count, true}.
template <typename IdOf>
std::pair<std::uint32_t, bool> find_or_add(std::vector<std::uint32_t>& table, std::uint32_t count, const git_oid& id,
                                           IdOf id_of)
{
  const auto hash_of = [](const git_oid& oid) {
    std::uint64_t h = 0;
    std::memcpy(&h, oid.id, sizeof h);
    return static_cast<std::size_t>(h);
  };
  if ((std::size_t{count} + 1) * 2 > table.size()) {
    std::vector<std::uint32_t> old = std::move(table);
    table.assign(old.empty() ? 4096 : old.size() * 2, 0);
    const std::size_t mask = table.size() - 1;
    for (const std::uint32_t v : old) {
      if (v != 0) {
        std::size_t i = hash_of(id_of(v - 1)) & mask;
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }
  const std::size_t mask = table.size() - 1;
  std::size_t i = hash_of(id) & mask;
  for (; table[i] != 0; i = (i + 1) & mask) {
    if (git_oid_equal(&id_of(table[i] - 1), &id) != 0) {
      return {table[i] - 1, false};
    }
  }
  table[i] = count + 1;
  return {count, true};
}

}  // namespace

// Builds one tree's entry list from its content, or from its delta against the base tree's entry list.
struct TreeStore::Builder {
  // An entry not inherited from the base: its bytes (in the callback's data, the store's arena or `assembled`).
  struct Fresh {
    std::uint32_t pos = 0;
    const char* raw = nullptr;  // null: in `assembled` at `offset`
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint64_t hash = 0;
  };

  const TreeStore* store = nullptr;
  const Level* base = nullptr;
  Level* cur = nullptr;
  std::vector<Piece> pieces;
  std::vector<Fresh> fresh;
  std::string assembled;
  std::string pending;    // bytes of an entry the instructions so far have not completed
  std::uint32_t done = 0;  // bytes of complete entries
  bool bad = false;

  void reset(const TreeStore* s, const Level* b, Level* c)
  {
    store = s;
    base = b;
    cur = c;
    cur->ids.clear();
    cur->offs.clear();
    pieces.clear();
    fresh.clear();
    assembled.clear();
    pending.clear();
    done = 0;
    bad = false;
  }

  void add_new(const char* raw, std::size_t size, bool copy)
  {
    const auto pos = static_cast<std::uint32_t>(cur->ids.size());
    cur->ids.push_back(k_none);
    cur->offs.push_back(done);
    done += static_cast<std::uint32_t>(size);
    Fresh f{pos, raw, 0, static_cast<std::uint32_t>(size), entry_hash(std::string_view(raw, size))};
    if (copy) {
      f.raw = nullptr;
      f.offset = static_cast<std::uint32_t>(assembled.size());
      assembled.append(raw, size);
    }
    fresh.push_back(f);
    if (!pieces.empty() && !pieces.back().inherited() && pieces.back().start + pieces.back().size() == pos) {
      pieces.back().grow(1);
    } else {
      pieces.emplace_back(pos, 1, static_cast<std::uint32_t>(fresh.size() - 1), false);
    }
  }

  // Base entries [k, m), copied whole.
  void add_inherited(std::uint32_t k, std::uint32_t m)
  {
    const auto start = static_cast<std::uint32_t>(cur->ids.size());
    const std::uint32_t shift = done - base->offs[k];
    cur->ids.insert(cur->ids.end(), base->ids.begin() + k, base->ids.begin() + m);
    for (std::uint32_t j = k; j < m; ++j) {
      cur->offs.push_back(base->offs[j] + shift);
    }
    done += base->offs[m] - base->offs[k];
    if (!pieces.empty() && pieces.back().inherited() && pieces.back().start + pieces.back().size() == start
        && pieces.back().src + pieces.back().size() == k) {
      pieces.back().grow(m - k);
    } else {
      pieces.emplace_back(start, m - k, k, true);
    }
  }

  // Bytes of the tree, in order.
  void feed(const char* p, std::size_t n)
  {
    if (!pending.empty()) {
      pending.append(p, n);
      std::size_t pos = 0;
      while (pos < pending.size()) {
        const std::size_t len = entry_length(pending.data() + pos, pending.data() + pending.size());
        if (len == k_bad) {
          bad = true;
          return;
        }
        if (len == 0) {
          break;
        }
        add_new(pending.data() + pos, len, true);
        pos += len;
      }
      pending.erase(0, pos);
      return;
    }
    const char* end = p + n;
    while (p < end) {
      const std::size_t len = entry_length(p, end);
      if (len == k_bad) {
        bad = true;
        return;
      }
      if (len == 0) {
        pending.assign(p, static_cast<std::size_t>(end - p));
        return;
      }
      add_new(p, len, false);
      p += len;
    }
  }

  // Base bytes [off, off + len).
  void copy(std::uint32_t off, std::uint32_t len)
  {
    const std::uint32_t end = off + len;
    const auto& offs = base->offs;
    while (off < end && !bad) {
      if (pending.empty()) {
        const auto it = std::lower_bound(offs.begin(), offs.end() - 1, off);
        if (it != offs.end() - 1 && *it == off) {
          // In step with the base: its entries wholly inside the copy are this tree's next entries.
          const auto k = static_cast<std::uint32_t>(it - offs.begin());
          const auto m = static_cast<std::uint32_t>(std::upper_bound(it, offs.end(), end) - offs.begin()) - 1;
          if (m > k) {
            add_inherited(k, m);
            off = offs[m];
            continue;
          }
        }
      }
      // Cut through an entry: take its bytes up to its end (or the copy's).
      const auto j = static_cast<std::uint32_t>(std::upper_bound(offs.begin(), offs.end(), off) - offs.begin()) - 1;
      const std::uint32_t stop = std::min(end, offs[j + 1]);
      const Entry& e = store->entry(base->ids[j]);
      feed(e.raw + (off - offs[j]), stop - off);
      off = stop;
    }
  }

  void apply(const unsigned char* p, std::size_t size)
  {
    const unsigned char* end = p + size;
    const std::uint64_t base_size = delta_varint(p, end);
    const std::uint64_t result_size = delta_varint(p, end);
    if (base_size != base->offs.back() || result_size > UINT32_MAX) {
      bad = true;
      return;
    }
    const bool ok = for_each_delta_op(
        p, end,
        [&](std::uint64_t off, std::uint64_t len) {
          if (off + len > base_size) {
            return false;
          }
          copy(static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(len));
          return !bad;
        },
        [&](const unsigned char* bytes, std::size_t len) {
          feed(reinterpret_cast<const char*>(bytes), len);
          return !bad;
        });
    if (!ok) {
      bad = true;
      return;
    }
    if (!pending.empty() || done != result_size) {
      bad = true;
    }
  }
};

TreeStore::TreeStore()
    : m_chunks(std::size_t{1} << (32 - k_chunk_bits)), m_shards(new EntryShard[1u << k_shard_bits])
{
}

TreeStore::~TreeStore()
{
  for (auto& chunk : m_chunks) {
    delete[] chunk.load(std::memory_order_relaxed);
  }
}

void TreeStore::load_packs(PackSet& packs, unsigned threads)
{
  // Tables sized for what the packs hold: growing one rehashes it through cache misses, under its lock. The entry
  // shards start with room for one distinct entry per tree (sqlalchemy: 164k trees, 224k distinct entries).
  const PackCounts counts = count_pack_objects(packs);
  m_slot_table.assign(table_size_for(counts.trees), 0);
  m_blob_table.assign(table_size_for(counts.blobs), 0);
  const std::size_t per_shard = table_size_for(counts.trees >> k_shard_bits);
  for (std::size_t s = 0; s < (std::size_t{1} << k_shard_bits); ++s) {
    m_shards[s].table.assign(per_shard, 0);
  }
  read_pack_tree_deltas(packs, threads, [this](const git_oid& id, std::uint32_t depth, const char* data,
                                                 std::size_t size) { return add_pack_tree(id, depth, data, size); });
  m_child_start.assign(m_trees.size() + 1, 0);
  for (const auto& t : m_trees) {
    if (t.base != k_none) {
      ++m_child_start[t.base + 1];
    }
  }
  for (std::size_t s = 1; s < m_child_start.size(); ++s) {
    m_child_start[s] += m_child_start[s - 1];
  }
  m_child_list.resize(m_child_start.back());
  std::vector<std::uint32_t> fill(m_child_start.begin(), m_child_start.end() - 1);
  for (std::uint32_t s = 0; s < m_trees.size(); ++s) {
    if (m_trees[s].base != k_none) {
      m_child_list[fill[m_trees[s].base]++] = s;
    }
  }
}

std::span<const std::uint32_t> TreeStore::children(std::uint32_t slot) const
{
  if (slot + 1 >= m_child_start.size()) {
    return {};  // created after load_packs: no children
  }
  return {m_child_list.data() + m_child_start[slot], m_child_start[slot + 1] - m_child_start[slot]};
}

bool TreeStore::add_pack_tree(const git_oid& id, std::uint32_t depth, const char* data, std::size_t size)
{
  thread_local std::vector<Level> levels;
  thread_local std::unique_ptr<Builder> builder;
  if (levels.size() <= depth) {
    levels.resize(depth + 1);
  }
  if (!builder) {
    builder = std::make_unique<Builder>();
  }
  Level& cur = levels[depth];
  cur.ok = false;
  const Level* base = depth > 0 ? &levels[depth - 1] : nullptr;
  if (base != nullptr && !base->ok) {
    return true;  // its base could not be built: libgit2 reads it if the walk needs it
  }
  if (size > UINT32_MAX) {
    return true;
  }
  Builder& b = *builder;
  b.reset(this, base, &cur);
  if (base == nullptr) {
    b.feed(data, size);
    b.bad = b.bad || !b.pending.empty();
  } else {
    b.apply(reinterpret_cast<const unsigned char*>(data), size);
  }
  if (b.bad) {
    return true;
  }
  cur.offs.push_back(b.done);
  for (const auto& f : b.fresh) {
    const char* raw = f.raw != nullptr ? f.raw : b.assembled.data() + f.offset;
    cur.ids[f.pos] = intern_entry(std::string_view(raw, f.size), f.hash);
  }
  const std::lock_guard<util::SpinMutex> lock(m_mutex);
  cur.slot = slot_locked(id);
  cur.ok = true;
  if (!m_trees[cur.slot].loaded) {
    record(cur.slot, base != nullptr ? base->slot : k_none, b);
  }
  return true;
}

void TreeStore::record(std::uint32_t slot, std::uint32_t base, const Builder& b)
{
  TreeInfo& t = m_trees[slot];
  t.loaded = true;
  t.entries = static_cast<std::uint32_t>(b.cur->ids.size());
  t.base = base;
  t.first_piece = static_cast<std::uint32_t>(m_pieces.size());
  t.piece_count = static_cast<std::uint32_t>(b.pieces.size());
  const auto first_new = static_cast<std::uint32_t>(m_new_ids.size());
  for (Piece p : b.pieces) {
    if (!p.inherited()) {
      p.src += first_new;
    }
    m_pieces.push_back(p);
  }
  for (const auto& f : b.fresh) {
    m_new_ids.push_back(b.cur->ids[f.pos]);
  }
}

std::uint64_t TreeStore::entry_hash(std::string_view raw)
{
  // The entry ends in its 20-byte object id (already uniform); mix in the mode and name bytes (FNV-1a).
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i + 20 < raw.size(); ++i) {
    h = (h ^ static_cast<unsigned char>(raw[i])) * 0x100000001b3ull;
  }
  std::uint64_t id = 0;
  std::memcpy(&id, raw.data() + raw.size() - 20, sizeof id);
  return (h ^ id) * 0x9e3779b97f4a7c15ull;
}

std::uint32_t TreeStore::intern_entry(std::string_view raw, std::uint64_t hash)
{
  // The shard is the hash's top bits; the slot within it the low bits, which each slot keeps as its tag (the
  // table grows without reading the entries again: recomputing their hashes was a quarter of the tree pass's
  // interning time, all of it cache misses).
  EntryShard& shard = m_shards[hash >> (64 - k_shard_bits)];
  const std::lock_guard<util::SpinMutex> shard_lock(shard.mutex);
  if ((std::uint64_t{shard.count} + 1) * 2 > shard.table.size()) {
    // Grow (load <= 1/2) and reinsert by the stored tags.
    std::vector<std::uint64_t> old = std::move(shard.table);
    shard.table.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const std::size_t mask = shard.table.size() - 1;
    for (const std::uint64_t v : old) {
      if (v != 0) {
        std::size_t i = static_cast<std::size_t>(v >> 32) & mask;
        while (shard.table[i] != 0) {
          i = (i + 1) & mask;
        }
        shard.table[i] = v;
      }
    }
  }
  const std::size_t mask = shard.table.size() - 1;
  const std::uint64_t tag = hash & 0xffffffffu;
  std::size_t i = static_cast<std::size_t>(tag) & mask;
  for (; shard.table[i] != 0; i = (i + 1) & mask) {
    const std::uint64_t v = shard.table[i];
    if ((v >> 32) == tag) {
      const Entry& e = entry(static_cast<std::uint32_t>(v) - 1);
      if (e.size == raw.size() && std::memcmp(e.raw, raw.data(), raw.size()) == 0) {
        return static_cast<std::uint32_t>(v) - 1;
      }
    }
  }
  const std::size_t free_slot = i;
  if (shard.arena_used + raw.size() > shard.arena_size) {
    shard.arena_size = std::max(k_arena_block, raw.size());
    shard.arena.emplace_back(new char[shard.arena_size]);
    shard.arena_used = 0;
  }
  char* copy = shard.arena.back().get() + shard.arena_used;
  std::memcpy(copy, raw.data(), raw.size());
  shard.arena_used += raw.size();
  ++shard.count;
  const std::uint32_t id = m_entry_count.fetch_add(1, std::memory_order_relaxed);
  std::atomic<Entry*>& chunk = m_chunks[id >> k_chunk_bits];
  Entry* entries = chunk.load(std::memory_order_acquire);
  if (entries == nullptr) {
    // The first id of a chunk to be interned allocates it; another thread may be doing the same.
    Entry* fresh = new Entry[k_chunk];
    if (chunk.compare_exchange_strong(entries, fresh, std::memory_order_acq_rel)) {
      entries = fresh;
    } else {
      delete[] fresh;
    }
  }
  Entry& e = entries[id & (k_chunk - 1)];
  e.raw = copy;
  e.size = static_cast<std::uint32_t>(raw.size());
  e.kind = kind_of(copy);
  const char* name = static_cast<const char*>(std::memchr(copy, ' ', raw.size())) + 1;
  const char* nul = copy + raw.size() - 21;
  {
    const std::lock_guard<util::SpinMutex> lock(m_name_mutex);
    e.name = intern_name(std::string_view(name, static_cast<std::size_t>(nul - name)));
  }
  git_oid oid{};
  git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(nul + 1));
  if (e.kind == Kind::tree) {
    const std::lock_guard<util::SpinMutex> lock(m_mutex);
    e.target = slot_locked(oid);
  } else if (e.kind == Kind::blob) {
    const std::lock_guard<util::SpinMutex> lock(m_blob_mutex);
    const auto [index, fresh] = find_or_add(m_blob_table, static_cast<std::uint32_t>(m_blob_ids.size()), oid,
                                            [this](std::uint32_t k) -> const git_oid& { return m_blob_ids[k]; });
    if (fresh) {
      m_blob_ids.push_back(oid);
    }
    e.target = index;
  }
  shard.table[free_slot] = (tag << 32) | (std::uint64_t{id} + 1);
  return id;
}

std::uint32_t TreeStore::intern_name(std::string_view name)
{
  if (const auto it = m_name_index.find(name); it != m_name_index.end()) {
    return it->second;
  }
  m_names.emplace_back(name);
  const auto id = static_cast<std::uint32_t>(m_names.size() - 1);
  m_name_index.emplace(m_names.back(), id);
  return id;
}

std::uint32_t TreeStore::slot_locked(const git_oid& id)
{
  const auto [slot, fresh] =
      find_or_add(m_slot_table, static_cast<std::uint32_t>(m_trees.size()), id,
                  [this](std::uint32_t i) -> const git_oid& { return m_trees[i].id; });
  if (fresh) {
    m_trees.emplace_back();
    m_trees.back().id = id;
  }
  return slot;
}

std::uint32_t TreeStore::slot(const git_oid& id)
{
  const std::lock_guard<util::SpinMutex> lock(m_mutex);
  return slot_locked(id);
}

std::size_t TreeStore::load_rest(git_repository* repo)
{
  std::size_t unreadable = 0;
  // Loading a tree can add slots (its subtrees): the loop sees them too.
  for (std::uint32_t slot = 0; slot < m_trees.size(); ++slot) {
    if (!m_trees[slot].loaded && !m_trees[slot].unreadable && !ensure(slot, repo)) {
      m_trees[slot].unreadable = true;
      ++unreadable;
    }
  }
  return unreadable;
}

bool TreeStore::ensure(std::uint32_t slot, git_repository* repo)
{
  if (m_trees[slot].loaded) {
    return true;
  }
  if (m_trees[slot].unreadable) {
    return false;
  }
  git_tree* raw = nullptr;
  const git_oid id = m_trees[slot].id;
  if (git_tree_lookup(&raw, repo, &id) != 0) {
    return false;
  }
  const TreePtr tree(raw);
  const std::size_t n = git_tree_entrycount(tree.get());
  Level level;
  Builder b;
  b.reset(this, nullptr, &level);
  std::string bytes;
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
    char mode[16];
    const int len = std::snprintf(mode, sizeof mode, "%o ", static_cast<unsigned>(git_tree_entry_filemode_raw(e)));
    bytes.assign(mode, static_cast<std::size_t>(len)).append(git_tree_entry_name(e)).push_back('\0');
    bytes.append(reinterpret_cast<const char*>(git_tree_entry_id(e)->id), GIT_OID_RAWSZ);
    b.add_new(bytes.data(), bytes.size(), true);
  }
  for (const auto& f : b.fresh) {
    level.ids[f.pos] = intern_entry(std::string_view(b.assembled.data() + f.offset, f.size), f.hash);
  }
  const std::lock_guard<util::SpinMutex> lock(m_mutex);
  record(slot, k_none, b);
  return true;
}

std::string TreeStore::stats() const
{
  return std::to_string(m_trees.size()) + " trees, " + std::to_string(entry_total()) + " distinct entries, "
         + std::to_string(m_pieces.size()) + " pieces, " + std::to_string(m_new_ids.size()) + " parsed entries";
}

std::span<const TreeStore::Piece> TreeStore::pieces(std::uint32_t slot) const
{
  const TreeInfo& t = m_trees[slot];
  return {m_pieces.data() + t.first_piece, t.piece_count};
}

void TreeStore::entries(std::uint32_t slot, std::uint32_t begin, std::uint32_t end,
                        std::vector<std::uint32_t>& out) const
{
  const auto ps = pieces(slot);
  auto it = std::upper_bound(ps.begin(), ps.end(), begin, [](std::uint32_t i, const Piece& p) { return i < p.start; });
  if (it != ps.begin()) {
    --it;
  }
  for (; it != ps.end() && it->start < end; ++it) {
    const std::uint32_t a = std::max(begin, it->start);
    const std::uint32_t b = std::min(end, it->start + it->size());
    if (a >= b) {
      continue;
    }
    if (it->inherited()) {
      entries(m_trees[slot].base, it->src + (a - it->start), it->src + (b - it->start), out);
    } else {
      out.insert(out.end(), m_new_ids.begin() + it->src + (a - it->start),
                 m_new_ids.begin() + it->src + (b - it->start));
    }
  }
}

}  // namespace dsnguard::sources
