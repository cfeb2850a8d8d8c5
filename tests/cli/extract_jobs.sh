#!/usr/bin/env bash
# kivumap extract --jsonl --jobs N: the threaded path writes exactly what the
# one-thread path writes (same bytes, same messages, same exit code), on
# long inputs that go round the batch ring many times, and stops at a bad
# line with the lines before it written, as one thread does.
set -u
: "${KIVUMAP:?}" "${SRCDIR:?}"
K=$KIVUMAP
work=${BUILDDIR:-.}/cli_extract_jobs.tmp
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
pass=0 fail=0
. "$SRCDIR/tests/cli_lib.sh"

# Input: the annotated corpus as JSON Lines, repeated so that there are far
# more batches than slots (16 lines a batch, 16 slots a job, at most 64), with blank
# lines, a repeated id, a line without a date and one with invalid UTF-8.
python3 - "$SRCDIR/tests/corpus" > in.jsonl <<'PY'
import glob, json, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.txt")))
arts = []
for f in files:
    text = open(f, encoding="utf-8").read()
    date = None
    if text.startswith("date "):
        date, text = text[5:15], text.split("\n", 1)[1]
    arts.append((os.path.basename(f)[:-4], date, text))
n = 0
for rnd in range(40):
    for name, date, text in arts:
        n += 1
        obj = {"id": name if n % 7 else "same-id", "text": text}
        if date and n % 5:
            obj["date"] = date
        sys.stdout.write(json.dumps(obj) + "\n")
        if n % 50 == 0:
            sys.stdout.write("\n   \n")
PY
# one line with an invalid byte (kept as a raw byte inside the JSON string)
printf '{"id":"bad-utf8","date":"2025-01-27","text":"M23 fighters seized Sake \xff after clashes near Goma."}\n' >> in.jsonl
lines=$(grep -c '"text"' in.jsonl)
[ "$lines" -gt 300 ] && ok || bad "input has only $lines articles"

"$K" extract --jsonl -j 1 in.jsonl > one.jsonl 2> one.err; rc1=$?
[ "$rc1" -eq 0 ] && ok || bad "-j 1 exit $rc1: $(cat one.err)"
[ "$(grep -c . one.jsonl)" -eq "$lines" ] && ok || bad "-j 1 wrote $(grep -c . one.jsonl) lines for $lines"
grep -qF "1 invalid UTF-8 sequence replaced" one.err && ok || bad "-j 1 warning: $(cat one.err)"
for j in 2 3 4 8; do
    "$K" extract --jsonl -j "$j" in.jsonl > "j$j.jsonl" 2> "j$j.err"; rc=$?
    [ "$rc" -eq 0 ] && ok || bad "-j $j exit $rc"
    cmp -s one.jsonl "j$j.jsonl" && ok || bad "-j $j output differs from -j 1"
    cmp -s one.err "j$j.err" && ok || bad "-j $j stderr differs: $(cat "j$j.err")"
done
# default (one per CPU), attached value, --jobs=N, standard input, -o
"$K" extract --jsonl in.jsonl > def.jsonl && cmp -s one.jsonl def.jsonl && ok || bad "default jobs"
"$K" extract --jsonl -j3 in.jsonl > att.jsonl && cmp -s one.jsonl att.jsonl && ok || bad "-j3"
"$K" extract --jsonl --jobs=2 - < in.jsonl > stdin.jsonl && cmp -s one.jsonl stdin.jsonl && ok ||
    bad "--jobs=2 from stdin"
"$K" extract --jsonl -j 4 -o out.jsonl in.jsonl && cmp -s one.jsonl out.jsonl && ok || bad "-o"
[ -z "$(ls -a | grep '\.tmp\.')" ] && ok || bad "temporary file left: $(ls -a)"
# --date and --mentions-only go through the workers too
"$K" extract --jsonl -j 1 --date 2024-02-10 in.jsonl > d1.jsonl 2>/dev/null
"$K" extract --jsonl -j 4 --date 2024-02-10 in.jsonl > d4.jsonl 2>/dev/null
cmp -s d1.jsonl d4.jsonl && ok || bad "--date with -j 4"
python3 -c '
import json, sys
dates = {json.loads(l)["date"] for l in open("d4.jsonl")}
assert dates == {"2024-02-10"}, dates' && ok || bad "--date not applied by the workers"
"$K" extract --jsonl -j 1 --mentions-only in.jsonl > m1.txt 2>/dev/null
"$K" extract --jsonl -j 4 --mentions-only in.jsonl > m4.txt 2>/dev/null
cmp -s m1.txt m4.txt && [ -s m1.txt ] && ok || bad "--mentions-only with -j 4"
# two files in one run: per-file warnings in order
"$K" extract --jsonl -j 1 in.jsonl in.jsonl > two1.jsonl 2> two1.err
"$K" extract --jsonl -j 2 in.jsonl in.jsonl > two2.jsonl 2> two2.err
cmp -s two1.jsonl two2.jsonl && cmp -s two1.err two2.err && ok || bad "two files"
[ "$(grep -c 'replaced' two2.err)" -eq 2 ] && ok || bad "two files: warnings $(cat two2.err)"

