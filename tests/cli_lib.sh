# Helpers sourced by the CLI test scripts in tests/cli/ (kept outside that
# directory so ctest does not run it as a test).  The caller sets K to the
# kivumap binary and pass=0, fail=0.
#   run ARGS...        runs kivumap; sets rc, out, err (and out.txt, err.txt)
#   expect_rc N MSG    exit code
#   expect_out S MSG   stdout contains S
#   expect_err S MSG   stderr is exactly S
#   expect_err_has S MSG  stderr contains S
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
run() {
    "$K" "$@" >out.txt 2>err.txt
    rc=$?
    out=$(cat out.txt)
    err=$(cat err.txt)
}
expect_rc() { [ "$rc" -eq "$1" ] && ok || bad "$2: exit $rc, expected $1 (stderr: $err)"; }
expect_out() { grep -qF -- "$1" out.txt && ok || bad "$2: stdout lacks '$1' (got: $out)"; }
expect_err() { [ "$err" = "$1" ] && ok || bad "$2: stderr '$err', expected '$1'"; }
expect_err_has() { grep -qF -- "$1" err.txt && ok || bad "$2: stderr lacks '$1' (got '$err')"; }
