#!/usr/bin/env python3
"""Check the hand-written annotations of tests/corpus against their articles.

For every NN_slug.ann it verifies that
  * each `place` surface text occurs in NN_slug.txt, in text order, and is a
    name or alternate name (folded) of the gazetteer id it points to;
  * every id exists in gazetteer/north_kivu.csv;
  * capture / recapture / claim / displacement lines are well formed (actor
    from the canonical list, dates YYYY-MM-DD | YYYY-MM | YYYY | -, numbers);
and it lists, as warnings, gazetteer names that a longest-match scan finds in
the text but the annotation leaves out (expected only for organisation or
title names such as "Human Rights Watch", which an `#skip<TAB>phrase` line
acknowledges) and annotated surfaces that differ from the longest match.

usage: tests/corpus/check_annotations.py [--gazetteer CSV] [--strict] [FILE.ann...]
       tests/corpus/check_annotations.py --draft FILE.txt   (prints draft place lines)
Exit status: 0 when every file is valid (and, with --strict, has no warnings).
"""
import argparse
import csv
import glob
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

ACTORS = {
    "M23", "FARDC", "Wazalendo", "FDLR", "ADF", "SADC", "MONUSCO", "Burundian army", "AFC",
    "CODECO", "UPDF",
}
DIRECTIONS = {
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW",
    "NW", "NNW", "-",
}
DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4}|-)$")


def fold_char(ch):
    """One character in, one character out (keeps offsets aligned)."""
    base = unicodedata.normalize("NFKD", ch)[0] if ch else ch
    if ord(base) > 127:
        return " "
    base = base.lower()
    return base if base.isalnum() else " "


def fold_text(text):
    return "".join(fold_char(c) for c in text)


def fold_name(name):
    return " ".join(fold_text(name).split())


def load_gazetteer(path):
    names, ids = {}, set()
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            ids.add(row["id"])
            for n in [row["name"]] + [a for a in row["alt_names"].split("|") if a]:
                names.setdefault(fold_name(n), set()).add(row["id"])
    return names, ids


def scan(text, names):
    """Longest-leftmost matches of gazetteer names at word boundaries:
    list of (start, end, surface, ids).  A name may span words separated by
    spaces or hyphens only (not by a line break or other punctuation)."""
    folded = fold_text(text)
    words = [(m.start(), m.end()) for m in re.finditer(r"[^ ]+", folded)]
    max_words = max(len(n.split()) for n in names)
    out = []
    i = 0
    while i < len(words):
        best = None
        for k in range(1, max_words + 1):
            if i + k > len(words):
                break
            if k > 1:
                gap = text[words[i + k - 2][1]:words[i + k - 1][0]]
                if not gap or any(c not in " -\u2010\u2011" for c in gap):
                    break
            key = " ".join(folded[a:b] for a, b in words[i:i + k])
            if key in names:
                best = k
        if best:
            a, b = words[i][0], words[i + best - 1][1]
            out.append((a, b, text[a:b], names[" ".join(folded[a:b].split())]))
            i += best
        else:
            i += 1
    return out


def find_word(text, surface, start):
    """First occurrence of surface at or after start that is a whole word
    sequence (not inside "Qatari" when looking for "Qatar"); -1 if none."""
    while True:
        at = text.find(surface, start)
        if at < 0:
            return -1
        end = at + len(surface)
        before = text[at - 1] if at > 0 else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        start = at + 1


