#!/bin/bash
# The bash completion (contrib/completion/ocirt.bash) completes what it should: it is sourced, COMP_WORDS
# and COMP_CWORD are set as bash sets them for a command line, _ocirt is called, and COMPREPLY is checked.
# As root, two real containers (one running, one created) in a private --root check the id completion; they
# are deleted at exit whatever happens. TAP output.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$OCIRT_BIN" ] || { echo "not ok 1 - $OCIRT_BIN not built"; exit 1; }
# shellcheck source=../../contrib/completion/ocirt.bash
. "$COMPLETION" || { echo "not ok 1 - source $COMPLETION"; exit 1; }

tmp=$(mktemp -d /tmp/ocirt-docs-completion.XXXXXX)
root=$tmp/state
ids=()
cleanup() {
    local id
    for id in "${ids[@]}"; do "$OCIRT_BIN" --root "$root" delete --force "$id" > /dev/null 2>&1; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# complete WORD...: the candidates for the last WORD (the one under the cursor, "" for a new word), sorted,
# on one line. The first word is the ocirt binary under test, as if typed by path.
complete_() {
    COMP_WORDS=("$OCIRT_BIN" "$@")
    COMP_CWORD=$#
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _ocirt
    printf '%s\n' "${COMPREPLY[@]}" | grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//'
}
sorted() { tr ' ' '\n' <<<"$*" | grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//'; }

is "complete -F _ocirt ocirt is registered" "$(complete -p ocirt 2>/dev/null)" "complete -F _ocirt ocirt"
is "ocirt <TAB>: every command" "$(complete_ "")" "$(sorted "$_ocirt_commands")"
is "ocirt st<TAB>: start state" "$(complete_ st)" "start state"
is "ocirt --ro<TAB>: --root --rootless" "$(complete_ --ro)" "--root --rootless"
is "ocirt --sys<TAB>: --systemd-cgroup" "$(complete_ --sys)" "--systemd-cgroup"
is "ocirt --log-format <TAB>: text json" "$(complete_ --log-format "")" "json text"
is "ocirt --log-format=j<TAB> (bash splits at =): json" "$(complete_ --log-format = j)" "json"
is "ocirt --debug --root /x r<TAB>: commands after global flags" "$(complete_ --debug --root /x r)" "restore resume run"
is "ocirt exec --<TAB>: exec's flags" "$(complete_ exec --)" \
    "$(sorted "$(tr ' ' '\n' <<<"${_ocirt_flags[exec]} --help" | grep -- '^--')")"
ex=$(complete_ exec -) lacking=""
for f in --cwd --env --tty --detach --process --user --cap -t -e; do [[ " $ex " == *" $f "* ]] || lacking+=" $f"; done
is "ocirt exec -<TAB> offers --cwd --env --tty --detach --process --user --cap -t -e" "$lacking" ""
is "ocirt exec --cap CAP_NET_A<TAB>" "$(complete_ exec --cap CAP_NET_A)" "CAP_NET_ADMIN"
is "ocirt exec ID --<TAB>: nothing (the process's own arguments)" "$(complete_ exec someid --)" ""
is "ocirt ls -<TAB>: list's flags" "$(complete_ ls -)" "$(sorted "${_ocirt_flags[list]} --help")"
is "ocirt list --format <TAB>: table json" "$(complete_ list --format "")" "json table"
is "ocirt validate --kind <TAB>" "$(complete_ validate --kind "")" "config features process state"
is "ocirt create -b /x <TAB>: nothing (a new id)" "$(complete_ create -b /x "")" ""
is "ocirt kill ID <TAB>: signal names" "$(complete_ kill someid "")" "$(sorted "$_ocirt_signals")"
is "ocirt kill ID SIGK<TAB>: SIGKILL" "$(complete_ kill someid SIGK)" "SIGKILL"
is "ocirt kill -a ID u<TAB>: USR1 USR2" "$(complete_ kill -a someid u)" "URG USR1 USR2"

# Files and directories.
mkdir -p "$tmp/files/bundle-dir"
: > "$tmp/files/bundle-file"
: > "$tmp/files/process.json"
is "ocirt run --bundle DIR/<TAB>: directories only" "$(complete_ run --bundle "$tmp/files/b")" "$tmp/files/bundle-dir"
is "ocirt -root DIR/<TAB> (runc's single dash): directories" "$(complete_ -root "$tmp/files/b")" "$tmp/files/bundle-dir"
is "ocirt exec -p FILE<TAB>: files" "$(complete_ exec -p "$tmp/files/pro")" "$tmp/files/process.json"
is "ocirt run --pid-file=FILE<TAB> (one word)" "$(complete_ run "--pid-file=$tmp/files/bundle-f")" \
    "--pid-file=$tmp/files/bundle-file"

# Container ids, from `ocirt list` under the --root given on the line.
if [ "$(id -u)" != 0 ]; then
    skip "container ids" "needs root to run containers"
    finish
    exit
fi
b=$tmp/bundle
mkdir -p "$b"
"$DOCS_REPO/scripts/make-rootfs.sh" "$b/rootfs" > /dev/null
(cd "$b" && "$OCIRT_BIN" spec)
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$b/config.json" > "$b/c.json" && mv "$b/c.json" "$b/config.json"
run_id=docs-run-$$ created_id=docs-created-$$
ids=("$run_id" "$created_id")
"$OCIRT_BIN" --root "$root" run -d -b "$b" "$run_id" < /dev/null > /dev/null 2>&1
"$OCIRT_BIN" --root "$root" create -b "$b" "$created_id" < /dev/null > /dev/null 2>&1
is "two containers under the private root (running, created)" \
    "$("$OCIRT_BIN" --root "$root" list | awk 'NR > 1 {print $1 ":" $3}' | sort | tr '\n' ' ')" \
    "$created_id:created $run_id:running "
is "ocirt --root R kill <TAB>: the running and the created container" "$(complete_ --root "$root" kill "")" \
    "$(sorted "$created_id $run_id")"
is "ocirt --root R kill docs-r<TAB>: the running one" "$(complete_ --root "$root" kill docs-r)" "$run_id"
is "ocirt --root=R kill <TAB> (bash splits at =)" "$(complete_ --root = "$root" kill "")" "$(sorted "$created_id $run_id")"
is "ocirt --root R start <TAB>: only the created one" "$(complete_ --root "$root" start "")" "$created_id"
is "ocirt --root R resume <TAB>: none paused" "$(complete_ --root "$root" resume "")" ""
is "ocirt --root R exec -t <TAB>: ids" "$(complete_ --root "$root" exec -t "")" "$(sorted "$created_id $run_id")"
is "ocirt --root R delete -f <TAB>: every id" "$(complete_ --root "$root" delete -f "")" "$(sorted "$created_id $run_id")"
is "ocirt --root R kill ID <TAB>: signals, not ids" "$(complete_ --root "$root" kill "$run_id" KI)" "KILL"
other=$(complete_ kill "")
is "ocirt kill <TAB> without --root does not look in the private root" \
    "$([[ " $other " == *" $run_id "* ]] && echo found || echo absent)" absent
finish
