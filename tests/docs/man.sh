#!/bin/bash
# The man pages render: `man -l` gives a page of text with its NAME and SYNOPSIS, and neither man (with
# --warnings) nor groff (-ww: every warning) has anything to say about the source; mandoc -Tlint too where
# mandoc is installed. Every page is installed by man/meson.build and `meson install --destdir` puts them in
# share/man/man8 (and the bash completion in share/bash-completion/completions). TAP output.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d /tmp/ocirt-docs-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export MANPAGER=cat PAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8

pages=$(cd "$MAN_DIR" && ls -- *.8)
for p in $pages; do
    f=$MAN_DIR/$p name=${p%.8}
    man --warnings -l "$f" > "$tmp/out" 2> "$tmp/err"
    lines=$(grep -c . "$tmp/out")
    if [ -s "$tmp/err" ]; then
        not_ok "$p: man -l renders it without a warning" "$(head -20 "$tmp/err")"
    elif [ "$lines" -lt 15 ] || ! grep -q '^NAME' "$tmp/out" || ! grep -q '^SYNOPSIS' "$tmp/out" ||
        ! grep -qE "^ *$name +- " "$tmp/out"; then
        not_ok "$p: man -l renders a page with NAME ($name - ...) and SYNOPSIS" "$(head -20 "$tmp/out")"
    else
        ok "$p: man -l renders it without a warning ($lines lines)"
    fi
    # The title line names the page as its file does.
    is "$p: .TH names it ${name^^}(8)" "$(sed -n 's/\\-/-/g; s/^\.TH \([^ ]*\) \([0-9]\) .*/\1(\2)/p' "$f")" "${name^^}(8)"
    if groff -man -Tutf8 -ww -z "$f" > "$tmp/err" 2>&1 && [ ! -s "$tmp/err" ]; then
        ok "$p: groff -man -ww finds nothing to warn about"
    else
        not_ok "$p: groff -man -ww finds nothing to warn about" "$(head -20 "$tmp/err")"
    fi
    if command -v mandoc > /dev/null; then
        if mandoc -Tlint -W warning "$f" > "$tmp/err" 2>&1; then ok "$p: mandoc -Tlint"
        else not_ok "$p: mandoc -Tlint" "$(head -20 "$tmp/err")"; fi
    fi
    # Every ocirt page it refers to exists.
    refs=$(grep -oE '^\.BR ocirt(\\-[a-z]+)? \(8\)' "$f" | sed 's/^\.BR //; s/\\-/-/; s/ (8)//' | sort -u)
    dangling=""
    for r in $refs; do [ -f "$MAN_DIR/$r.8" ] || dangling="$dangling $r(8)"; done
    is "$p: the ocirt pages it refers to exist" "$dangling" ""
done
command -v mandoc > /dev/null || skip "mandoc -Tlint" "mandoc is not installed (groff -ww checks the pages)"

listed=$(grep -oE "'ocirt[a-z-]*\.8'" "$MAN_DIR/meson.build" | tr -d "'" | sort)
oneline() { tr '\n' ' ' <<<"$1" | sed 's/ *$//'; }
is "man/meson.build installs every page of man/" "$(oneline "$listed")" "$(oneline "$pages")"

# meson install into a scratch directory: the pages land in share/man/man8, the completion beside them.
if [ -f "$BUILD_DIR/build.ninja" ]; then
    if meson install -C "$BUILD_DIR" --no-rebuild --destdir "$tmp/dest" > "$tmp/install.log" 2>&1; then
        man8=$(find "$tmp/dest" -type d -path '*/share/man/man8' | head -1)
        is "meson install --destdir: every page in share/man/man8" \
            "$( [ -n "$man8" ] && cd "$man8" && oneline "$(ls)")" "$(oneline "$pages")"
        comp=$(find "$tmp/dest" -type f -path '*/share/bash-completion/completions/ocirt' | head -1)
        is "meson install --destdir: share/bash-completion/completions/ocirt is contrib/completion/ocirt.bash" \
            "$( [ -n "$comp" ] && cmp -s "$comp" "$COMPLETION" && echo same)" same
    else
        not_ok "meson install --destdir" "$(tail -20 "$tmp/install.log")"
    fi
else
    skip "meson install --destdir" "$BUILD_DIR is not a meson build directory"
fi
finish