def check_file(ann_path, names, ids, strict):
    errors, warnings = [], []
    txt_path = ann_path[:-4] + ".txt"
    if not os.path.exists(txt_path):
        return ["%s: no article %s" % (ann_path, txt_path)], [], {}
    with open(txt_path, encoding="utf-8") as f:
        text = f.read()
    stats = {"mentions": 0, "capture": 0, "recapture": 0, "claim": 0, "displacement": 0}
    skips = []
    pos = 0
    spans = []
    with open(ann_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for lineno, line in enumerate(lines, 1):
        where = "%s:%d" % (ann_path, lineno)
        if line.startswith("#skip\t"):
            skips.append(line.split("\t", 1)[1])
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        kind = cols[0]
        if kind == "place":
            if len(cols) != 3:
                errors.append("%s: place needs 3 columns" % where)
                continue
            surface, pid = cols[1], cols[2]
            at = find_word(text, surface, pos)
            if at < 0:
                errors.append("%s: %r not found after offset %d" % (where, surface, pos))
                continue
            pos = at + len(surface)
            spans.append((at, at + len(surface), pid))
            stats["mentions"] += 1
            if pid not in ids:
                errors.append("%s: unknown id %r" % (where, pid))
            elif pid not in names.get(fold_name(surface), ()):
                errors.append("%s: %r is not a name of %r" % (where, surface, pid))
        elif kind in ("capture", "recapture"):
            if len(cols) != 4:
                errors.append("%s: %s needs 4 columns" % (where, kind))
                continue
            if cols[1] not in ids:
                errors.append("%s: unknown id %r" % (where, cols[1]))
            if cols[2] not in ACTORS:
                errors.append("%s: actor %r not canonical" % (where, cols[2]))
            if not DATE_RE.match(cols[3]):
                errors.append("%s: bad date %r" % (where, cols[3]))
            stats[kind] += 1
        elif kind == "claim":
            if len(cols) != 5:
                errors.append("%s: claim needs 5 columns" % where)
                continue
            for c in cols[1:3]:
                if c not in ids:
                    errors.append("%s: unknown id %r" % (where, c))
            try:
                float(cols[3])
            except ValueError:
                errors.append("%s: bad km %r" % (where, cols[3]))
            if cols[4] not in DIRECTIONS:
                errors.append("%s: bad direction %r" % (where, cols[4]))
            stats["claim"] += 1
        elif kind == "displacement":
            if len(cols) != 4:
                errors.append("%s: displacement needs 4 columns" % where)
                continue
            if not cols[1].isdigit():
                errors.append("%s: bad count %r" % (where, cols[1]))
            for c in cols[2:4]:
                if c != "-" and c not in ids:
                    errors.append("%s: unknown id %r" % (where, c))
            stats["displacement"] += 1
        else:
            errors.append("%s: unknown line type %r" % (where, kind))

    # Every annotated place must be referenced by the event lines' places too.
    mentioned = {s[2] for s in spans}
    for lineno, line in enumerate(lines, 1):
        cols = line.split("\t")
        if cols[0] in ("capture", "recapture") and len(cols) == 4 and cols[1] not in mentioned:
            warnings.append("%s:%d: %s of %r, which no place line names" % (ann_path, lineno, cols[0], cols[1]))

    # Compare with a longest-match scan of the article.
    skip_ranges = []
    for phrase in skips:
        start = 0
        while True:
            at = text.find(phrase, start)
            if at < 0:
                break
            skip_ranges.append((at, at + len(phrase)))
            start = at + 1
    annotated = {(a, b) for a, b, _ in spans}
    for a, b, surface, cands in scan(text, names):
        if (a, b) in annotated:
            continue
        if any(s <= a and b <= e for s, e in skip_ranges):
            continue
        overl = [sp for sp in spans if sp[0] < b and a < sp[1]]
        if overl:
            warnings.append("%s: annotated %r differs from the longest match %r" % (
                txt_path, text[overl[0][0]:overl[0][1]], surface))
        else:
            line = text.count("\n", 0, a) + 1
            warnings.append("%s:%d: %r (%s) is not annotated" % (txt_path, line, surface, "|".join(sorted(cands))))
    return errors, warnings, stats


def draft(txt_path, names):
    with open(txt_path, encoding="utf-8") as f:
        text = f.read()
    for _a, _b, surface, cands in scan(text, names):
        print("place\t%s\t%s" % (surface, "|".join(sorted(cands))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gazetteer", default=os.path.join(REPO, "gazetteer", "north_kivu.csv"))
    ap.add_argument("--strict", action="store_true", help="warnings are errors")
    ap.add_argument("--draft", metavar="TXT")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    names, ids = load_gazetteer(args.gazetteer)
    if args.draft:
        draft(args.draft, names)
        return 0
    files = args.files or sorted(glob.glob(os.path.join(HERE, "*.ann")))
    total = {"articles": 0, "mentions": 0, "capture": 0, "recapture": 0, "claim": 0, "displacement": 0}
    n_err = n_warn = 0
    for path in files:
        errors, warnings, stats = check_file(path, names, ids, args.strict)
        for e in errors:
            print("error: " + e)
        for w in warnings:
            print("warning: " + w)
        n_err += len(errors)
        n_warn += len(warnings)
        total["articles"] += 1
        for k, v in stats.items():
            total[k] += v
    print("%(articles)d articles, %(mentions)d place mentions, %(capture)d captures, "
          "%(recapture)d recaptures, %(claim)d stated distances, %(displacement)d displacements" % total)
    print("%d errors, %d warnings" % (n_err, n_warn))
    return 1 if n_err or (args.strict and n_warn) else 0


if __name__ == "__main__":
    sys.exit(main())