# A bad line in the middle: the lines before it are written, the error
# names the line, exit 1, the same with any number of jobs.
head -n 200 in.jsonl > broken.jsonl
echo '{"id":"x","text":42}' >> broken.jsonl
tail -n 100 in.jsonl >> broken.jsonl
badline=$(grep -n '"text":42' broken.jsonl | cut -d: -f1)
"$K" extract --jsonl -j 1 broken.jsonl > b1.jsonl 2> b1.err; r1=$?
[ "$r1" -eq 1 ] && ok || bad "bad line -j 1: exit $r1"
grep -qF "broken.jsonl:$badline" b1.err && ok || bad "bad line message: $(cat b1.err)"
for j in 2 5; do
    "$K" extract --jsonl -j "$j" broken.jsonl > "b$j.jsonl" 2> "b$j.err"; r=$?
    [ "$r" -eq 1 ] && ok || bad "bad line -j $j: exit $r"
    cmp -s b1.jsonl "b$j.jsonl" && ok || bad "bad line -j $j: output differs"
    cmp -s b1.err "b$j.err" && ok || bad "bad line -j $j: stderr '$(cat "b$j.err")'"
done
[ "$(grep -c . b1.jsonl)" -eq "$(head -n "$badline" broken.jsonl | grep -c '"text": "')" ] && ok ||
    bad "bad line: $(grep -c . b1.jsonl) lines written before it"
# ... and with -o nothing is left behind
"$K" extract --jsonl -j 4 -o never.jsonl broken.jsonl 2>/dev/null
[ ! -e never.jsonl ] && [ -z "$(ls -a | grep '\.tmp\.')" ] && ok || bad "-o after a bad line"

# The reader goes away (| head): exit 0, nothing on stderr.
"$K" extract --jsonl -j 2 in.jsonl 2> head.err | head -n 3 > head.out
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && [ ! -s head.err ] && [ "$(wc -l < head.out)" -eq 3 ] && ok ||
    bad "| head: exit $rc, stderr '$(cat head.err)'"
# A full disk: one line naming the output, exit 1.
if [ -w /dev/full ]; then
    run extract --jsonl -j 2 in.jsonl -o /dev/full
    expect_rc 1 "-o /dev/full"
    expect_err_has "cannot write '/dev/full'" "-o /dev/full"
fi

# Text files: several files run on the workers and join in order, with
# the ids one thread gives (two files with the same name in two
# directories: "<stem>-2-1"), per-file warnings in order, and the first
# failing file stopping the run with nothing written.
mkdir -p t1 t2
i=0
for f in "$SRCDIR"/tests/corpus/*.txt; do
    i=$((i + 1))
    cp "$f" "t$((i % 2 + 1))/"
done
cp "$SRCDIR/tests/corpus/01_"*.txt t2/01_same_name.txt
cp "$SRCDIR/tests/corpus/01_"*.txt t1/01_same_name.txt
printf 'date 2025-01-27\nM23 fighters seized Sake \xff after clashes near Goma.\n' > t1/zz_bad_utf8.txt
files=$(ls t1/*.txt t2/*.txt)
for fmt in json csv geojson jsonl; do
    "$K" extract -j 1 --format "$fmt" $files > "f1.$fmt" 2> "f1.$fmt.err"
    for j in 2 4; do
        "$K" extract -j "$j" --format "$fmt" $files > "f$j.$fmt" 2> "f$j.$fmt.err"
        cmp -s "f1.$fmt" "f$j.$fmt" && cmp -s "f1.$fmt.err" "f$j.$fmt.err" && ok ||
            bad "text files --format $fmt -j $j differ from -j 1"
    done
done
grep -q '"01_same_name-2-1"' f1.json && ok || bad "same stem in two directories: no '-2' ids"
grep -qF "zz_bad_utf8.txt': 1 invalid UTF-8 sequence replaced" f4.json.err && ok ||
    bad "text files: warning $(cat f4.json.err)"
"$K" extract -j 1 --no-merge $files > nm1.json 2>/dev/null
"$K" extract -j 3 --no-merge $files > nm3.json 2>/dev/null
cmp -s nm1.json nm3.json && ok || bad "--no-merge with -j 3"
"$K" extract -j 1 --mentions-only $files > mo1.txt 2>/dev/null
"$K" extract -j 3 --mentions-only $files > mo3.txt 2>/dev/null
cmp -s mo1.txt mo3.txt && [ -s mo1.txt ] && ok || bad "--mentions-only text files with -j 3"
# a missing file in the middle: its error, exit 1, no output
set -- $files
mid="$1 $2 $3 missing.txt $4 $5"
"$K" extract -j 1 $mid > m1.out 2> m1.err; r1=$?
"$K" extract -j 4 -o m4.json $mid 2> m4.err; r4=$?
[ "$r1" -eq 1 ] && [ "$r4" -eq 1 ] && ok || bad "missing file: exit $r1 / $r4"
cmp -s m1.err m4.err && grep -qF "missing.txt" m4.err && ok || bad "missing file: '$(cat m4.err)'"
[ ! -e m4.json ] && [ -z "$(ls -a | grep '\.tmp\.')" ] && ok || bad "missing file: output left"

# map and export read their articles on the workers too: the same map and
# the same layers, byte for byte, whatever -j.
"$K" map -j 1 --svg-text $files -o map1.svg 2>/dev/null
"$K" map -j 3 --svg-text $files -o map3.svg 2>/dev/null
[ -s map1.svg ] && cmp -s map1.svg map3.svg && ok || bad "map -j 3 differs from -j 1"
"$K" map --date 2024-02-10 -j 2 $files -o mapd.svg 2>/dev/null &&
    "$K" map --date 2024-02-10 -j 1 $files -o mapd1.svg 2>/dev/null &&
    cmp -s mapd.svg mapd1.svg && ok || bad "map --date -j 2 differs from -j 1"
"$K" export -j 1 $files -o layers1 2>/dev/null
"$K" export -j 4 $files -o layers4 2>/dev/null
[ -s layers1/events.csv ] && diff -r layers1 layers4 > /dev/null && ok ||
    bad "export -j 4 layers differ from -j 1"
run export -j 0 -j 2 $files -o layers5
expect_rc 2 "export -j twice"
run map --jobs x $files -o x.svg
expect_rc 2 "map --jobs x"
expect_err_has "bad --jobs 'x'" "map --jobs x"

# Long articles: memory follows the batches in flight (one per worker,
# then at most 4 MiB of input per job), not the number of slots.  Eight
# articles of 2 MB: -j 2 holds a few (under 4x the memory of -j 1), not all
# eight, as slots that kept their buffers did.  (Not under ASan,
# whose quarantine keeps freed memory.)
if [ "${KVM_SANITIZE:-OFF}" != ON ]; then
    python3 - > long.jsonl <<'PY'
import json
text = "M23 fighters seized Sake after clashes near Goma; thousands fled to Minova. " * 26000
for i in range(8):
    print(json.dumps({"id": "long%d" % i, "date": "2025-01-27", "text": text}))
PY
    /usr/bin/time -f %M -o rss1 "$K" extract --jsonl -j 1 long.jsonl > l1.jsonl
    /usr/bin/time -f %M -o rss2 "$K" extract --jsonl -j 2 long.jsonl > l2.jsonl
    cmp -s l1.jsonl l2.jsonl && ok || bad "long articles: -j 2 output differs"
    r1=$(tail -n 1 rss1) r2=$(tail -n 1 rss2)
    [ "$r2" -lt $((r1 * 4)) ] && ok || bad "long articles: -j 2 peak ${r2} KiB, -j 1 ${r1} KiB"
fi

# The default worker count follows a cgroup CPU quota (a container given
# 1 CPU runs extract on one thread).  Only where this test may create a
# cgroup (root, cgroup v1 "cpu" controller mounted); skipped elsewhere, and
# under ThreadSanitizer, whose runtime has a thread of its own.
cg=/sys/fs/cgroup/cpu/kivumap-test-$$
if [ "$(id -u)" = 0 ] && [ "${KVM_TSAN:-OFF}" != ON ] && [ -w /sys/fs/cgroup/cpu ] &&
    mkdir "$cg" 2>/dev/null; then
    threads_in_cgroup() { # quota -> threads of extract running inside
        echo "$1" > "$cg/cpu.cfs_quota_us"
        bash -c "echo \$\$ > '$cg/cgroup.procs'; exec '$K' extract --jsonl in.jsonl in.jsonl in.jsonl in.jsonl" > /dev/null 2>&1 &
        local pid=$! n=0
        for _ in $(seq 50); do
            n=$(ls /proc/$pid/task 2>/dev/null | wc -l)
            [ "$n" -gt 0 ] && break
            sleep 0.02
        done
        sleep 0.1
        n=$(ls /proc/$pid/task 2>/dev/null | wc -l)
        wait $pid
        echo "$n"
    }
    t1=$(threads_in_cgroup 100000)
    t2=$(threads_in_cgroup 200000)
    rmdir "$cg" 2>/dev/null
    [ "$t1" -eq 1 ] && ok || bad "cgroup quota 1 CPU: $t1 threads, expected 1"
    [ "$t2" -eq 3 ] || [ "$(nproc)" -lt 2 ] && ok || bad "cgroup quota 2 CPUs: $t2 threads, expected 3"
fi

# Usage errors.
for v in -1 abc 257 "" 2x; do
    run extract --jsonl --jobs "$v" in.jsonl
    expect_rc 2 "--jobs '$v'"
    expect_err_has "bad --jobs '$v'" "--jobs '$v'"
done
run extract --jsonl -j 2 -j 3 in.jsonl
expect_rc 2 "-j twice"
expect_err_has "given twice" "-j twice"

echo "cli_extract_jobs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
