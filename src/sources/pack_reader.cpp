// Pack format: git/git Documentation/gitformat-pack.txt (object headers, OFS_DELTA/REF_DELTA, delta opcodes) and
// the version-2 .idx layout. Read-only, no hash verification (a scanner reads, it does not trust-check).
#include "sources/pack_reader.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "sources/pack_format.hpp"

namespace dsnguard::sources {

namespace {

enum : std::uint8_t { k_commit = 1, k_tree = 2, k_blob = 3, k_tag = 4, k_ofs_delta = 6, k_ref_delta = 7 };

class Mapping {
public:
  explicit Mapping(const std::string& file)
  {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* m = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        m_data = static_cast<const unsigned char*>(m);
        m_size = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~Mapping() { reset(); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const unsigned char* data() const { return m_data; }
  std::size_t size() const { return m_size; }
  // Drops the resident pages (a read-only private mapping of an unchanged file: later reads fault them back in
  // from the page cache). Keeps peak RSS near the working set instead of the whole pack.
  void release() const
  {
    if (m_data != nullptr) {
      ::madvise(const_cast<unsigned char*>(m_data), m_size, MADV_DONTNEED);
    }
  }
  // The same for the pages wholly inside [offset, offset + length).
  void release(std::size_t offset, std::size_t length) const
  {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t from = (offset + page - 1) / page * page;
    const std::size_t to = std::min(m_size, offset + length) / page * page;
    if (m_data != nullptr && from < to) {
      ::madvise(const_cast<unsigned char*>(m_data) + from, to - from, MADV_DONTNEED);
    }
  }

  // Unmaps the file.
  void reset()
  {
    if (m_data != nullptr) {
      ::munmap(const_cast<unsigned char*>(m_data), m_size);
      m_data = nullptr;
      m_size = 0;
    }
  }

private:
  const unsigned char* m_data = nullptr;
  std::size_t m_size = 0;
};

// A file descriptor closed on destruction (-1 when the file cannot be opened).
class Fd {
public:
  explicit Fd(const std::string& file) : m_fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

// One object of the pack (16 bytes: git/git has 849k, kept through all passes of a history scan). Its data ends
// where the next object starts; its header (inflated size, base reference) is parsed again when it is read.
struct Entry {
  std::uint64_t offset : 56 = 0;    // of its header in the pack
  std::uint64_t type : 4 = 0;       // 0 when the header is malformed
  std::uint64_t root_type : 4 = 0;  // the type at the root of its delta chain (a delta type when that is broken)
  std::uint32_t oid_index = 0;      // position in the .idx (oid order)
  std::int32_t base = -1;           // entry index of the delta base, -1 for whole objects
};
static_assert(sizeof(Entry) == 16);

// The header of one pack object: type, inflated size (of the delta for deltas) and where its base is.
struct Header {
  std::uint8_t type = 0;
  std::uint64_t size = 0;
  std::uint64_t base_distance = 0;         // OFS_DELTA: its base starts this many bytes earlier
  const unsigned char* base_id = nullptr;  // REF_DELTA: the base's raw id
  std::size_t length = 0;                  // bytes before the zlib stream
};

// Parses the header at [p, end). False when it is malformed or runs past `end`.
bool parse_header(const unsigned char* p, const unsigned char* end, Header& h)
{
  const unsigned char* q = p;
  if (q >= end) {
    return false;
  }
  unsigned char c = *q++;
  h.type = (c >> 4) & 7;
  h.size = c & 15;
  int shift = 4;
  while ((c & 0x80) != 0) {
    if (q >= end || shift > 57) {
      return false;
    }
    c = *q++;
    h.size |= std::uint64_t{c & 0x7fu} << shift;
    shift += 7;
  }
  h.base_distance = 0;
  h.base_id = nullptr;
  if (h.type == k_ofs_delta) {
    if (q >= end) {
      return false;
    }
    c = *q++;
    std::uint64_t rel = c & 127;
    while ((c & 0x80) != 0) {
      if (q >= end || rel > (UINT64_MAX >> 8)) {
        return false;
      }
      c = *q++;
      rel = ((rel + 1) << 7) | (c & 127);
    }
    h.base_distance = rel;
  } else if (h.type == k_ref_delta) {
    if (end - q < 20) {
      return false;
    }
    h.base_id = q;
    q += 20;
  }
  h.length = static_cast<std::size_t>(q - p);
  return true;
}

// One thread's zlib decompressor (libdeflate: whole-buffer inflate, about twice zlib's speed on pack objects, whose
// inflated size the header gives).
class Inflater {
public:
  Inflater() : m_d(libdeflate_alloc_decompressor()) {}
  ~Inflater() { libdeflate_free_decompressor(m_d); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  explicit operator bool() const { return m_d != nullptr; }

  // Inflates the zlib stream at the start of [in, in + in_size) into exactly `out_size` bytes (the adler32 checked).
  // False on corrupt data or any other size.
  bool inflate(const unsigned char* in, std::size_t in_size, char* out, std::size_t out_size)
  {
    char dummy = 0;
    std::size_t used = 0;
    return libdeflate_zlib_decompress_ex(m_d, in, in_size, out_size == 0 ? &dummy : out, out_size, &used, nullptr)
           == LIBDEFLATE_SUCCESS;
  }

private:
  libdeflate_decompressor* m_d;
};

// Copies shorter than this are described as inserted bytes: a scanner gains little from knowing where a short
// run came from, and each piece costs it some work (sqlalchemy's history has 135 pieces per delta, 14 with this
// limit; 256 measured faster than 64 and 1024).
constexpr std::size_t k_min_copy_piece = 256;

// Appends a piece, merging it into the previous one when both are inserts or both copy adjacent base bytes (git
// splits long copies into 64 KiB instructions).
void add_piece(std::vector<core::DeltaPiece>& pieces, std::size_t offset, std::size_t size, std::size_t base_offset,
               bool copy)
{
  copy = copy && size >= k_min_copy_piece;
  if (!pieces.empty()) {
    core::DeltaPiece& last = pieces.back();
    if (last.copy == copy && (!copy || last.base_offset + last.size == base_offset)) {
      last.size += size;
      return;
    }
  }
  pieces.push_back({offset, size, base_offset, copy});
}

// An object's content: a buffer that is overwritten whole each time, so growing it neither zeroes the new bytes
// nor copies the old ones (std::vector::resize does both: ~2% of a history scan).
class Content {
public:
  char* data() { return m_data.get(); }
  const char* data() const { return m_data.get(); }
  std::size_t size() const { return m_size; }
  std::size_t capacity() const { return m_capacity; }
  // Makes the content `n` bytes long, its bytes unspecified.
  void resize_discard(std::size_t n)
  {
    if (n > m_capacity) {
      const std::size_t grown = std::max(n, m_capacity + m_capacity / 2);
      m_data.reset(new char[grown]);
      m_capacity = grown;
    }
    m_size = n;
  }
  // Frees the buffer.
  void release()
  {
    m_data.reset();
    m_capacity = 0;
    m_size = 0;
  }

private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0;
};

// Applies a git delta to `base`, writing the result into `out` and, when `pieces` is set, which byte ranges were
// copied from where and which were inserted. False on malformed deltas.
bool apply_delta(const char* base, std::size_t base_size, const unsigned char* d, std::size_t d_size, Content& out,
                 std::vector<core::DeltaPiece>* pieces)
{
  if (pieces != nullptr) {
    pieces->clear();
  }
  const unsigned char* p = d;
  const unsigned char* end = d + d_size;
  if (delta_varint(p, end) != base_size) {
    return false;
  }
  const std::uint64_t result_size = delta_varint(p, end);
  out.resize_discard(result_size);
  std::size_t o = 0;
  const bool ok = for_each_delta_op(
      p, end,
      [&](std::uint64_t off, std::uint64_t len) {
        if (off + len > base_size || o + len > result_size) {
          return false;
        }
        std::memcpy(out.data() + o, base + off, len);
        if (pieces != nullptr) {
          add_piece(*pieces, o, len, off, true);
        }
        o += len;
        return true;
      },
      [&](const unsigned char* bytes, std::size_t len) {
        if (o + len > result_size) {
          return false;
        }
        std::memcpy(out.data() + o, bytes, len);
        if (pieces != nullptr) {
          add_piece(*pieces, o, len, 0, false);
        }
        o += len;
        return true;
      });
  return ok && o == result_size;
}

// A growable byte buffer that does not zero what it hands out.
class Bytes {
public:
  // At least `n` bytes, contents unspecified. Grows by half again at least: each new buffer is fresh pages that
  // fault in on first write, and read-ahead segments grow by a few KiB at a time.
  unsigned char* get(std::size_t n)
  {
    if (n > m_capacity) {
      const std::size_t grown = std::max(n, m_capacity + m_capacity / 2);
      m_data.reset(new unsigned char[grown]);
      m_capacity = grown;
    }
    return m_data.get();
  }
  // Frees the buffer when it grew past `limit` bytes (one huge object should not pin its size).
  void trim(std::size_t limit)
  {
    if (m_capacity > limit) {
      m_data.reset();
      m_capacity = 0;
    }
  }

private:
  std::unique_ptr<unsigned char[]> m_data;
  std::size_t m_capacity = 0;
};

// pread until `n` bytes are read. False on an error or end of file.
bool read_at(int fd, unsigned char* out, std::size_t n, std::uint64_t offset)
{
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got <= 0) {
      return false;
    }
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

// One .idx/.pack pair with every object header parsed (PackSet keeps one per pack for all passes of a scan). Its
// files are open only during a pass (open() ... close()): a repository that was never repacked can have thousands
// of packs, more than a process may keep open.
class PackIndex {
public:
  PackIndex(std::string idx_file, std::string pack_file, const std::string& rev_file)
      : m_idx_file(std::move(idx_file)), m_pack_file(std::move(pack_file))
  {
    if (open()) {
      Mapping pack(m_pack_file);
      m_ok = load(pack, rev_file);
    }
    close();
  }
  PackIndex(const PackIndex&) = delete;
  PackIndex& operator=(const PackIndex&) = delete;

  // Opens the index (mapped) and the pack (for pread) for a pass. False when they cannot be opened (the pack was
  // removed since: its objects are left to libgit2). Passes may overlap (the tree pass runs beside the commit
  // walk): the files stay open until the last pass that opened them closes them.
  bool open()
  {
    const std::lock_guard<std::mutex> lock(m_open_mutex);
    if (m_passes > 0) {
      ++m_passes;
      return true;
    }
    m_idx = std::make_unique<Mapping>(m_idx_file);
    m_fd = std::make_unique<Fd>(m_pack_file);
    const std::size_t ids_end = 8 + 256 * 4 + std::size_t{m_count} * 20;
    if (m_idx->data() == nullptr || m_fd->get() < 0 || m_idx->size() < ids_end) {
      reset_files();
      return false;
    }
    m_ids = m_idx->data() + 8 + 256 * 4;
    m_passes = 1;
    return true;
  }
  // Ends a pass that open() started.
  void close()
  {
    const std::lock_guard<std::mutex> lock(m_open_mutex);
    if (m_passes > 0 && --m_passes == 0) {
      reset_files();
    }
  }

  // False when the files are not a version-2 pair: its objects are left to libgit2.
  bool ok() const { return m_ok; }
  std::uint32_t count() const { return m_count; }
  const Entry& entry(std::uint32_t i) const { return m_entries[i]; }
  // Entry index of the object at .idx position `k` (oid order).
  std::uint32_t by_oid(std::uint32_t k) const { return m_by_oid[k]; }
  // Raw 20-byte id of the object at .idx position `k`.
  const unsigned char* raw_id(std::uint32_t k) const { return m_ids + std::size_t{k} * 20; }
  // Lets the pages of the .idx go (read again only for tree and commit ids: raw_id).
  void release_ids() const { m_idx->release(); }

  // Where entry `i` starts in the pack, and its size there (header and zlib stream).
  std::uint64_t offset(std::uint32_t i) const { return m_entries[i].offset; }
  std::uint64_t stored_size(std::uint32_t i) const { return end_of(i) - m_entries[i].offset; }
  // Reads pack bytes [offset, offset + n) into `out`. False when they cannot be read.
  bool read(std::uint64_t offset, unsigned char* out, std::size_t n) const
  {
    return read_at(m_fd->get(), out, n, offset);
  }

private:
  // Parses the index and every object header. Afterwards objects are read with pread, not through the mapping:
  // the objects of one delta tree lie all over the pack, and the mapped pages they touch would count as resident
  // memory (hundreds of MB on git/git).
  bool load(const Mapping& pack, const std::string& rev_file)
  {
    const unsigned char* p = m_idx->data();
    if (pack.data() == nullptr || m_idx->size() < 8 + 1024 || p[0] != 0xff || p[1] != 't' || p[2] != 'O'
        || p[3] != 'c' || be32(p + 4) != 2) {
      return false;
    }
    const std::uint32_t n = be32(p + 8 + 255 * 4);
    m_ids = p + 8 + 256 * 4;
    const unsigned char* offsets = m_ids + std::size_t{n} * 24;
    const unsigned char* large = offsets + std::size_t{n} * 4;
    if (large > p + m_idx->size() || n > INT32_MAX) {
      return false;
    }
    m_count = n;
    // The offset of the object at .idx position k (large offsets in their own table); false when it does not fit.
    const auto offset_of = [&](std::uint32_t k, std::uint64_t& off) {
      off = be32(offsets + std::size_t{k} * 4);
      if ((off & 0x80000000u) != 0) {
        const unsigned char* q = large + (off & 0x7fffffffu) * 8;
        if (q + 8 > p + m_idx->size()) {
          return false;
        }
        off = (std::uint64_t{be32(q)} << 32) | be32(q + 4);
      }
      return off < pack.size();  // past the pack: not this pack's index
    };
    std::uint64_t off = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
      if (!offset_of(k, off)) {
        return false;
      }
    }
    if (!order_by_rev(rev_file, offset_of)) {
      m_entries.assign(n, Entry{});
      for (std::uint32_t k = 0; k < n; ++k) {
        offset_of(k, off);  // checked above
        m_entries[k].offset = off;
        m_entries[k].oid_index = k;
      }
      std::sort(m_entries.begin(), m_entries.end(),
                [](const Entry& a, const Entry& b) { return a.offset < b.offset; });
    }
    m_pack_end = pack.size() >= 20 ? pack.size() - 20 : 0;
    m_by_oid.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      m_by_oid[m_entries[i].oid_index] = i;
    }
    // Every header, the two halves of the pack on two threads (each writes only its own entries). The offsets are
    // read from a copy: an entry's offset shares its memory location (one bit-field word) with the type and base
    // the other thread writes, and delta bases are found by searching all offsets.
    std::vector<std::uint64_t> offs(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      offs[i] = m_entries[i].offset;
    }
    std::atomic<bool> fits{true};
    const auto parse_range = [&](std::uint32_t from, std::uint32_t to) {
      std::uint64_t released_at = from < to ? offs[from] : 0;
      for (std::uint32_t i = from; i < to; ++i) {
        const std::uint64_t at = offs[i];
        if (at - released_at > (std::uint64_t{16} << 20)) {
          // The headers are read in pack order: keep the touched pages from adding up to the pack.
          pack.release(released_at, at - released_at);
          released_at = at;
        }
        const std::uint64_t end = i + 1 < n ? offs[i + 1] : m_pack_end;
        if (end > m_pack_end || at >= end) {
          fits = false;
          return;
        }
        Entry& e = m_entries[i];
        Header h;
        if (!parse_header(pack.data() + at, pack.data() + end, h)) {
          e.type = 0;  // never read here: libgit2 reports it
          continue;
        }
        e.type = h.type;
        if (e.type == k_ofs_delta) {
          e.base = h.base_distance <= at ? entry_at_offset(offs, at - h.base_distance) : -1;
        } else if (e.type == k_ref_delta) {
          e.base = find_oid(h.base_id);
        }
      }
    };
    if (n >= k_parallel_headers && std::thread::hardware_concurrency() > 1) {
      std::jthread other(parse_range, n / 2, n);
      parse_range(0, n / 2);
    } else {
      parse_range(0, n);
    }
    pack.release();
    if (!fits) {
      return false;
    }
    resolve_root_types();
    return true;
  }

  // Packs with fewer objects have their headers parsed on one thread.
  static constexpr std::uint32_t k_parallel_headers = 50000;

  // Builds the entries in pack order from the pack's reverse index (.rev: git 2.31+ writes one with
  // pack.writeReverseIndex, the default since 2.41), which saves sorting them: each offset is read from the .idx
  // (4 bytes an object) rather than gathered from entries built in id order (16 bytes an object, a cache miss
  // each). False, leaving m_entries empty, when there is none or it does not fit this pack.
  template <typename OffsetOf>
  bool order_by_rev(const std::string& rev_file, const OffsetOf& offset_of)
  {
    const Mapping rev(rev_file);
    const unsigned char* r = rev.data();
    const std::uint32_t n = m_count;
    if (r == nullptr || rev.size() != 12 + std::size_t{n} * 4 + 40 || be32(r) != 0x52494458u || be32(r + 4) != 1
        || be32(r + 8) != 1) {
      return false;
    }
    m_entries.assign(n, Entry{});
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t k = be32(r + 12 + std::size_t{i} * 4);
      std::uint64_t off = 0;
      if (k >= n || !offset_of(k, off) || (i > 0 && off <= m_entries[i - 1].offset)) {
        m_entries.clear();
        return false;  // not a permutation in increasing offset order
      }
      m_entries[i].offset = off;
      m_entries[i].oid_index = k;
    }
    return true;
  }

  // A delta has the type of the whole object at the root of its chain; a chain whose base is missing or malformed
  // keeps a delta type (bounded walks: no cycles).
  void resolve_root_types()
  {
    std::vector<std::uint32_t> chain;
    for (std::uint32_t i = 0; i < m_count; ++i) {
      chain.clear();
      std::int32_t j = static_cast<std::int32_t>(i);
      while (m_entries[j].root_type == 0 && m_entries[j].base >= 0 && chain.size() < 10000) {
        chain.push_back(static_cast<std::uint32_t>(j));
        j = m_entries[j].base;
      }
      std::uint8_t type = m_entries[j].root_type;
      if (type == 0) {
        type = m_entries[j].base < 0 || chain.size() >= 10000 ? m_entries[j].type : 0;
        m_entries[j].root_type = type;
      }
      for (const std::uint32_t c : chain) {
        m_entries[c].root_type = type;
      }
    }
  }

  // Where entry `i`'s data ends: the next object's offset, or the pack's trailer.
  std::uint64_t end_of(std::uint32_t i) const
  {
    return i + 1 < m_entries.size() ? m_entries[i + 1].offset : m_pack_end;
  }

  // Index of the entry at pack offset `off` in `offs` (the entries' offsets, in pack order), -1 when none starts
  // there.
  static std::int32_t entry_at_offset(const std::vector<std::uint64_t>& offs, std::uint64_t off)
  {
    const auto it = std::lower_bound(offs.begin(), offs.end(), off);
    return it != offs.end() && *it == off ? static_cast<std::int32_t>(it - offs.begin()) : -1;
  }

  // Entry index of a raw oid in this pack (binary search over the sorted .idx ids), -1 when absent.
  std::int32_t find_oid(const unsigned char* raw) const
  {
    std::uint32_t lo = 0;
    std::uint32_t hi = m_count;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const int c = std::memcmp(m_ids + std::size_t{mid} * 20, raw, 20);
      if (c == 0) {
        return static_cast<std::int32_t>(m_by_oid[mid]);
      }
      (c < 0 ? lo : hi) = c < 0 ? mid + 1 : mid;
    }
    return -1;
  }

