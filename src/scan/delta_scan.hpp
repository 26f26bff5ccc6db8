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
// A component that matched is not matched again when it is an exact twin of a base component (same bytes, same
// rule, same path): its validated matches are reused, moved to the new offsets.
//
// Before all of that, whole cold regions are carried over without looking at their hits at all. A region is a
// connected part of the union of every window of every rule (touching windows joined); it is cold when no rule's
// regex matched in it and none of its hits starts a split URL. A cold region R of the base is carried into the
// delta when
//  - the bytes before R and at R's end are newlines and [R.from - 1, R.to] lies in one copied run, and
//  - no window of a hit before R in the delta reaches R.from (checked while the hits are walked in order).
// Proof sketch: the hits inside R are then the base's (a keyword holds no newline, so each lies wholly in the
// run), and each of their windows, and each split-URL test, reads only bytes of [R.from - 1, R.to]: the same
// windows as in the base. A hit after R starts its window after R's last newline, and no window before R reaches
// it, so for every rule the components in R are exactly the base's, with the same bytes: nothing matches there.
// R is cold in the delta too (its children may carry it on).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/types.hpp"
#include "scan/findings.hpp"
#include "scan/prefilter.hpp"

namespace dsnguard::scan {

// One rule's merged windows [from, to) in a blob, with the validated matches found there (fragment offsets).
struct Component {
  std::size_t rule = 0;
  std::size_t from = 0;
  std::size_t to = 0;
  std::vector<RawFinding> found;
};

// What the engine keeps of a scanned blob for its delta children.
class BlobMemo final : public core::ScanMemo {
public:
  std::vector<Prefilter::Hit> hits;  // every keyword hit of the blob (complete: the blob was not flooded)
  std::vector<Component> hot;        // components whose rule regex matched at least once, by (rule, from)
  std::vector<bool> path_ok;         // the rules that applied to the blob's path
  std::string path;                  // the path the blob was scanned as (validation depends on it)
  // Cold regions [from, to) in offset order, each between two newlines (see above).
  std::vector<std::pair<std::size_t, std::size_t>> cold;
  std::size_t skipped = 0;  // components not matched because provably clean (for tests and timing)
  std::size_t reused = 0;   // components whose matches were taken from an exact twin in the base
  std::size_t carried = 0;  // cold regions of the base carried over whole
};

// The base's cold regions that lie, with the newline before them, in one copied run of the delta, moved to the
// delta's offsets (in offset order): the regions a scan may carry over if no earlier window reaches them.
std::vector<std::pair<std::size_t, std::size_t>> carry_candidates(const std::vector<core::DeltaPiece>& pieces,
                                                                  const BlobMemo& base);

// Every keyword hit of `bytes`, the content of a delta whose base left `base_hits`, in Prefilter::find order:
// hits inside copied runs are moved over from the base, the prefilter runs only around inserted bytes and around
// the seams between pieces.
std::vector<Prefilter::Hit> derive_hits(const Prefilter& prefilter, std::string_view bytes,
                                        const std::vector<core::DeltaPiece>& pieces,
                                        const std::vector<Prefilter::Hit>& base_hits);

// The cold regions a scanned blob leaves its children: those of `regions` (the union of its windows, in order)
// that hold no component of `hot` and no hit of `split_hits` (both by start) and lie between two newlines,
// merged in order with the regions `carried` over whole from its base.
std::vector<std::pair<std::size_t, std::size_t>> cold_regions(
    std::string_view bytes, const std::vector<std::pair<std::size_t, std::size_t>>& regions,
    const std::vector<std::pair<std::size_t, std::size_t>>& carried, const std::vector<Component>& hot,
    const std::vector<std::size_t>& split_hits);

// True when component [from, to) of `rule` in `bytes` provably holds no match of the rule's regex (see above);
// call it only for rules whose pattern is line-local and with a base that used the same rules.
bool provably_clean(std::string_view bytes, const std::vector<core::DeltaPiece>& pieces, const BlobMemo& base,
                    std::size_t rule, std::size_t from, std::size_t to);

// The base component that is an exact twin of component [from, to) of `rule` (the same bytes: the range lies in
// one copied run and maps onto a hot base component's exact range), or null. Its matches, validated for the same
// path, are this component's matches moved by from - twin.from.
const Component* exact_twin(const std::vector<core::DeltaPiece>& pieces, const BlobMemo& base, std::size_t rule,
                            std::size_t from, std::size_t to);

// True when `pattern` (RE2 syntax) has no anchor that depends on where the text starts or ends: no \A, \z, and
// ^ / $ only when the whole pattern is in multi-line mode ((?m) flags at its start).
bool pattern_is_line_local(std::string_view pattern);

}  // namespace dsnguard::scan
