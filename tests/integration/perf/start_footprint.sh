#!/bin/bash
# What a container start costs in memory (issue 2: no more peak RSS than crun's 3.3 MB): the functions `run`
# executes are the ones src/hot-sections.txt lays out together (scripts/hot-functions.sh --check), and the
# peak RSS of `ocirt run` of a /bin/true container stays under 3.3 MB.
. "$(dirname "$0")/../lib.sh"

ocirt_only() {
    [ "$(basename "$RUNTIME")" = ocirt ] || skip "measures ocirt's own binary"
}

test_hot_sections_cover_run() {
    ocirt_only
    command -v g++ >/dev/null && command -v nm >/dev/null || skip "needs g++ and nm (binutils)"
    local out
    out=$("$IT_REPO/scripts/hot-functions.sh" --check 90 "$RUNTIME" 2>&1) ||
        fail "src/hot-sections.txt is stale: $out"
    echo "# $out"
}

test_peak_rss_of_run() {
    ocirt_only
    [ -x /usr/bin/time ] || "$IT_REPO/scripts/install-deps.sh" time >&2 || skip "GNU time cannot be installed"
    local b kb i max=0
    b=$(new_bundle rss true)
    for i in 1 2 3; do
        kb=$(/usr/bin/time -f %M "$RUNTIME" --root "$IT_ROOT" run -b "$b" "$(new_id rss$i)" 2>&1 >/dev/null </dev/null | tail -1)
        [[ $kb =~ ^[0-9]+$ ]] || fail "no peak RSS from /usr/bin/time: $kb"
        [ "$kb" -gt "$max" ] && max=$kb
    done
    echo "# peak RSS of \`ocirt run\`: $max kB (largest of 3)"
    [ "$max" -le 3380 ] || fail "peak RSS $max kB is above crun's 3.3 MB (3380 kB)"
}

run_test "src/hot-sections.txt lists the functions \`run\` executes" test_hot_sections_cover_run
run_test "peak RSS of \`ocirt run\` at most crun's 3.3 MB" test_peak_rss_of_run
finish