  void reset_files()
  {
    m_idx.reset();
    m_fd.reset();
    m_ids = nullptr;
  }

  std::string m_idx_file;
  std::string m_pack_file;
  std::mutex m_open_mutex;
  unsigned m_passes = 0;           // open() calls not closed yet
  std::unique_ptr<Mapping> m_idx;  // while open
  std::unique_ptr<Fd> m_fd;        // while open: the pack, for pread
  bool m_ok = false;
  std::uint64_t m_pack_end = 0;
  const unsigned char* m_ids = nullptr;
  std::uint32_t m_count = 0;
  std::vector<Entry> m_entries;         // by pack offset
  std::vector<std::uint32_t> m_by_oid;  // .idx position -> entry index
};

}  // namespace

struct PackSet::Packs {
  std::vector<std::unique_ptr<PackIndex>> list;  // in pack_bases order
};

namespace {

std::vector<std::string> pack_bases(const std::string& git_dir)
{
  const std::string dir = git_dir + "/objects/pack";
  std::vector<std::string> packs;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".pack") == 0) {
        packs.push_back(dir + "/" + name.substr(0, name.size() - 5));
      }
    }
    ::closedir(d);
  }
  std::sort(packs.begin(), packs.end());
  return packs;
}

// One pass over a pack: the wanted objects, the bases they need, and the delta trees under them.
class PackWalk {
public:
  // Wanted objects: with `wanted` set, those whose id it holds (tag = position in `wanted`, which is sorted by
  // id); else every object whose type (after delta resolution) is `type` (tag = its .idx position).
  PackWalk(const PackIndex& pack, const std::span<const BlobJob>* wanted, std::uint8_t type)
      : m_pack(pack), m_type(type)
  {
    const std::uint32_t n = pack.count();
    m_tag.assign(n, 0);
    m_flags.assign(n, 0);
    if (wanted != nullptr) {
      // Both lists are sorted by id: one merge.
      std::size_t w = 0;
      for (std::uint32_t k = 0; k < n && w < wanted->size(); ++k) {
        const unsigned char* id = pack.raw_id(k);
        int c = -1;
        while (w < wanted->size() && (c = std::memcmp((*wanted)[w].id.id, id, 20)) < 0) {
          ++w;
        }
        if (c == 0) {
          // Entries whose header could not be parsed (type 0) are dropped below, in pack order: checking here
          // costs a cache miss per wanted object.
          const std::uint32_t i = pack.by_oid(k);
          m_flags[i] = k_wanted;
          m_tag[i] = static_cast<std::uint32_t>(w);
        }
      }
    } else {
      for (std::uint32_t i = 0; i < n; ++i) {
        if (pack.entry(i).root_type == type) {
          m_flags[i] = k_wanted;
          m_tag[i] = pack.entry(i).oid_index;
        }
      }
    }
    // Mark every base a wanted object needs, and children lists of needed objects.
    for (std::uint32_t i = 0; i < n; ++i) {
      if ((m_flags[i] & k_wanted) == 0) {
        continue;
      }
      if (pack.entry(i).type == 0) {
        m_flags[i] &= static_cast<std::uint8_t>(~k_wanted);
        continue;
      }
      for (std::int32_t j = static_cast<std::int32_t>(i); j >= 0 && (m_flags[j] & k_needed) == 0;
           j = pack.entry(j).base) {
        m_flags[j] |= k_needed;
      }
    }
    // Children lists as one flat array (counting sort by base): a vector per entry costs ~35 MB on git/git.
    m_first_child.assign(std::size_t{n} + 1, 0);
    for (std::uint32_t i = 0; i < n; ++i) {
      const Entry& e = pack.entry(i);
      if ((m_flags[i] & k_needed) != 0 && e.base >= 0) {
        ++m_first_child[static_cast<std::uint32_t>(e.base) + 1];
      }
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      m_first_child[i + 1] += m_first_child[i];
    }
    m_child_list.assign(m_first_child[n], 0);
    std::vector<std::uint32_t> fill(m_first_child.begin(), m_first_child.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i) {
      const Entry& e = pack.entry(i);
      if ((m_flags[i] & k_needed) == 0) {
        continue;
      }
      if (e.base >= 0) {
        m_child_list[fill[static_cast<std::uint32_t>(e.base)]++] = i;
      } else if (e.type == m_type) {
        m_roots.push_back(i);
      }
    }
    // Batches: consecutive roots whose delta trees hold at most k_batch_bytes of the pack together (a root whose
    // tree holds more is a batch alone). The entries' sizes are taken in pack order first: the walk below visits
    // them in tree order, a cache miss each in the pack's entry table.
    std::vector<std::uint64_t> stored(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) {
      if ((m_flags[i] & k_needed) != 0) {
        stored[i] = pack.stored_size(i);
      }
    }
    m_batches.push_back(0);
    std::uint64_t batch_bytes = 0;
    std::vector<std::uint32_t> stack;
    for (std::uint32_t r = 0; r < m_roots.size(); ++r) {
      std::uint64_t bytes = 0;
      stack.assign(1, m_roots[r]);
      while (!stack.empty()) {
        const std::uint32_t i = stack.back();
        stack.pop_back();
        bytes += stored[i];
        const auto c = children(i);
        stack.insert(stack.end(), c.begin(), c.end());
      }
      if (r > m_batches.back() && batch_bytes + bytes > k_batch_bytes) {
        m_batches.push_back(r);
        m_batch_bytes.push_back(batch_bytes);
        batch_bytes = 0;
      }
      batch_bytes += bytes;
    }
    m_batches.push_back(static_cast<std::uint32_t>(m_roots.size()));
    m_batch_bytes.push_back(batch_bytes);
    // Threads take the largest batches first: a delta tree of many MB (the versions of a repository's root
    // directory, say) taken last kept one thread working alone for tens of ms.
    m_batch_order.resize(m_batches.size() - 1);
    for (std::uint32_t b = 0; b < m_batch_order.size(); ++b) {
      m_batch_order[b] = b;
    }
    std::stable_sort(m_batch_order.begin(), m_batch_order.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return m_batch_bytes[x] > m_batch_bytes[y]; });
  }

  ~PackWalk() { m_pack.release_ids(); }  // the ids this pass touched (wanted, raw_id) need not stay resident
  PackWalk(const PackWalk&) = delete;
  PackWalk& operator=(const PackWalk&) = delete;

  // The delta children of entry `i`, in pack order.
  std::span<const std::uint32_t> children(std::uint32_t i) const
  {
    return {m_child_list.data() + m_first_child[i], m_child_list.data() + m_first_child[i + 1]};
  }

  // Walks the delta trees under the roots, a batch of them at a time (batches taken from `next`), in depth-first
  // pre-order until `stop` is set or `ok` turns false: `visit(entry, depth, bytes, size)` gets the entry's bytes
  // in the pack (header and zlib stream) and returns whether its children follow (false: it could not be
  // inflated, and its subtree is left to libgit2); an entry that cannot be read is not visited and neither is its
  // subtree. `after_root()` runs after each tree.
  //
  // Objects are read ahead, k_batch_bytes of the visiting order at a time, in pack order, joining objects less
  // than k_read_gap bytes apart into one pread: one pread per object costs ~2 us of system time each (sqlalchemy:
  // 272k objects, 56k reads this way).
  template <typename Visit, typename AfterRoot>
  void walk_delta_trees(std::atomic<std::size_t>& next, const std::atomic<bool>& stop, const bool& ok, Visit& visit,
                        AfterRoot& after_root) const
  {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;  // (entry, depth)
    std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // the batch's (entry, depth) in visiting order
    std::vector<std::uint32_t> by_offset;                         // positions in a segment of `order`, pack order
    std::vector<const unsigned char*> where;                      // position in the segment -> its bytes
    Bytes ahead;
    Bytes single;
    while (ok && !stop.load(std::memory_order_relaxed)) {
      const std::size_t taken = next.fetch_add(1);
      if (taken >= m_batch_order.size()) {
        break;
      }
      const std::uint32_t b = m_batch_order[taken];
      order.clear();
      for (std::uint32_t r = m_batches[b]; r < m_batches[b + 1]; ++r) {
        stack.emplace_back(m_roots[r], 0);
        while (!stack.empty()) {
          const auto [i, depth] = stack.back();
          stack.pop_back();
          order.emplace_back(i, depth);
          for (const auto child : children(i)) {
            stack.emplace_back(child, depth + 1);
          }
        }
      }
      std::uint32_t skip_below = UINT32_MAX;  // the subtree of an entry that failed is skipped
      for (std::size_t from = 0; from < order.size() && ok;) {
        // The next segment: at least one object, at most k_batch_bytes unless that one is larger.
        std::size_t to = from + 1;
        std::uint64_t bytes = m_pack.stored_size(order[from].first);
        while (to < order.size() && bytes + m_pack.stored_size(order[to].first) <= k_batch_bytes) {
          bytes += m_pack.stored_size(order[to++].first);
        }
        read_ahead({order.data() + from, to - from}, by_offset, where, ahead);
        for (std::size_t k = from; k < to && ok; ++k) {
          const auto [i, depth] = order[k];
          if (depth == 0 && k > 0) {
            after_root();
          }
          if (depth > skip_below) {
            continue;
          }
          skip_below = UINT32_MAX;
          const std::size_t n = m_pack.stored_size(i);
          const unsigned char* data = where[k - from];
          if (data == nullptr) {
            unsigned char* own = single.get(n);
            data = m_pack.read(m_pack.offset(i), own, n) ? own : nullptr;
          }
          if (data == nullptr || !visit(i, depth, data, n)) {
            skip_below = depth;
          }
        }
        from = to;
      }
      if (!order.empty()) {
        after_root();
      }
      // A segment with its gaps is at most 2 x k_batch_bytes unless one object is larger; kept with room to grow.
      ahead.trim(4 * k_batch_bytes);
      single.trim(1u << 20);
    }
  }

  // Reads the objects of `segment` into `buf`, in pack order, and sets where[k] to the bytes of segment[k] (null
  // where a read failed: the object is read again alone, and reported if that fails too). Objects less than
  // k_read_gap bytes apart are read with one pread, as long as the skipped bytes add up to at most the objects'.
  void read_ahead(std::span<const std::pair<std::uint32_t, std::uint32_t>> segment,
                  std::vector<std::uint32_t>& by_offset, std::vector<const unsigned char*>& where, Bytes& buf) const
  {
    where.assign(segment.size(), nullptr);
    by_offset.resize(segment.size());
    for (std::uint32_t k = 0; k < segment.size(); ++k) {
      by_offset[k] = k;
    }
    // Entry indexes are in pack order.
    std::sort(by_offset.begin(), by_offset.end(),
              [&](std::uint32_t x, std::uint32_t y) { return segment[x].first < segment[y].first; });
    const auto entry_at = [&](std::size_t r) { return segment[by_offset[r]].first; };
    // Runs of by_offset positions [first, last], and the pack bytes [start, end) each spans.
    struct Run {
      std::size_t first;
      std::size_t last;
      std::uint64_t start;
      std::uint64_t end;
    };
    thread_local std::vector<Run> runs;
    runs.clear();
    std::uint64_t total = 0;
    std::uint64_t gap_budget = 0;
    for (std::size_t r = 0; r < by_offset.size(); ++r) {
      const std::uint64_t from = m_pack.offset(entry_at(r));
      const std::uint64_t to = from + m_pack.stored_size(entry_at(r));
      gap_budget += to - from;
      if (!runs.empty() && from <= runs.back().end + k_read_gap && from - runs.back().end <= gap_budget) {
        gap_budget -= from - runs.back().end;
        total += to - runs.back().end;
        runs.back().last = r;
        runs.back().end = to;
      } else {
        total += to - from;
        runs.push_back({r, r, from, to});
      }
    }
    unsigned char* out = buf.get(total);
    for (const Run& run : runs) {
      if (m_pack.read(run.start, out, run.end - run.start)) {
        for (std::size_t r = run.first; r <= run.last; ++r) {
          where[by_offset[r]] = out + (m_pack.offset(entry_at(r)) - run.start);
        }
      }
      out += run.end - run.start;
    }
  }

  // Resolves the delta tree under each root taken from `next`; calls fn for wanted blobs.
  bool run(std::atomic<std::size_t>& next, std::atomic<bool>& stop, std::vector<std::atomic<std::uint8_t>>* done,
           const PackBlobFn& fn) const
  {
    Inflater inflater;
    if (!inflater) {
      return true;
    }
    std::vector<Content> level;  // content per depth along the current chain
    std::vector<std::unique_ptr<core::ScanMemo>> memos;  // what the scanner left per depth (blobs only)
    core::DeltaContext context;
    Content delta;
    bool ok = true;
    const auto visit = [&](std::uint32_t i, std::uint32_t depth, const unsigned char* bytes, std::size_t n) {
      const Entry& e = m_pack.entry(i);
      if (level.size() <= depth) {
        level.resize(depth + 1);
        memos.resize(depth + 1);
      }
      Content& out = level[depth];
      memos[depth].reset();
      context.pieces.clear();
      Header h;
      if (!parse_header(bytes, bytes + n, h)) {
        return false;  // malformed: its subtree is left to libgit2
      }
      const unsigned char* data = bytes + h.length;
      const std::size_t in_size = n - h.length;
      if (e.base < 0) {
        out.resize_discard(h.size);
        if (!inflater.inflate(data, in_size, out.data(), out.size())) {
          return false;  // corrupt: its subtree is left to libgit2
        }
      } else {
        delta.resize_discard(h.size);
        const Content& base = level[depth - 1];
        if (!inflater.inflate(data, in_size, delta.data(), delta.size())
            || !apply_delta(base.data(), base.size(), reinterpret_cast<const unsigned char*>(delta.data()),
                            delta.size(), out, memos[depth - 1] ? &context.pieces : nullptr)) {
          return false;
        }
      }
      if ((m_flags[i] & k_wanted) != 0 && (done == nullptr || (*done)[m_tag[i]].exchange(1) == 0)) {
        context.base = depth > 0 ? memos[depth - 1].get() : nullptr;
        context.memo = children(i).empty() ? nullptr : &memos[depth];
        if (!fn(m_tag[i], out.data(), out.size(), &context)) {
          stop = true;
          ok = false;
        }
      }
      return true;
    };
    const auto after_root = [&] {
      for (auto& memo : memos) {
        memo.reset();
      }
      // Buffers keep the capacity of the largest object seen at their depth; let big ones go between roots so
      // that peak memory stays near (chain depth x typical blob size) instead of (depth x largest blob).
      for (auto& buffer : level) {
        if (buffer.capacity() > (1u << 20)) {
          buffer.release();
        }
      }
      if (delta.capacity() > (1u << 20)) {
        delta.release();
      }
    };
    walk_delta_trees(next, stop, ok, visit, after_root);
    return ok;
  }

  // Like run, without applying deltas: reports each object of the delta tree under each root in depth-first
  // pre-order with its depth, whole objects (depth 0) as content and deltas as their delta instructions.
  bool run_raw(std::atomic<std::size_t>& next, std::atomic<bool>& stop, const PackRawFn& fn) const
  {
    Inflater inflater;
    if (!inflater) {
      return true;
    }
    Content out;
    bool ok = true;
    const auto visit = [&](std::uint32_t i, std::uint32_t depth, const unsigned char* bytes, std::size_t n) {
      Header h;
      if (!parse_header(bytes, bytes + n, h)) {
        return false;
      }
      const unsigned char* data = bytes + h.length;
      const std::size_t in_size = n - h.length;
      out.resize_discard(h.size);
      if (!inflater.inflate(data, in_size, out.data(), out.size())) {
        return false;  // corrupt: its subtree is left to libgit2
      }
      git_oid id{};
      git_oid_fromraw(&id, m_pack.raw_id(m_pack.entry(i).oid_index));
      if ((m_flags[i] & k_wanted) != 0 && !fn(id, depth, out.data(), out.size())) {
        stop = true;
        ok = false;
      }
      return true;
    };
    const auto after_root = [&] {
      if (out.capacity() > (1u << 20)) {
        out.release();
      }
    };
    walk_delta_trees(next, stop, ok, visit, after_root);
    return ok;
  }

  // Units of work handed to threads.
  std::size_t batches() const { return m_batches.size() - 1; }
  const PackIndex& pack() const { return m_pack; }

