# bash completion for khabar's indexer and searcher.
# Installed twice, as .../bash-completion/completions/indexer and .../searcher,
# where bash-completion loads it on first use of either command.
# The option lists are checked against each program's --help by
# tests/e2e/completion.sh, so they cannot drift from the programs.

_khabar_indexer_options="-d --index --delete --format --batch-size --shards -j --jobs
    --window --overlap --strict --wait --compact --no-compact -q --quiet -V --version -h --help"
_khabar_searcher_options="-d --index -n --limit -f --format --per-article --all --batch
    --offset --count --explain --analyze
    -j --jobs --no-stopwords --title-weight --prf-docs --prf-terms --prf-weight --tag
    --allow-partial --remote-timeout --timing --color -V --version -h --help"

# _khabar_complete OPTIONS: completes the current word of the command line.
_khabar_complete()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --color=WHEN: bash splits the word at '=' (COMP_WORDBREAKS), so WHEN
    # follows the words "--color" and "=".
    if [ "$prev" = = ] && [ "${COMP_WORDS[COMP_CWORD - 2]}" = --color ] ||
        { [ "$cur" = = ] && [ "$prev" = --color ]; }; then
        [ "$cur" = = ] && cur=
        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
        return
    fi
    case $prev in
    -d | --index)
        # The index is a folder (or a stub file listing shards).
        COMPREPLY=($(compgen -d -- "$cur"))
        compopt -o filenames 2>/dev/null
        return
        ;;
    -f | --format)
        if [ "${COMP_WORDS[0]##*/}" = indexer ]; then
            COMPREPLY=($(compgen -W "auto text jsonl" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "text json trec tsv" -- "$cur"))
        fi
        return
        ;;
    --batch)
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        return
        ;;
    -n | --limit | --offset | -j | --jobs | --batch-size | --shards | --window | --overlap | \
        --title-weight | --prf-docs | --prf-terms | --prf-weight | --tag | --remote-timeout)
        return # a number or a word of the user's
        ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$1" -- "$cur"))
    elif [ "${COMP_WORDS[0]##*/}" = indexer ]; then
        # PATH...: article files and folders.
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
    # The searcher's other words are the query: nothing to complete.
}

_khabar_indexer() { _khabar_complete "$_khabar_indexer_options"; }
_khabar_searcher() { _khabar_complete "$_khabar_searcher_options"; }
complete -F _khabar_indexer indexer
complete -F _khabar_searcher searcher
