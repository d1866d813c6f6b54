# bash completion for ocirt, the OCI container runtime.
# Installed as share/bash-completion/completions/ocirt (bash-completion loads it on the first <TAB> after
# "ocirt"); or source this file from ~/.bashrc. It needs nothing but bash itself.
#
# It completes the commands, the global flags and each command's flags, the values of flags that take a
# known set (--log-format, --format, --kind, --manage-cgroups-mode, --cap, --rootless), files and
# directories for the flags that name one, signal names for `kill`, and container ids from `ocirt list`
# (with the --root given on the line, if any; filtered by state where a command needs one).
#
# The flag lists below are checked against `ocirt CMD --help` by tests/docs/flags.sh: keep them in step.

_ocirt_commands="checkpoint create delete events exec features kill list ls pause ps restore resume run spec start state update validate"
_ocirt_global_flags="--root --log --log-format --debug --systemd-cgroup --criu --rootless -h --help -v --version"
_ocirt_global_valued="--root --log --log-format --criu --rootless"

declare -gA _ocirt_flags=(
    [checkpoint]="--image-path --work-path --parent-path --leave-running --tcp-established --ext-unix-sk --shell-job --file-locks --pre-dump --manage-cgroups-mode --auto-dedup --lazy-pages --page-server --empty-ns --status-fd"
    [create]="-b --bundle --pid-file --console-socket --preserve-fds --no-pivot --no-new-keyring"
    [delete]="-f --force"
    [events]="--stats --interval"
    [exec]="-p --process --console-socket --pid-file --cwd -e --env -u --user -g --additional-gids -c --cap --apparmor --process-label --preserve-fds -d --detach -t --tty --no-new-privs"
    [features]=""
    [kill]="-a --all"
    [list]="-f --format -q --quiet"
    [pause]=""
    [ps]="-f --format"
    [restore]="--image-path --work-path -b --bundle -d --detach --pid-file --console-socket --no-subreaper --no-pivot --manage-cgroups-mode --tcp-established --ext-unix-sk --shell-job --file-locks --auto-dedup --lazy-pages --empty-ns"
    [resume]=""
    [run]="-b --bundle --pid-file --console-socket --preserve-fds --no-pivot --no-new-keyring -d --detach --no-subreaper --keep"
    [spec]="-b --bundle --rootless"
    [start]=""
    [state]=""
    [update]="-r --resources --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-rt-period --cpu-rt-runtime --cpu-idle --cpu-burst --cpuset-cpus --cpuset-mems --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp --pids-limit --l3-cache-schema --mem-bw-schema"
    [validate]="-b --bundle --kind"
)

# The flags above that take a value (the next word is that value, not an argument).
declare -gA _ocirt_valued=(
    [checkpoint]="--image-path --work-path --parent-path --manage-cgroups-mode --page-server --empty-ns --status-fd"
    [create]="-b --bundle --pid-file --console-socket --preserve-fds"
    [delete]=""
    [events]="--interval"
    [exec]="-p --process --console-socket --pid-file --cwd -e --env -u --user -g --additional-gids -c --cap --apparmor --process-label --preserve-fds"
    [features]=""
    [kill]=""
    [list]="-f --format"
    [pause]=""
    [ps]="-f --format"
    [restore]="--image-path --work-path -b --bundle --pid-file --console-socket --manage-cgroups-mode --empty-ns"
    [resume]=""
    [run]="-b --bundle --pid-file --console-socket --preserve-fds"
    [spec]="-b --bundle"
    [start]=""
    [state]=""
    [update]="-r --resources --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-rt-period --cpu-rt-runtime --cpu-idle --cpu-burst --cpuset-cpus --cpuset-mems --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp --pids-limit --l3-cache-schema --mem-bw-schema"
    [validate]="-b --bundle --kind"
)

_ocirt_signals="HUP INT QUIT ILL TRAP ABRT IOT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO POLL PWR SYS RTMIN RTMAX"

_ocirt_caps="CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM"

# _ocirt_in WORD LIST: WORD is one of the space-separated LIST.
_ocirt_in() { [[ " $2 " == *" $1 "* ]]; }

# _ocirt_long WORD: runc's single-dash long flags (-root, -bundle) read as their double-dash form.
_ocirt_long() {
    if [[ $1 == -[a-z]?* && $1 != --* && ${#1} -gt 2 ]]; then printf '%s' "-$1"; else printf '%s' "$1"; fi
}

# _ocirt_ids BIN ROOT [STATUS...]: the ids of the containers under ROOT (the default root when empty),
# only those in one of STATUS when given. Reads the table of `list`: ID PID STATUS ...
_ocirt_ids() {
    local bin=$1 root=$2
    shift 2
    local want=" $* "
    "$bin" ${root:+--root "$root"} list 2>/dev/null |
        while read -r id _ status _; do
            [ "$id" = ID ] && continue
            if [ "$want" = "  " ] || [[ $want == *" $status "* ]]; then printf '%s\n' "$id"; fi
        done
}

# _ocirt_value FLAG CUR: fill COMPREPLY with what may follow FLAG.
_ocirt_value() {
    local flag=$1 cur=$2
    case $flag in
        --root | --bundle | -b | --image-path | --work-path | --parent-path)
            compopt -o filenames 2> /dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
        --log | --criu | --pid-file | --process | -p | --console-socket | --resources | -r)
            compopt -o filenames 2> /dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        --log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur") ;;
        --format | -f) mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur") ;;
        --kind) mapfile -t COMPREPLY < <(compgen -W "config state features process" -- "$cur") ;;
        --empty-ns) mapfile -t COMPREPLY < <(compgen -W "network" -- "$cur") ;;
        --manage-cgroups-mode) mapfile -t COMPREPLY < <(compgen -W "soft full strict ignore" -- "$cur") ;;
        --rootless) mapfile -t COMPREPLY < <(compgen -W "true false auto" -- "$cur") ;;
        --cap | -c) mapfile -t COMPREPLY < <(compgen -W "$_ocirt_caps" -- "$cur") ;;
        *) COMPREPLY=() ;;
    esac
}

