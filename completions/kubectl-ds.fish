# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_ds_global_optspecs
    string join \n kubeconfig= context= n/namespace= A/all-namespaces o/output= no-headers color= request-timeout= f/from-file= now= v/verbose h/help V/version
end

function __fish_kubectl_ds_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_ds_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_ds_using_subcommand
    set -l cmd (__fish_kubectl_ds_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'"
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l request-timeout -d 'How long to wait for one API request (e.g. 30s, 1m; 0 = no limit)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l now -d 'Judge as of this time (RFC 3339) instead of now: ages and minReadySeconds in a saved dump' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "why-missing" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "why" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l node -d 'Only these nodes (repeatable). Without a DaemonSet, exactly one' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l request-timeout -d 'How long to wait for one API request (e.g. 30s, 1m; 0 = no limit)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l now -d 'Judge as of this time (RFC 3339) instead of now: ages and minReadySeconds in a saved dump' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l node -d 'Only these nodes (repeatable). Without a DaemonSet, exactly one' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l request-timeout -d 'How long to wait for one API request (e.g. 30s, 1m; 0 = no limit)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l now -d 'Judge as of this time (RFC 3339) instead of now: ages and minReadySeconds in a saved dump' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l request-timeout -d 'How long to wait for one API request (e.g. 30s, 1m; 0 = no limit)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l now -d 'Judge as of this time (RFC 3339) instead of now: ages and minReadySeconds in a saved dump' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing completion help" -f -a "why-missing" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