private:
  enum : std::uint8_t { k_wanted = 1, k_needed = 2 };  // needed: wanted, or the base of something needed
  // Pack bytes per batch of roots, and the largest gap between two objects read with one pread.
  static constexpr std::uint64_t k_batch_bytes = std::uint64_t{1} << 20;
  static constexpr std::uint64_t k_read_gap = 4096;

  const PackIndex& m_pack;
  std::vector<std::uint32_t> m_tag;    // per entry: the caller's tag of a wanted object
  std::vector<std::uint8_t> m_flags;   // per entry: k_wanted | k_needed
  std::vector<std::uint32_t> m_first_child;  // entry -> start of its children in m_child_list (n + 1 items)
  std::vector<std::uint32_t> m_child_list;
  std::vector<std::uint32_t> m_roots;
  std::vector<std::uint32_t> m_batches;  // first root of each batch, then m_roots.size()
  std::vector<std::uint64_t> m_batch_bytes;  // pack bytes of each batch's delta trees
  std::vector<std::uint32_t> m_batch_order;  // batches, largest first
  std::uint8_t m_type = k_blob;
};

// A pack's files, open for one pass (PackIndex::open) until the end of the scope.
class OpenPack {
public:
  explicit OpenPack(PackIndex& pack) : m_pack(pack), m_open(pack.ok() && pack.open()) {}
  ~OpenPack()
  {
    if (m_open) {
      m_pack.close();
    }
  }
  OpenPack(const OpenPack&) = delete;
  OpenPack& operator=(const OpenPack&) = delete;
  explicit operator bool() const { return m_open; }

private:
  PackIndex& m_pack;
  bool m_open;
};

