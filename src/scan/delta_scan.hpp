#pragma once
// Delta-aware scanning of history blobs (internal to scan/). Most blobs in a pack are git deltas against another
// blob: a few inserted bytes around long runs copied from the base. The engine still computes every keyword hit
// and every per-rule regex window ("component": overlapping windows merged) exactly as a full scan would, but
//  - the hits inside copied runs are taken from the base's memo instead of running the prefilter over them, and
//  - a component is not matched when it provably equals, in every byte the regex and the window computation look
//    at, part of a base component in which the same rule's regex found nothing.
// Proof sketch for the second point (a component [from, to) of rule r in blob O):
//  - the bytes before `from` and at `to` are newlines and [from - 1, to + 1) lies in one copied run, so each
//    window of the component was computed from bytes of that run only (a window reads at most the line around
//    its hit and never past a newline it stops at) and the base has the same hits with the same windows there;
//  - those windows are therefore part of one base component C of rule r (the base used the same rules for its
//    path), and the component's text is a run of whole lines inside C's text;
//  - for a rule whose pattern has no text anchors (^ and $ outside multi-line mode, \A, \z), a match in the
//    whole lines is also a match in C (line edges look the same: newline or text edge), so a C without any
//    match means the component has none either.
// Everything a finding is built from (validation, judgement, inline markers) only runs on components that
// matched, which are never skipped. Skipped components leave nothing to skip in the blob's own children either.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "scan/prefilter.hpp"

namespace dsnguard::scan {

// One rule's merged windows [from, to) in a blob.
struct Component {
  std::size_t rule = 0;
  std::size_t from = 0;
  std::size_t to = 0;
};

// What the engine keeps of a scanned blob for its delta children.
class BlobMemo final : public core::ScanMemo {
public:
  std::vector<Prefilter::Hit> hits;  // every keyword hit of the blob (complete: the blob was not flooded)
  std::vector<Component> hot;        // components whose rule regex matched at least once, by (rule, from)
  std::vector<bool> path_ok;         // the rules that applied to the blob's path
  std::size_t skipped = 0;           // components not matched because provably clean (for tests and timing)
};

// Every keyword hit of `bytes`, the content of a delta whose base left `base_hits`, in Prefilter::find order:
// hits inside copied runs are moved over from the base, the prefilter runs only around inserted bytes and around
// the seams between pieces.
std::vector<Prefilter::Hit> derive_hits(const Prefilter& prefilter, std::string_view bytes,
                                        const std::vector<core::DeltaPiece>& pieces,
                                        const std::vector<Prefilter::Hit>& base_hits);

// True when component [from, to) of `rule` in `bytes` provably holds no match of the rule's regex (see above);
// call it only for rules whose pattern is line-local and with a base that used the same rules.
bool provably_clean(std::string_view bytes, const std::vector<core::DeltaPiece>& pieces, const BlobMemo& base,
                    std::size_t rule, std::size_t from, std::size_t to);

// True when `pattern` (RE2 syntax) has no anchor that depends on where the text starts or ends: no \A, \z, and
// ^ / $ only when the whole pattern is in multi-line mode ((?m) flags at its start).
bool pattern_is_line_local(std::string_view pattern);

}  // namespace dsnguard::scan
