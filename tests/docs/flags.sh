#!/bin/bash
# The man pages and the bash completion list exactly the flags `ocirt --help` and `ocirt CMD --help` list,
# with the same ones taking a value, and the same commands. A command that ocirt does not offer yet (absent
# from --help, or marked "not implemented" there) is checked as soon as it is offered; until then its man page
# and its completion are checked against each other. TAP output.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$OCIRT_BIN" ] || { echo "not ok 1 - $OCIRT_BIN not built"; exit 1; }
# shellcheck source=../../contrib/completion/ocirt.bash
. "$COMPLETION" || { echo "not ok 1 - source $COMPLETION"; exit 1; }

# Global options CLI11 shows with no type although they take a value (declared without a variable in app.cpp).
untyped_valued=" --criu --rootless "

# fix_kinds: help_flags output with the untyped options marked as taking a value.
fix_kinds() {
    local name kind
    while read -r name kind; do
        [[ $untyped_valued == *" $name "* ]] && kind=value
        echo "$name $kind"
    done
}
# words LIST: a space-separated list as sorted lines; names FLAGS / valued FLAGS: columns of "NAME KIND".
words() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -u; }
names() { awk '{print $1}' <<<"$1" | sort -u; }
valued() { awk '$2 == "value" {print $1}' <<<"$1" | sort -u; }
without_help() { grep -vE '^(-h|--help)( |$)' || true; }
flat() { tr '\n' ' ' <<<"$1" | sed 's/ $//'; }

offered=$(help_commands)
documented=$(man_commands)

# ---- the global flags
g_help=$(help_flags | fix_kinds)
is "ocirt(8) documents the global flags of ocirt --help (with their values)" \
    "$(flat "$(man_flags "$MAN_DIR/ocirt.8")")" "$(flat "$g_help")"
is "completion: the global flags" "$(flat "$(words "$_ocirt_global_flags")")" "$(flat "$(names "$g_help")")"
is "completion: the global flags that take a value" \
    "$(flat "$(words "$_ocirt_global_valued")")" "$(flat "$(valued "$g_help")")"

# ---- the commands
missing=$(comm -23 <(echo "$offered") <(echo "$documented"))
is "every command of ocirt --help is under COMMANDS in ocirt(8)" "$(flat "$missing")" ""
is "completion: the commands are those of ocirt(8)" "$(flat "$(words "$_ocirt_commands")")" "$(flat "$documented")"
pages=$(cd "$MAN_DIR" && ls ocirt-*.8 | sed 's/^ocirt-//; s/\.8$//' | sort)
# Aliases (ls) have no page of their own: they are the commands that share a .TP line with another.
aliases=$(awk '/^\.SH/ { c = ($0 ~ /COMMANDS/) } c && p == ".TP" && /, / { gsub(/\\f[BIRP]/, ""); n = split($0, w, /, */); for (i = 2; i <= n; i++) print w[i] } { p = $0 }' \
    "$MAN_DIR/ocirt.8" | sort -u)
is "one page ocirt-CMD(8) for each command of ocirt(8) (aliases: $(flat "$aliases"))" \
    "$(flat "$pages")" "$(flat "$(comm -23 <(echo "$documented") <(echo "$aliases"))")"

# ---- each command's flags
for cmd in $pages; do
    page=$MAN_DIR/ocirt-$cmd.8
    m=$(man_flags "$page")
    c_names=$(words "${_ocirt_flags[$cmd]-}")
    c_valued=$(words "${_ocirt_valued[$cmd]-}")
    if grep -qx "$cmd" <<<"$offered"; then
        h=$(help_flags "$cmd" | without_help)
        is "ocirt-$cmd(8) documents the flags of 'ocirt $cmd --help'" "$(flat "$m")" "$(flat "$h")"
        is "completion: the flags of $cmd" "$(flat "$c_names")" "$(flat "$(names "$h")")"
        is "completion: the flags of $cmd that take a value" "$(flat "$c_valued")" "$(flat "$(valued "$h")")"
    else
        skip "ocirt-$cmd(8) against 'ocirt $cmd --help'" "ocirt does not offer '$cmd' yet"
        is "completion: the flags of $cmd are those of ocirt-$cmd(8) (until ocirt offers it)" \
            "$(flat "$c_names")" "$(flat "$(names "$m")")"
        is "completion: the flags of $cmd that take a value, as in ocirt-$cmd(8)" \
            "$(flat "$c_valued")" "$(flat "$(valued "$m")")"
    fi
done
finish
