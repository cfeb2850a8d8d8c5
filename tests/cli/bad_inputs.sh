#!/usr/bin/env bash
# Runs the bad-input catalogue (tests/bad/cases.tsv; see tests/bad/README.md):
# exit code, one-line stderr naming the culprit, no temp or partial outputs,
# no sanitizer report.  Prints "N passed, N failed" last.
#
# Environment: KIVUMAP (binary), SRCDIR (source tree), KVM_SANITIZE (ON: the
# binary has ASan, smaller generated inputs), KVM_BAD_CASES (extended regex:
# run only the matching case names), KVM_BAD_LARGE=0 (skip the generated
# 50 MB / 10,000-article / 1e6-event cases), KVM_BAD_VERBOSE=1 (show the
# stderr of passing cases too).
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
SRC=${SRCDIR:?}
case "$K" in /*) ;; *) K=$(pwd)/$K ;; esac
only=${KVM_BAD_CASES:-}
large=${KVM_BAD_LARGE:-1}
# Cases about permissions cannot fail for root, who may read and write
# anything: run them as an unprivileged user instead ($AS_USER prefix).
# When nobody cannot run the binary from here (a build under /root), those
# cases are reported as skipped rather than passed.
AS_USER=""
no_as_user=0
if [ "$(id -u)" = 0 ]; then
  AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups --"
  if ! command -v setpriv >/dev/null || ! $AS_USER "$K" --version >/dev/null 2>&1; then
    no_as_user=1
  fi
fi
export K AS_USER
# LeakSanitizer would print its "Suppressions used" table (cmd_map.c suppresses
# fontconfig's caches) on stderr of every map run in the ASan build
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
base=$(pwd)/bad_inputs_work
rm -rf "$base"; mkdir -p "$base"
chmod 755 "$base"
pass=0; fail=0; skipped=0

make_fixtures() {
  local w=$1
  cd "$w" || exit 1
  printf 'date 2025-01-27\nM23 rebels captured the town of Sake, about 25 km west of Goma, on Sunday.\n' > ok.txt
  : > empty.txt
  printf '   \n\t\n  \n' > spaces.txt
  # 4 KiB of pseudo-random bytes, the same every run
  python3 -c 'import random, sys; random.seed(6); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(4096)))' > garbage.bin
  printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10' > image.png
  printf 'Fighting near Goma\x00 displaced 7,000 people.\n' > nul.txt
  printf 'Clashes near Goma \xff\xfe and Sake \xc3 left.\n' > badutf8.txt
  printf 'Over\xc0\xaflong near \xe0\x80\xafGoma.\n' > overlong.txt
  printf 'Surrogate \xed\xa0\x80 near Goma.\n' > surrogate.txt
  mkdir -p dir ro && chmod 555 ro
  printf 'x\n' > noread.txt && chmod 000 noread.txt
  cp ok.txt "name with space 'q' é.txt"
  printf '{"id":"a1","date":"2025-01-27","text":"M23 seized Sake, 25 km west of Goma."}\n{"id":"a2","text":"Clashes near Kitshanga."}\n' > ok.jsonl
  printf '{"id":"a1","date":"2025-01-27","text":"M23 seized Sake."}\n{"id":"a2","text":\n' > bad.jsonl
  printf '{"id":"a1","date":"2025-01-27","text":42}\n' > badtype.jsonl
  printf 'date 2025-13-45\nM23 seized Sake.\n' > baddate.txt
  local hdr='id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source'
  printf 'id,name,kind,lat,lon\nx,X,town,1,29\n' > gaz_missing_column.csv
  printf '%s\nx,X,,town,-1,29,Masisi,North Kivu,CD,0,test,extra\n' "$hdr" > gaz_extra_column.csv
  printf '%s\nx,"X,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_unbalanced.csv
  printf '%s\nx,X,,town,95,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lat95.csv
  printf '%s\nx,X,,town,-1,NaN,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lonnan.csv
  printf '%s\nx,X,,town,-1,1e400,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lon1e400.csv
  printf '%s\nx,X,,town,-1,29,Masisi,North Kivu,CD,0,test\nx,Y,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_dupids.csv
  printf '%s\nx,,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_emptyname.csv
  printf '%s\nx,X,,volcano,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_badkind.csv
  : > gaz_empty.csv
  printf '1\tA\tA\t\t-1\t29\tP\tPPL\tCD\t\t11\t\t\t\t100\t\t1000\tAfrica/Lubumbashi\t2020-01-01\n2\tB\tB\n' > geonames_short.txt
  printf '1\tA\tA\t\t-1\t290\tP\tPPL\tCD\t\t11\t\t\t\t100\t\t1000\tAfrica/Lubumbashi\t2020-01-01\n' > geonames_lon290.txt
  printf 'Goma\tSake\nGoma\t\n' > pairs.txt
  "$K" extract ok.txt -o events.json 2>/dev/null || printf '{"articles":[]}\n' > events.json
  head -c $(( $(wc -c < events.json) / 2 )) events.json > events_truncated.json
  printf '{"articles":[{"file":"a.txt","date":"2025-01-27","mentions":[],"events":[{"id":"a-1","type":"displacement","count_min":"many"}],"claims":[]}]}\n' > events_wrongtype.json
  printf '[1,2,3]\n' > events_array.json
  printf '{"articles":[]}\n' > events_none.json
}

# run_case NAME CODE PATTERN COMMAND -> 0 when the case holds; prints why not
run_case() {
  local name=$1 code=$2 pattern=$3 cmd=$4
  local w="$base/$name"
  mkdir -p "$w"
  ( make_fixtures "$w" ) >/dev/null 2>&1
  chmod 777 "$w" # writable for $AS_USER too
  local full_before; full_before=$(stat -c %F /dev/full 2>/dev/null)
  (cd "$w" && timeout 600 bash -c "$cmd" >"$w.stdout" 2>"$w.stderr")
  local got=$?
  local why=""
  [ "$got" = "$code" ] || why="exit $got, expected $code"
  if [ -z "$why" ]; then
    if [ "$pattern" = '^$' ]; then
      [ -s "$w.stderr" ] && why="stderr is not empty"
    elif ! grep -Eq -- "$pattern" "$w.stderr"; then
      why="stderr does not match /$pattern/"
    fi
  fi
  local lines
  lines=$(grep -v -c '^$' "$w.stderr")
  if [ -z "$why" ] && [ "$lines" -gt 2 ]; then why="stderr has $lines lines"; fi
  # a second line may only be a warning or the "usage: ..." hint
  if [ -z "$why" ] && [ "$code" != 0 ] && [ "$lines" -gt 1 ] &&
     ! grep -q -E "warning|^usage: " "$w.stderr"; then
    why="error message has $lines lines"
  fi
  if [ -z "$why" ] && grep -q -E 'AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault|core dumped' "$w.stderr"; then
    why="sanitizer report or crash"
  fi
  if [ -z "$why" ] && [ -n "$(find "$w" -name '*.tmp.*' -print -quit)" ]; then
    why="temporary file left: $(find "$w" -name '*.tmp.*' | head -n 1)"
  fi
  if [ -z "$why" ] && [ "$code" != 0 ] && [ -n "$(find "$w" -mindepth 1 -name 'out*' -print -quit)" ]; then
    why="partial output left: $(find "$w" -mindepth 1 -name 'out*' | head -n 1)"
  fi
  if [ "$full_before" = "character special file" ] && [ "$(stat -c %F /dev/full 2>/dev/null)" != "$full_before" ]; then
    why="/dev/full was replaced by a regular file (restored)"
    rm -f /dev/full && mknod -m 666 /dev/full c 1 7 2>/dev/null
  fi
  chmod -R u+rwx "$w" 2>/dev/null
  if [ -n "$why" ]; then
    echo "FAIL $name: $why"
    echo "  command: $cmd"
    sed 's/^/  stderr: /' "$w.stderr" | head -n 5
    return 1
  fi
  if [ -n "${KVM_BAD_VERBOSE:-}" ]; then
    echo "ok   $name (exit $got)"; sed 's/^/  stderr: /' "$w.stderr" | head -n 3
  fi
  return 0
}

count_case() {
  case "$1" in ''|'#'*) return ;; esac
  if [ -n "$only" ] && ! [[ "$1" =~ $only ]]; then return; fi
  if [ "$no_as_user" = 1 ] && [[ "$4" == *'$AS_USER'* ]]; then
    echo "SKIP $1: running as root and user nobody cannot run $K"
    skipped=$((skipped + 1))
    return
  fi
  if run_case "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# The runner checks itself: each of these must be reported as a failure.
selftest() {
  local out
  out=$(run_case "$@" 2>&1) && { echo "FAIL runner self-test '$1' was not caught"; return 1; }
  return 0
}
if [ -z "$only" ]; then
  st=0
  selftest self_wrong_exit 0 '^$' 'exit 1' || st=1
  selftest self_stderr_mismatch 1 'cannot open' 'echo "kivumap: something else" >&2; exit 1' || st=1
  selftest self_not_empty 0 '^$' 'echo "noise" >&2' || st=1
  selftest self_three_lines 1 'x' 'printf "x\nx\nx\n" >&2; exit 1' || st=1
  selftest self_two_line_error 1 'x' 'printf "x\ny\n" >&2; exit 1' || st=1
  selftest self_temp_left 1 'x' 'echo x >&2; : > out.json.tmp.1.1; exit 1' || st=1
  selftest self_partial_left 1 'x' 'echo x >&2; : > out.json; exit 1' || st=1
  selftest self_asan 1 'x' 'echo "x ERROR: AddressSanitizer: heap-buffer-overflow" >&2; exit 1' || st=1
  if [ "$st" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
fi

while IFS=$'\t' read -r name code pattern cmd; do
  count_case "$name" "$code" "$pattern" "$cmd"
done < "$SRC/tests/bad/cases.tsv"

if [ "$large" = 0 ]; then
  echo "bad_inputs: generated large cases skipped (KVM_BAD_LARGE=0)"
  skipped=$((skipped + 8))
elif [ -z "$only" ] || [[ large =~ $only ]] || [[ $only == *large* ]]; then
  # Large inputs, generated here rather than stored.
  big="$base/large"; mkdir -p "$big"; chmod 755 "$big"
  python3 - "$big" <<'PY'
import os, sys
d = sys.argv[1]
line = "Fighting between M23 and the army near Kitshanga and Mweso displaced some 7,000 people towards Sake. "
with open(os.path.join(d, "one_line_50mb.txt"), "w") as f:
    f.write(line * (50 * 1024 * 1024 // len(line)))
with open(os.path.join(d, "too_big_65mb.txt"), "w") as f:
    f.write(line * (65 * 1024 * 1024 // len(line)))
with open(os.path.join(d, "too_big_65mb.jsonl"), "w") as f:
    f.write('{"id":"ok","text":"M23 seized Sake."}\n{"id":"big","text":"' + line * (65 * 1024 * 1024 // len(line)) + '"}\n')
os.makedirs(os.path.join(d, "many"), exist_ok=True)
for i in range(10000):
    with open(os.path.join(d, "many", "a%05d.txt" % i), "w") as f:
        f.write("date 2024-02-%02d\nM23 fighters seized Rubaya, north-west of Sake, after clashes with Wazalendo.\n" % (1 + i % 28))
with open(os.path.join(d, "many.jsonl"), "w") as f:
    for i in range(10000):
        f.write('{"id":"j%05d","date":"2024-02-%02d","text":"M23 fighters seized Rubaya, north-west of Sake."}\n' % (i, 1 + i % 28))
PY
  count_case large_single_line_50mb 0 '^$' "\$K extract '$big/one_line_50mb.txt' -o out.json && test -s out.json"
  count_case large_article_over_limit 1 "'$big/too_big_65mb.txt' is larger than 67108864 bytes" "\$K extract '$big/too_big_65mb.txt' -o out.json"
  count_case large_jsonl_line_over_limit 1 "'?$big/too_big_65mb.jsonl'?:2: line longer than 67108864 bytes" "\$K extract --jsonl --format jsonl '$big/too_big_65mb.jsonl' -o out.jsonl"
  count_case large_ten_thousand_articles 0 '^$' "cd '$big/many' && \$K extract --format jsonl -o '$base/large_ten_thousand_articles/out.jsonl' a*.txt && test \$(wc -l < '$base/large_ten_thousand_articles/out.jsonl') -eq 10000"
  if command -v script >/dev/null; then
    # progress only on a terminal: under script(1) stderr is a pty
    count_case large_progress_on_terminal 0 '^$' "cd '$big/many' && script -qec \"\$K extract --format jsonl -o /dev/null a*.txt\" /dev/null > '$base/tty.log' && grep -q 'kivumap: extract: 10000/10000 files' '$base/tty.log'"
  fi
  # (not in the ASan build: its quarantine keeps freed memory on purpose)
  if [ -x /usr/bin/time ] && [ "${KVM_SANITIZE:-OFF}" != ON ]; then
    # --jsonl streams: peak memory for 10,000 lines within 8 MB of that for 100
    count_case large_jsonl_memory_bounded 0 '^$' "head -n 100 '$big/many.jsonl' > small.jsonl && /usr/bin/time -f %M -o rss100 \$K extract --jsonl --format jsonl small.jsonl -o /dev/null && /usr/bin/time -f %M -o rss10k \$K extract --jsonl --format jsonl '$big/many.jsonl' -o /dev/null && test \$(tail -n 1 rss10k) -lt \$((\$(tail -n 1 rss100) + 8192))"
  fi
  count_case large_ten_thousand_jsonl 0 '^$' "\$K extract --jsonl --format jsonl '$big/many.jsonl' -o out.jsonl && test \$(wc -l < out.jsonl) -eq 10000"
  n_events=1000000
  [ "${KVM_SANITIZE:-OFF}" = ON ] && n_events=100000
  python3 - "$big/events_1e6.jsonl" "$n_events" <<'PY'
import sys, json
path, n = sys.argv[1], int(sys.argv[2])
place = {"id":"goma","name":"Goma","kind":"city","lat":-1.6792,"lon":29.2228,"admin1":"North Kivu","admin2":"Goma","country":"CD"}
with open(path, "w") as f:
    per = 1000
    for a in range(n // per):
        evs = [{"id":"a%d-%d" % (a, i), "type":"clash", "actor1":"M23", "actor2":"FARDC", "place":place,
                "geo_precision":1, "date":"2025-01-%02d" % (1 + i % 28), "time_precision":1,
                "count_min":None, "count_max":None, "historical":False, "claimed":0,
                "evidence":"synthetic event %d" % i} for i in range(per)]
        f.write(json.dumps({"id":"a%d" % a, "file":"a%d.txt" % a, "date":"2025-01-28", "mentions":[], "events":evs, "claims":[]}) + "\n")
PY
  count_case large_million_events_export 0 "^kivumap: wrote $n_events events" "\$K export --events '$big/events_1e6.jsonl' --format csv -o outdir && test \$(wc -l < outdir/events.csv) -gt $((n_events / 2))"
fi

rm -rf "$base"
[ "$skipped" = 0 ] || echo "bad_inputs: $skipped skipped"
echo "bad_inputs: $pass passed, $fail failed"
[ "$fail" = 0 ]
