#!/usr/bin/env bash
# kivumap map from the command line: formats, options, bad inputs (exit codes,
# no partial files), the empty-event warning, frames, and the seed articles
# (Goma, Masisi, Katale and an advance arrow Katale -> Masisi, checked in the
# drawing log).  Prints "N passed, N failed".
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
SHARED=${SHARED:-}
work=$(pwd)/cli_map_work
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
pass=0; fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$1"; then ok; else bad "$1"; fi; }

# "WIDTH x HEIGHT" of a PNG, from its IHDR chunk
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d x %d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }

# exit code of a command, stderr kept in err.txt
code() { "$@" >out.txt 2>err.txt; echo $?; }

cat > a.txt <<'EOF'
date 2025-01-27
M23 rebels captured the town of Sake on Sunday after heavy fighting with the army.
Earlier last week the rebels took Minova. Thousands of people fled from Sake to Goma.
EOF
printf 'date 2025-01-27\nThe weather was mild and nothing happened.\n' > empty.txt

# formats by extension and by --format
check '[ "$(code "$K" map a.txt -o m.png --log m.log)" = 0 ]'
check '[ "$(cat out.txt)" = m.png ]'
check '[ -s m.png ] && [ "$(head -c 8 m.png | od -An -c | tr -d " ")" = "211PNG\r\n032\n" ]'
check '[ "$(code "$K" map a.txt -o m.svg)" = 0 ] && grep -q "<svg" m.svg'
check 'rsvg-convert -o m_svg.png m.svg 2>/dev/null'
check '[ "$(code "$K" map a.txt -o m.pdf --paper A3)" = 0 ]'
check 'pdfinfo m.pdf | grep -q "1190.55 x 841.89"'
check '[ "$(code "$K" map a.txt --format svg -o m_fmt.out)" = 0 ] && grep -q "<svg" m_fmt.out'
# editable SVG text: <text> elements with the names, no glyph outlines,
# readable by rsvg-convert, the same bytes twice; a repeated flag is a usage error
check '[ "$(code "$K" map a.txt --svg-text -o t.svg)" = 0 ] && grep -q ">Sake</text>" t.svg && grep -q ">Goma</text>" t.svg'
check '! grep -q "<symbol" t.svg && rsvg-convert -o t_svg.png t.svg 2>/dev/null'
check '"$K" map a.txt --svg-text -o t2.svg >/dev/null 2>&1 && cmp -s t.svg t2.svg'
check '[ "$(code "$K" map a.txt --svg-text --svg-text -o t3.svg)" = 2 ] && [ ! -e t3.svg ]'
# determinism across processes
"$K" map a.txt -o m2.png >/dev/null 2>&1; "$K" map a.txt -o m2.svg >/dev/null 2>&1
"$K" map a.txt -o m2.pdf --paper A3 >/dev/null 2>&1
check 'cmp -s m.png m2.png && cmp -s m.svg m2.svg && cmp -s m.pdf m2.pdf'
# the default output path
check '[ "$(code "$K" map a.txt)" = 0 ] && [ -s output/a.png ] && [ "$(cat out.txt)" = output/a.png ]'
# sizes, themes, options
check '[ "$(code "$K" map a.txt -o w.png --width 800 --height 600 --theme dark --no-inset --claims)" = 0 ]'
check '[ "$(png_size w.png)" = "800 x 600" ]'
check '[ "$(code "$K" map a.txt -o b.png --bbox 28.6,-2.0,29.4,-1.3 --title "Test title")" = 0 ]'
check '[ "$(code "$K" map a.txt -o p.png --paper A4 --dpi 100)" = 0 ] && [ "$(png_size p.png)" = "1169 x 827" ]'

# bad inputs: exit 2 with a message naming the value, nothing written
check '[ "$(code "$K" map a.txt -o x.png --bbox 1,2,3)" = 2 ] && grep -q "1,2,3" err.txt'
check '[ "$(code "$K" map a.txt -o x.png --bbox 29,-1,28,-2)" = 2 ]'
check '[ "$(code "$K" map a.txt -o x.png --width 0)" = 2 ] && grep -q "'"'"'0'"'"'" err.txt'
check '[ "$(code "$K" map a.txt -o x.png --width 100000)" = 2 ] && grep -q 100000 err.txt'
check '[ "$(code "$K" map a.txt -o x.png --theme neon)" = 2 ]'
check '[ "$(code "$K" map a.txt -o x.jpg)" = 2 ]'
check '[ "$(code "$K" map a.txt -o x.png --bogus)" = 2 ]'
check '[ "$(code "$K" map)" = 2 ]'
check '[ ! -e x.png ] && [ ! -e x.jpg ]'
check '[ "$(code "$K" map nope.txt -o x.png)" = 1 ] && grep -q "nope.txt" err.txt'
check '[ "$(code "$K" map a.txt -o no/such/dir/x.png)" = 1 ] && grep -q "x.png" err.txt'
mkdir -p ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
  check '[ "$(code "$K" map a.txt -o ro/x.png)" = 1 ]'
fi
check '[ -z "$(ls -A ro)" ]'
check '[ -z "$(ls -a . | grep "\.tmp\.")" ]'
check '[ "$(code "$K" map a.txt -o x.png --layer nope.shp)" = 1 ] && grep -q nope.shp err.txt'
check '[ ! -e x.png ]'

# an empty event set: the base map, a warning, exit 0
check '[ "$(code "$K" map empty.txt -o e.png)" = 0 ] && [ -s e.png ]'
check 'grep -q "warning: no events found; drawing the base map only" err.txt'

# events read back from extract's JSON, and JSON Lines
if "$K" extract a.txt -o ev.json 2>/dev/null && "$K" extract --format jsonl a.txt -o ev.jsonl 2>/dev/null; then
  check '[ "$(code "$K" map --events ev.json -o ev.png)" = 0 ] && [ -s ev.png ]'
  check '[ "$(code "$K" map --events ev.jsonl -o evl.png)" = 0 ] && [ -s evl.png ]'
fi

# frames
check '[ "$(code "$K" map a.txt --frames fr -o f.png --width 600)" = 0 ] && [ -s fr/frame-001.png ]'

# the seed articles
if [ -n "$SHARED" ] && [ -d "$SHARED/seeds" ]; then
  check '[ "$(code "$K" map "$SHARED"/seeds/*.txt -o seeds.png --log seeds.log)" = 0 ]'
  check 'grep -qP "^event\t[^\t]*\tcapture\tmasisi-town\t" seeds.log'
  check 'grep -qP "^event\t[^\t]*\tcapture\tkatale-masisi\t" seeds.log'
  check 'grep -qP "^advance\tM23\tkatale-masisi\tmasisi-town\t" seeds.log'
  check 'grep -qP "^label\tgoma\t" seeds.log'
  check 'grep -qP "^label\tmasisi-town\t" seeds.log && grep -qP "^label\tkatale-masisi\t" seeds.log'
fi

echo "cli_map: $pass passed, $fail failed"
[ "$fail" = 0 ]
