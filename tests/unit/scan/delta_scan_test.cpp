// Delta-aware scanning must give exactly the findings of a full scan. Random bases and random git-like deltas
// (copies of base ranges, inserted snippets) built from lines that hold real-looking secrets, placeholders,
// keywords without secrets, long lines and text anchors; chains of deltas check that memos left by delta scans
// are as good as those of full scans.
#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "config/rules.hpp"
#include "scan/delta_scan.hpp"
#include "scan/engine.hpp"

namespace dsnguard::scan {
namespace {

const Engine& engine()
{
  static const Engine e = [] {
    auto rules = config::builtin_rules();
    EXPECT_TRUE(rules.has_value());
    auto compiled = Engine::compile(*rules);
    EXPECT_TRUE(compiled.has_value());
    return std::move(*compiled);
  }();
  return e;
}

const std::vector<std::string>& snippets()
{
  static const std::vector<std::string> s = {
      "DATABASE_URL=postgresql://app:S3cr3tPa55w0rdQ@db.prod-cluster.net:5432/app\n",
      "engine = create_engine(\"postgresql+psycopg2://scott:Tg7xW2pLq9@db7.prod-west.net/prod\")\n",
      "export PGPASSWORD=Xk29fj3kL2vB\n",
      "url: jdbc:postgresql://pg.internal:5432/db?user=svc&password=Jf83kd02lsQw\n",
      "MONGO=mongodb+srv://admin:Qz8wXy21Lm@cluster0.abc12.mongodb.net/test\n",
      "  password: hunter2xyzzyQ9\n",
      "REDIS_URL=redis://:R3disPassw0rdZ@cache.prod.net:6379/0\n",
      "conn = psycopg2.connect(host='db.prod.net', user='u', password='Pq93mdk2LsX')\n",
      "Server=tcp:sql.prod.net;Database=app;User Id=sa;Password=Ms9dk3LqP0x;\n",
      "db.prod.net:5432:app:svc:Pg9Pass3wordX\n",
      "DATABASE_URL=postgresql://user:password@localhost/db\n",
      "DATABASE_URL=${DATABASE_URL}\n",
      "# connect with postgres://user:<password>@host/db\n",
      "the password is not here, nor the postgresql url\n",
      "mysql://root:${MYSQL_ROOT_PASSWORD}@mysql:3306/app\n",
      "plain text line without anything interesting\n",
      "x = 1\n",
      "\n",
      "postgresql://ab",
      "c:d3fPassWxq9@h",
      "ost.prod.net/db\n",
      "PGPASS",
      "WORD=Zk39dk2LqP\n",
      "# dsnguard:allow\n",
      "requirepass Rz83kdLq02xP\n",
  };
  return s;
}

std::string random_text(std::mt19937& rng, std::size_t lines)
{
  std::string out;
  std::uniform_int_distribution<std::size_t> pick(0, snippets().size() - 1);
  std::uniform_int_distribution<int> odd(0, 40);
  for (std::size_t i = 0; i < lines; ++i) {
    const int roll = odd(rng);
    if (roll == 0) {
      out += std::string(1500 + rng() % 5000, 'a');  // a long line: windows are cut
    } else if (roll == 1) {
      out += std::string(rng() % 2000, ' ');
    }
    out += snippets()[pick(rng)];
  }
  return out;
}

// A delta of `base`: random copies of base ranges and inserted snippets. Fills `pieces` like the pack reader
// does (without merging, which the engine must not need).
std::string random_delta(std::mt19937& rng, const std::string& base, std::vector<core::DeltaPiece>& pieces)
{
  std::string out;
  pieces.clear();
  const std::size_t ops = 1 + rng() % 12;
  for (std::size_t k = 0; k < ops; ++k) {
    if (rng() % 3 != 0 && !base.empty()) {
      // Mostly long copies from line starts or anywhere, sometimes tiny ones.
      std::size_t from = rng() % base.size();
      if (rng() % 2 == 0) {
        const auto nl = base.rfind('\n', from);
        from = nl == std::string::npos ? 0 : nl + 1;
      }
      if (from >= base.size()) {
        continue;
      }
      const std::size_t len = 1 + rng() % std::min<std::size_t>(base.size() - from, rng() % 4 == 0 ? 8 : 20000);
      pieces.push_back({out.size(), len, from, true});
      out.append(base, from, len);
    } else {
      std::string ins = random_text(rng, 1 + rng() % 3);
      if (rng() % 3 == 0) {
        ins = ins.substr(rng() % ins.size());
      }
      if (ins.empty()) {
        continue;
      }
      pieces.push_back({out.size(), ins.size(), 0, false});
      out += ins;
    }
  }
  return out;
}

using Key = std::tuple<std::string, std::uint64_t, std::uint64_t, std::string, int, bool>;

std::vector<Key> keys(const std::vector<core::Finding>& findings)
{
  std::vector<Key> out;
  for (const auto& f : findings) {
    out.emplace_back(f.rule_id, f.location.offset, f.location.length, f.fingerprint, static_cast<int>(f.confidence),
                     f.suppressed);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<core::Finding> scan(const std::string& bytes, const std::string& path, core::DeltaContext* delta)
{
  core::Fragment f;
  f.bytes = bytes;
  f.origin.path = path;
  f.origin.kind = core::OriginKind::history;
  f.delta = delta;
  return engine().scan(f);
}

TEST(DeltaScan, DerivedHitsEqualThePrefilterOnTheWholeBlob)
{
  const Prefilter prefilter({"postgres", "password", "pgpass", "://", "jdbc:", "pwd", "ab", "abc"});
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    const std::string base = random_text(rng, 1 + rng() % 40);
    std::vector<core::DeltaPiece> pieces;
    const std::string blob = random_delta(rng, base, pieces);
    if (pieces.empty()) {
      continue;
    }
    const auto expected = prefilter.find(blob, SIZE_MAX);
    const auto derived = derive_hits(prefilter, blob, pieces, prefilter.find(base, SIZE_MAX));
    ASSERT_EQ(derived.size(), expected.size()) << "round " << round;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(derived[i].offset, expected[i].offset) << "round " << round;
      ASSERT_EQ(derived[i].keyword, expected[i].keyword) << "round " << round;
    }
  }
}

// Mostly filler with a snippet every few dozen lines: regions (unions of windows) stay apart, as in real files.
std::string sparse_text(std::mt19937& rng, std::size_t lines)
{
  std::string out;
  for (std::size_t i = 0; i < lines; ++i) {
    out += rng() % 25 == 0 ? random_text(rng, 1) : "filler line " + std::to_string(rng() % 1000) + "\n";
  }
  return out;
}

struct ChainTotals {
  std::size_t findings = 0;
  std::size_t skipped = 0;
  std::size_t reused = 0;
  std::size_t carried = 0;
};

// Random bases from `text(rng)` and chains of random deltas: each delta scanned with the memo the previous delta
// scan left must give exactly the findings of its full scan.
template <typename Text>
ChainTotals check_chains(unsigned seed, int rounds, const Text& text)
{
  std::mt19937 rng(seed);
  ChainTotals totals;
  for (int round = 0; round < rounds; ++round) {
    const std::string path = round % 5 == 0 ? ".env.production" : round % 7 == 0 ? ".pgpass" : "app/settings.py";
    std::string base = text(rng);
    std::unique_ptr<core::ScanMemo> memo;
    core::DeltaContext root;
    root.memo = &memo;
    EXPECT_EQ(keys(scan(base, path, &root)), keys(scan(base, path, nullptr)));
    if (memo == nullptr) {
      ADD_FAILURE() << "no memo, round " << round;
      return totals;
    }
    for (int depth = 0; depth < 6; ++depth) {
      core::DeltaContext context;
      const std::string blob = random_delta(rng, base, context.pieces);
      if (context.pieces.empty()) {
        break;
      }
      std::unique_ptr<core::ScanMemo> next;
      context.base = memo.get();
      context.memo = &next;
      const auto full = keys(scan(blob, path, nullptr));
      EXPECT_EQ(keys(scan(blob, path, &context)), full) << "seed " << seed << " round " << round << " depth " << depth;
      totals.findings += full.size();
      if (next == nullptr) {
        ADD_FAILURE() << "no memo, round " << round << " depth " << depth;
        return totals;
      }
      const auto& left = dynamic_cast<const BlobMemo&>(*next);
      totals.skipped += left.skipped;
      totals.reused += left.reused;
      totals.carried += left.carried;
      memo = std::move(next);
      base = blob;
    }
  }
  return totals;
}

TEST(DeltaScan, FindingsEqualAFullScanAlongDeltaChains)
{
  const auto totals = check_chains(11, 150, [](std::mt19937& rng) { return random_text(rng, 5 + rng() % 60); });
  EXPECT_GT(totals.findings, 100u);
  EXPECT_GT(totals.skipped, 100u);  // the point of it: unchanged regions are not matched again
  EXPECT_GT(totals.reused, 100u);   // nor are unchanged regions that matched
}

TEST(DeltaScan, FindingsEqualAFullScanAlongDeltaChainsOfSparseFiles)
{
  const auto totals = check_chains(23, 120, [](std::mt19937& rng) { return sparse_text(rng, 100 + rng() % 900); });
  EXPECT_GT(totals.findings, 100u);
  EXPECT_GT(totals.carried, 100u);  // cold regions carried over whole, their hits not looked at
}

// Two custom rules: "opener" spans lines (zzopen ... zzend=SECRET), "keyline" never matches the text used here.
const Engine& region_engine()
{
  static const Engine e = [] {
    core::Rule opener;
    opener.id = "opener";
    opener.pattern = "zzopen(?s:.*?)zzend=(?P<secret>[a-z0-9]{10,})";
    opener.secret_group = "secret";
    opener.keywords = {"zzopen", "zzmid"};
    opener.tags = {"multiline"};
    opener.source_file = "rules/test.json";
    core::Rule keyline = opener;
    keyline.id = "keyline";
    keyline.pattern = "zzmid:(?P<secret>[0-9]{12})";
    keyline.keywords = {"zzmid"};
    keyline.tags = {};
    auto compiled = Engine::compile({opener, keyline});
    EXPECT_TRUE(compiled.has_value());
    return std::move(*compiled);
  }();
  return e;
}

std::vector<Key> scan_with(const Engine& e, const std::string& bytes, core::DeltaContext* delta)
{
  core::Fragment f;
  f.bytes = bytes;
  f.origin.path = "app/settings.py";
  f.origin.kind = core::OriginKind::history;
  f.delta = delta;
  return keys(e.scan(f));
}

// The delta "intro" + `insert` + the base from its first newline on, scanned with the base's memo; returns the
// delta's memo.
std::unique_ptr<core::ScanMemo> scan_delta(const Engine& e, const std::string& base, const std::string& insert,
                                           std::string& blob)
{
  std::unique_ptr<core::ScanMemo> memo;
  core::DeltaContext root;
  root.memo = &memo;
  scan_with(e, base, &root);
  const std::size_t nl = base.find('\n');
  blob = base.substr(0, nl) + insert + base.substr(nl);
  core::DeltaContext context;
  context.pieces = {{0, nl, 0, true}, {nl, insert.size(), 0, false}, {nl + insert.size(), base.size() - nl, nl, true}};
  context.base = memo.get();
  std::unique_ptr<core::ScanMemo> next;
  context.memo = &next;
  EXPECT_EQ(scan_with(e, blob, &context), scan_with(e, blob, nullptr)) << blob;
  return next;
}

TEST(DeltaScan, AColdRegionIsNotCarriedWhereAnEarlierWindowReachesIt)
{
  std::string filler;
  for (int i = 0; i < 39; ++i) {
    filler += "filler\n";
  }
  // Alone, the zzmid line's 41-line window (its region) holds zzend but no zzopen: no match, a cold region.
  const std::string base = "intro\nzzmid\n" + filler + "zzend=k9qx7lm2b4w8\noutro\n";
  const Engine& e = region_engine();
  EXPECT_TRUE(scan_with(e, base, nullptr).empty());
  std::string blob;
  // Unrelated lines inserted before it: the region is carried over.
  auto memo = scan_delta(e, base, "\nplain\nplain", blob);
  ASSERT_NE(memo, nullptr);
  EXPECT_EQ(dynamic_cast<const BlobMemo&>(*memo).carried, 1u);
  // A zzopen 11 lines before it: its window reaches into the region but not to zzend; joined with the region's
  // windows, the rule matches across both. The region must be scanned, not carried.
  std::string opener = "\nzzopen";
  for (int i = 0; i < 10; ++i) {
    opener += "\nfiller";
  }
  memo = scan_delta(e, base, opener, blob);
  ASSERT_NE(memo, nullptr);
  EXPECT_EQ(dynamic_cast<const BlobMemo&>(*memo).carried, 0u);
  EXPECT_EQ(scan_with(e, blob, nullptr).size(), 1u);
}

TEST(DeltaScan, ARegionCutInsideALongLineIsNotCold)
{
  // The zzstart window stops 4096 bytes after its hit, inside a long line: a later hit on that line has a window
  // reaching back into it, and the two joined hold a match that neither holds alone.
  core::Rule r;
  r.id = "long-span";
  r.pattern = "zzstart[a-z]*zzmark=(?P<secret>[a-z0-9]{10,})";
  r.secret_group = "secret";
  r.keywords = {"zzstart", "zzmark"};
  r.source_file = "rules/test.json";
  auto compiled = Engine::compile({r});
  ASSERT_TRUE(compiled.has_value());
  const std::string base = "intro\nzzstart" + std::string(5000, 'a') + "\noutro\n";
  EXPECT_TRUE(scan_with(*compiled, base, nullptr).empty());
  std::unique_ptr<core::ScanMemo> memo;
  core::DeltaContext root;
  root.memo = &memo;
  scan_with(*compiled, base, &root);
  const std::size_t cut = 6 + 4096 + 1;  // past the window's last byte
  const std::string insert = "zzmark=k9qx7lm2b4w8";
  const std::string blob = base.substr(0, cut) + insert + base.substr(cut);
  core::DeltaContext context;
  context.pieces = {{0, cut, 0, true}, {cut, insert.size(), 0, false}, {cut + insert.size(), base.size() - cut, cut, true}};
  context.base = memo.get();
  const auto full = scan_with(*compiled, blob, nullptr);
  EXPECT_EQ(full.size(), 1u);
  EXPECT_EQ(scan_with(*compiled, blob, &context), full);
}

TEST(DeltaScan, ARegionThatStartsASplitUrlIsNotCold)
{
  // No rule matches the literal alone; the joined literals are a finding, which the delta must report too.
  std::string filler;
  for (int i = 0; i < 60; ++i) {
    filler += "filler line\n";
  }
  const std::string base =
      "intro\n" + filler + "URL = (\n    \"postgresql://app:\"\n    \"s3cretPw9@db.acme.net/app\"\n)\n" + filler;
  std::string blob;
  const auto memo = scan_delta(engine(), base, "\nplain", blob);
  ASSERT_NE(memo, nullptr);
  EXPECT_FALSE(scan_with(engine(), blob, nullptr).empty());
}

TEST(DeltaScan, MatchesOfATwinAreReusedOnlyForTheSamePath)
{
  // Unquoted assignment values are judged differently in code and in config files: a delta under another path
  // must validate again (the result equals its own full scan either way).
  const std::string base = "x\nPGPASSWORD=Zk39dk2LqP\ny\n";
  for (const char* other : {"deploy.sh", "settings.py", ".env"}) {
    std::unique_ptr<core::ScanMemo> memo;
    core::DeltaContext root;
    root.memo = &memo;
    scan(base, ".env", &root);
    core::DeltaContext context;
    context.pieces = {{0, base.size(), 0, true}};
    context.base = memo.get();
    std::unique_ptr<core::ScanMemo> next;
    context.memo = &next;
    EXPECT_EQ(keys(scan(base, other, &context)), keys(scan(base, other, nullptr))) << other;
    if (next && std::string(other) != ".env") {
      EXPECT_EQ(dynamic_cast<const BlobMemo&>(*next).reused, 0u) << other;
    }
  }
}

TEST(DeltaScan, ABaseScannedForAnotherPathIsNotUsed)
{
  // .pgpass lines are a finding only under that name: a delta named .pgpass of a blob scanned as README must
  // still report them.
  const std::string base = "intro\ndb.prod.net:5432:app:svc:Pg9Pass3wordX\nend\n";
  std::unique_ptr<core::ScanMemo> memo;
  core::DeltaContext root;
  root.memo = &memo;
  scan(base, "README", &root);
  core::DeltaContext context;
  context.pieces = {{0, base.size(), 0, true}};
  context.base = memo.get();
  EXPECT_EQ(keys(scan(base, ".pgpass", &context)), keys(scan(base, ".pgpass", nullptr)));
  EXPECT_FALSE(keys(scan(base, ".pgpass", nullptr)).empty());
}

TEST(DeltaScan, AComponentCutInsideALongLineIsMatchedAgain)
{
  // A window cut 1024 bytes before its hit starts mid-line: there the regex sees a text start (a word boundary)
  // that the base, whose component reached further back on the same line, did not see.
  core::Rule r;
  r.id = "tail-token";
  r.pattern = "(?i)\\b(?P<secret>[a-y0-9]+)zzmark";
  r.secret_group = "secret";
  r.keywords = {"zzmark"};
  r.source_file = "rules/test.json";
  auto compiled = Engine::compile({r});
  ASSERT_TRUE(compiled.has_value());
  const Engine& e = *compiled;
  std::string filler;
  for (std::size_t i = 0; filler.size() < 1100; ++i) {
    filler += "k9qx7lm2b4"[i % 10];
  }
  // The base's line starts with a hit of its own, so its component starts at the line start, where no word
  // boundary precedes the filler: no match in the base.
  const std::string base = "\n-ZZMARK" + filler + "ZZMARK\n";
  const std::size_t hit = base.rfind("ZZMARK");
  const std::size_t copy_from = hit - 1024 - 1;
  const std::string blob = base.substr(copy_from);
  const auto run = [&](const std::string& bytes, core::DeltaContext* delta) {
    core::Fragment f;
    f.bytes = bytes;
    f.origin.path = "x.conf";
    f.delta = delta;
    return keys(e.scan(f));
  };
  std::unique_ptr<core::ScanMemo> memo;
  core::DeltaContext root;
  root.memo = &memo;
  EXPECT_TRUE(run(base, &root).empty());
  const auto full = run(blob, nullptr);
  ASSERT_EQ(full.size(), 1u);  // the cut window starts at a word boundary of its own
  core::DeltaContext context;
  context.pieces = {{0, blob.size(), copy_from, true}};
  context.base = memo.get();
  EXPECT_EQ(run(blob, &context), full);
}

TEST(DeltaScan, PatternsWithTextAnchorsAreNeverSkipped)
{
  EXPECT_TRUE(pattern_is_line_local("postgres(?:ql)?://[^@]+@"));
  EXPECT_TRUE(pattern_is_line_local("(?im)^[ \\t]*password[ \\t]*="));
  EXPECT_TRUE(pattern_is_line_local("[^$]x[\\^]"));
  EXPECT_TRUE(pattern_is_line_local("[]^]y"));
  EXPECT_TRUE(pattern_is_line_local("a\\$b\\^"));
  EXPECT_TRUE(pattern_is_line_local("(?i)(?P<key>pass-word)=(?P<secret>[a-z-]+)(?:x|y)"));
  EXPECT_FALSE(pattern_is_line_local("(?i)(?:^|\\n)password"));
  EXPECT_FALSE(pattern_is_line_local("password$"));
  EXPECT_FALSE(pattern_is_line_local("\\Apassword"));
  EXPECT_FALSE(pattern_is_line_local("password\\z"));
  EXPECT_FALSE(pattern_is_line_local("(?m)a(?-m:^b)"));
  EXPECT_FALSE(pattern_is_line_local("(?m:^b)"));
}

}  // namespace
}  // namespace dsnguard::scan
