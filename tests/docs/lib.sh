# shellcheck shell=bash
# Shared by the docs tests (man pages, bash completion): where things are, TAP output, and reading the flags
# that `ocirt --help` and the man pages list. No root needed; nothing here touches the system.
#   ok NAME / not_ok NAME [DETAIL] / skip NAME REASON / is NAME ACTUAL EXPECTED / finish
set -u

DOCS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BUILD_DIR:=build}"
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$DOCS_REPO/$BUILD_DIR ;; esac
: "${OCIRT_BIN:=$BUILD_DIR/src/ocirt}"
MAN_DIR=$DOCS_REPO/man
COMPLETION=$DOCS_REPO/contrib/completion/ocirt.bash
T_N=0
T_FAILED=0

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() {
    T_N=$((T_N + 1)) T_FAILED=$((T_FAILED + 1))
    echo "not ok $T_N - $1"
    [ -z "${2:-}" ] || sed 's/^/#   /' <<<"$2"
}
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      $2
expected: $3"; fi; }
finish() { echo "1..$T_N"; [ "$T_FAILED" = 0 ]; }

# help_flags [CMD]: the flags `ocirt [CMD] --help` lists, one "NAME KIND" a line (KIND: value or flag), sorted.
# CLI11 prints "  -b,--bundle TEXT   description"; a value's type is an upper-case word (TEXT, INT,
# TEXT:{text,json}). An option declared with no variable (--criu) shows no type although it takes a value.
help_flags() {
    "$OCIRT_BIN" "$@" --help 2>&1 | awk '
        /^[A-Za-z]/ { opts = ($0 ~ /^Options:/); next }
        opts && /^  -/ {
            kind = ($2 ~ /^(TEXT|INT|UINT|FLOAT|NUMBER|BOOLEAN|ENUM)([:[ ]|$)/) ? "value" : "flag"
            n = split($1, names, ",")
            for (i = 1; i <= n; i++) print names[i], kind
        }' | sort -u
}

# help_commands: the commands `ocirt --help` lists, aliases included, one a line, leaving out those marked
# "not implemented" (placeholders that are not commands yet).
help_commands() {
    "$OCIRT_BIN" --help 2>&1 | awk '
        /^[A-Za-z]/ { subs = ($0 ~ /^Subcommands:/); next }
        subs && /^  [a-z]/ && tolower($0) !~ /not implemented/ {
            line = $0; sub(/^  /, "", line); sub(/  .*/, "", line)
            n = split(line, names, ", *")
            for (i = 1; i <= n; i++) print names[i]
        }' | sort -u
}

# man_flags PAGE: the flags a man page documents under an .SH whose title has OPTIONS, from the tag line
# after each .TP ("\fB\-b\fR, \fB\-\-bundle\fR \fIdir\fR"), one "NAME KIND" a line like help_flags.
man_flags() {
    awk '
        /^\.SH/ { opts = ($0 ~ /OPTIONS/); prev = ""; next }
        opts && prev == ".TP" {
            line = $0
            gsub(/\\f[BIRP]/, "", line); gsub(/\\-/, "-", line)
            n = split(line, w, /[ ,]+/)
            kind = "flag"; k = 0
            for (i = 1; i <= n; i++) {
                if (w[i] ~ /^--?[A-Za-z0-9]/) names[++k] = w[i]
                else if (w[i] != "") kind = "value"
            }
            for (i = 1; i <= k; i++) print names[i], kind
        }
        { prev = $0 }' "$1" | sort -u
}

# man_commands: the commands ocirt(8) lists under COMMANDS (tag lines after .TP), aliases included.
man_commands() {
    awk '
        /^\.SH/ { cmds = ($0 ~ /COMMANDS/); prev = ""; next }
        cmds && prev == ".TP" {
            line = $0
            gsub(/\\f[BIRP]/, "", line); sub(/^\.B +/, "", line)
            n = split(line, w, /[ ,]+/)
            for (i = 1; i <= n; i++) if (w[i] != "") print w[i]
        }
        { prev = $0 }' "$MAN_DIR/ocirt.8" | sort -u
}