// For each pack that can be read, one pass over the objects `wanted` names (without it: those of `type`), with
// `work(walk, next, stop)` on `threads` workers (at most one per batch of delta trees). False when a worker set `stop`.
template <typename Work>
bool run_passes(PackSet& packs, const std::span<const BlobJob>* wanted, std::uint8_t type, unsigned threads,
                const Work& work)
{
  for (const auto& pack : packs.packs().list) {
    const OpenPack open(*pack);
    if (!open) {
      continue;  // unknown format, or gone: libgit2 reads these objects
    }
    const PackWalk walk(*pack, wanted, type);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::max(1u, threads) && t < walk.batches(); ++t) {
      pool.emplace_back([&] { work(walk, next, stop); });
    }
    work(walk, next, stop);
    for (auto& t : pool) {
      t.join();
    }
    if (stop) {
      return false;
    }
  }
  return true;
}

}  // namespace

PackSet::PackSet(std::string git_dir) : m_git_dir(std::move(git_dir)) {}

PackSet::~PackSet() = default;

PackSet::Packs& PackSet::packs()
{
  if (!m_packs) {
    m_packs = std::make_unique<Packs>();
    for (const auto& base : pack_bases(m_git_dir)) {
      m_packs->list.push_back(std::make_unique<PackIndex>(base + ".idx", base + ".pack", base + ".rev"));
    }
  }
  return *m_packs;
}