_ocirt() {
    COMPREPLY=()
    local cur=${COMP_WORDS[COMP_CWORD]}
    local bin=${COMP_WORDS[0]}
    bin=${bin/#\~/$HOME}
    command -v "$bin" > /dev/null 2>&1 || bin=ocirt

    # Walk the words before the cursor: global flags (and --root's value), the command, its flags, and how
    # many arguments it has had. A word "=" is bash splitting --flag=value at the "=".
    local i w cmd="" root="" nargs=0 valued=$_ocirt_global_valued pending="" dashdash=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [ -n "$pending" ]; then
            if [ "$w" = "=" ]; then continue; fi
            [ "$pending" = --root ] && root=$w
            pending=""
            continue
        fi
        if [ "$dashdash" = 0 ] && [[ $w == -?* ]]; then
            [ "$w" = "--" ] && { dashdash=1; continue; }
            w=$(_ocirt_long "$w")
            if [[ $w == *=* ]]; then
                [ "${w%%=*}" = --root ] && [ -z "$cmd" ] && root=${w#*=}
                continue
            fi
            _ocirt_in "$w" "$valued" && pending=$w
            continue
        fi
        if [ -z "$cmd" ]; then
            cmd=$w
            [ "$cmd" = ls ] && cmd=list
            valued=${_ocirt_valued[$cmd]-}
        else
            nargs=$((nargs + 1))
        fi
    done

    # The value of a flag: after "--flag", "--flag =" or in "--flag=va".
    local prev=${COMP_WORDS[COMP_CWORD - 1]-} flag=""
    if [ "$COMP_CWORD" -gt 1 ] && [ "$prev" = "=" ]; then
        flag=$(_ocirt_long "${COMP_WORDS[COMP_CWORD - 2]}")
        [ "$cur" = "=" ] && cur=""
    elif [ "$cur" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
        flag=$(_ocirt_long "$prev") cur=""
    elif [ -n "$pending" ]; then
        flag=$pending
    fi
    if [ -n "$flag" ] && _ocirt_in "$flag" "$valued"; then
        _ocirt_value "$flag" "$cur"
        return 0
    fi
    if [[ $cur == --*=* ]]; then
        flag=${cur%%=*}
        if _ocirt_in "$flag" "$valued"; then
            _ocirt_value "$flag" "${cur#*=}"
            local k
            for k in "${!COMPREPLY[@]}"; do COMPREPLY[k]=$flag=${COMPREPLY[k]}; done
        fi
        return 0
    fi

    if [ -z "$cmd" ]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$_ocirt_global_flags" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$_ocirt_commands" -- "$cur")
        fi
        return 0
    fi
    [ "${_ocirt_flags[$cmd]+set}" = set ] || return 0

    # exec and ps hand everything after the id to the process (or to ps): nothing of ours to complete there.
    if { [ "$cmd" = exec ] || [ "$cmd" = ps ]; } && [ "$nargs" -ge 1 ]; then return 0; fi
    if [[ $cur == -* ]] && [ "$dashdash" = 0 ]; then
        mapfile -t COMPREPLY < <(compgen -W "${_ocirt_flags[$cmd]} --help" -- "$cur")
        return 0
    fi

    local ids=""
    case $cmd:$nargs in
        start:0) ids=$(_ocirt_ids "$bin" "$root" created) ;;
        kill:0) ids=$(_ocirt_ids "$bin" "$root" created running paused) ;;
        kill:1)
            if [[ $cur == [Ss][Ii][Gg]* ]]; then
                mapfile -t COMPREPLY < <(compgen -P SIG -W "$_ocirt_signals" -- "${cur:3}")
            else
                mapfile -t COMPREPLY < <(compgen -W "$_ocirt_signals" -- "${cur^^}")
            fi
            return 0 ;;
        exec:0 | pause:0 | checkpoint:0) ids=$(_ocirt_ids "$bin" "$root" running created) ;;
        resume:0) ids=$(_ocirt_ids "$bin" "$root" paused) ;;
        update:0 | events:0 | ps:0) ids=$(_ocirt_ids "$bin" "$root" created running paused) ;;
        delete:0 | state:0) ids=$(_ocirt_ids "$bin" "$root") ;;
        validate:0)
            compopt -o filenames 2> /dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0 ;;
        *) return 0 ;;   # create, run and restore name a new container; nothing else takes arguments
    esac
    mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")
    return 0
}

complete -F _ocirt ocirt
