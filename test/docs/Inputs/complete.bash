# Runs the bash completion the way bash does for a command line:
#   bash complete.bash SCRIPT WORD...   (the last WORD is the one being completed)
# and prints COMPREPLY, one candidate per line, sorted.
source "$1" || exit 2
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_moat
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | sort