void sort_by_id(std::vector<BlobJob>& jobs)
{
  const auto bucket = [](const BlobJob& j) { return (std::size_t{j.id.id[0]} << 8) | j.id.id[1]; };
  std::vector<std::uint32_t> start((std::size_t{1} << 16) + 1, 0);
  for (const auto& j : jobs) {
    ++start[bucket(j) + 1];
  }
  for (std::size_t b = 1; b < start.size(); ++b) {
    start[b] += start[b - 1];
  }
  std::vector<BlobJob> sorted(jobs.size());
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (const auto& j : jobs) {
    sorted[fill[bucket(j)]++] = j;
  }
  for (std::size_t b = 0; b + 1 < start.size(); ++b) {
    if (start[b + 1] - start[b] > 1) {
      std::sort(sorted.begin() + start[b], sorted.begin() + start[b + 1],
                [](const BlobJob& x, const BlobJob& y) { return std::memcmp(x.id.id, y.id.id, GIT_OID_RAWSZ) < 0; });
    }
  }
  jobs = std::move(sorted);
}

PackCounts count_pack_objects(PackSet& packs)
{
  PackCounts counts;
  for (const auto& pack : packs.packs().list) {
    if (!pack->ok()) {
      continue;
    }
    for (std::uint32_t i = 0; i < pack->count(); ++i) {
      const std::uint8_t type = pack->entry(i).root_type;
      counts.trees += type == k_tree ? 1 : 0;
      counts.blobs += type == k_blob ? 1 : 0;
    }
  }
  return counts;
}

bool read_pack_tree_deltas(PackSet& packs, unsigned threads, const PackRawFn& fn)
{
  return run_passes(packs, nullptr, k_tree, threads, [&](const PackWalk& walk, auto& next, auto& stop) {
    walk.run_raw(next, stop, fn);
  });
}

bool read_pack_blobs(PackSet& packs, std::span<const BlobJob> wanted, unsigned threads,
                     std::vector<std::atomic<std::uint8_t>>& done, const PackBlobFn& fn)
{
  return run_passes(packs, &wanted, k_blob, threads, [&](const PackWalk& walk, auto& next, auto& stop) {
    walk.run(next, stop, &done, fn);
  });
}

bool read_pack_commits(PackSet& packs, unsigned threads, const PackObjectFn& fn)
{
  return run_passes(packs, nullptr, k_commit, threads, [&](const PackWalk& walk, auto& next, auto& stop) {
    const PackBlobFn each = [&](std::uint32_t tag, const char* data, std::size_t size, core::DeltaContext*) {
      git_oid id{};
      git_oid_fromraw(&id, walk.pack().raw_id(tag));
      return fn(id, data, size);
    };
    walk.run(next, stop, nullptr, each);
  });
}

}  // namespace dsnguard::sources
