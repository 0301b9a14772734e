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
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "why-missing" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "why" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "rollout" -d 'Rollout status, history, undo and restart, as kubectl does them and beyond'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "replace" -d 'Replace pods node by node (for OnDelete DaemonSets), in batches, stopping at the first failure'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "pod" -d 'The DaemonSet\'s pod on a node (the one the controller keeps), or a node → pod table'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "logs" -d 'Print the logs of the DaemonSet\'s pod on a node (or on every node, prefixed)'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "exec" -d 'Run a command in the DaemonSet\'s pod on a node; its exit code becomes ours'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "describe" -d 'Show the DaemonSet in detail (kubectl describe style), or its pod on one node'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "list" -d 'List DaemonSets with kubectl\'s columns plus the nodes that need attention'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "ls" -d 'List DaemonSets with kubectl\'s columns plus the nodes that need attention'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "version" -d 'Print the version, git commit and build date'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "check" -d 'Lint DaemonSets for production pitfalls (live, a dump, or manifests such as `helm template … | kubectl ds check -f -`)'
complete -c kubectl-ds -n "__fish_kubectl_ds_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l node -d 'Only these nodes (repeatable). Without a DaemonSet, exactly one' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why-missing" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
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
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand why" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -f -a "status" -d 'Show the rollout\'s status (kubectl\'s words) and per-node progress; waits until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -f -a "history" -d 'List revisions with their images and the pods that run them'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -f -a "undo" -d 'Roll back to the previous (or a given) revision'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -f -a "restart" -d 'Restart every pod by changing the template\'s restartedAt annotation'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and not __fish_seen_subcommand_from status history undo restart help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s w -l watch -d 'Wait for the rollout to finish (`--watch=false` prints the state once)' -r -f -a "true\t''
false\t''"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'Give up after this long (0 = never), exit code 3' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l fail-fast -d 'Exit 3 as soon as a new pod is blocked (crash loop, image pull, mount failure)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l revision -d 'Show this revision\'s pod template' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l diff -d 'Show a unified diff of two revisions\' templates' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l to-revision -d 'The revision to roll back to (0 = the previous one)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l dry-run -d 'Dry run' -r -f -a "none\t'Change the cluster'
client\t'Print what would change; send nothing'
server\t'Send the change with dryRun=All: the server validates it and persists nothing'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from undo" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l dry-run -d 'Dry run' -r -f -a "none\t'Change the cluster'
client\t'Print what would change; send nothing'
server\t'Send the change with dryRun=All: the server validates it and persists nothing'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the rollout\'s status (kubectl\'s words) and per-node progress; waits until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "history" -d 'List revisions with their images and the pods that run them'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "undo" -d 'Roll back to the previous (or a given) revision'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart every pod by changing the template\'s restartedAt annotation'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l node -d 'Replace the pod on these nodes (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s l -l selector -d 'Replace the pods on nodes matching this label selector' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l max-unavailable -d 'Nodes replaced at once: a count or a percentage of the desired nodes (rounded up)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l grace-period -d 'Grace period for the deleted pods in seconds (default: the pod\'s own)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l timeout -d 'How long one node may take to get a Ready replacement' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l canary -d 'Replace this many nodes, then stop and print how to continue' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l pause -d 'Wait this long between batches' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l dry-run -d 'Dry run: `client` prints the plan, `server` sends the deletes with dryRun=All' -r -f -a "none\t'Change the cluster'
client\t'Print what would change; send nothing'
server\t'Send the change with dryRun=All: the server validates it and persists nothing'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l all-outdated -d 'Replace every pod of an older revision'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l force -d 'Also replace pods already on the current revision (a per-node restart); required for RollingUpdate DaemonSets'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand replace" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l node -d 'The node (repeatable)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l all-nodes -d 'Every node: a node → pod table'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand pod" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l node -d 'The node (repeatable; several nodes prefix each line with the node)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s l -l selector -d 'The nodes matching this label selector, lines prefixed as with --all-nodes' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s c -l container -d 'The container (default: the pod\'s kubectl.kubernetes.io/default-container, else the first)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l from-file -d 'Read container logs from a `kubectl cluster-info dump --output-directory` DIR instead of a live cluster (no short form here: -f is --follow). Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l since -d 'Only lines newer than this (e.g. 5s, 2m, 3h)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l tail -d 'Only the last N lines (-1 = all)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l max-log-requests -d 'Pods read at once with several nodes' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l all-nodes -d 'Every node that has a pod, each line prefixed with `[node/NODE pod/POD/CONTAINER]`'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s f -l follow -d 'Stream the logs'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s p -l previous -d 'The previous instance of the container (after a restart)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l timestamps -d 'Prefix each line with its RFC 3339 timestamp'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand logs" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l node -d 'The node' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s c -l container -d 'The container (default: as for logs)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s i -l stdin -d 'Pass stdin to the command'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s t -l tty -d 'Stdin is a TTY: with -i on a terminal, the command gets a terminal and ours is raw until the end; ignored without -i (as kubectl)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand exec" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l node -d 'Describe the pod on this node instead, with the node\'s why-missing verdict' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand describe" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s l -l selector -d 'Only DaemonSets whose labels match this selector (e.g. `app=agent,tier!=test`)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand list" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s l -l selector -d 'Only DaemonSets whose labels match this selector (e.g. `app=agent,tier!=test`)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand ls" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l fail-on -d 'Exit 3 when a finding of this severity or worse exists' -r -f -a "error\t'Errors only'
warning\t'Warnings and errors'
info\t'Any finding'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l disable -d 'Rules to turn off, by ID (comma-separated or repeated), e.g. DS203,DS301' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l max-rollout-duration -d 'DS403: warn when a rollout is estimated to take longer than this' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l max-outdated-age -d 'DS404: warn when OnDelete pods stay on an older revision longer than this (e.g. 7d, 36h)' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file to use' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s n -l namespace -d 'Namespace (default: the context\'s namespace, then "default")' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t'Nodes that need attention, with reasons and hints'
wide\t'Every node'
json\t'The JSON document (schema: docs/schema.md)'
yaml\t'The same document as YAML'
name\t'`kind/NAME` lines, for scripts (`pod` and `list` only)'
sarif\t'SARIF 2.1.0, for CI systems (`check` only)'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l color -d 'When to use colour (auto: on a terminal, unless NO_COLOR is set)' -r -f -a "auto\t'On a terminal when NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l request-timeout -d 'How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit). Watches and `logs --follow` streams are not limited by it' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s f -l from-file -d 'Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump --output-directory`. Repeatable' -r -F
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l now -d 'Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects' -r
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s A -l all-namespaces -d 'Look in every namespace'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -l no-headers -d 'Don\'t print table headers'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s v -l verbose -d 'Log every API request to stderr'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand check" -s V -l version -d 'Print version'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "why-missing" -d 'Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "rollout" -d 'Rollout status, history, undo and restart, as kubectl does them and beyond'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "replace" -d 'Replace pods node by node (for OnDelete DaemonSets), in batches, stopping at the first failure'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "pod" -d 'The DaemonSet\'s pod on a node (the one the controller keeps), or a node → pod table'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "logs" -d 'Print the logs of the DaemonSet\'s pod on a node (or on every node, prefixed)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "exec" -d 'Run a command in the DaemonSet\'s pod on a node; its exit code becomes ours'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "describe" -d 'Show the DaemonSet in detail (kubectl describe style), or its pod on one node'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "list" -d 'List DaemonSets with kubectl\'s columns plus the nodes that need attention'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "version" -d 'Print the version, git commit and build date'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "check" -d 'Lint DaemonSets for production pitfalls (live, a dump, or manifests such as `helm template … | kubectl ds check -f -`)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and not __fish_seen_subcommand_from why-missing rollout replace pod logs exec describe list version completion check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Show the rollout\'s status (kubectl\'s words) and per-node progress; waits until done'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "history" -d 'List revisions with their images and the pods that run them'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "undo" -d 'Roll back to the previous (or a given) revision'
complete -c kubectl-ds -n "__fish_kubectl_ds_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "restart" -d 'Restart every pod by changing the template\'s restartedAt annotation'
