//! `kubectl ds describe`: a kubectl-describe-like view of a DaemonSet, or of its pod on one node
//! with the node's why-missing verdict.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::Timestamp;

use super::safe::{Safe, escape, escape_lines, safe_writeln};
use super::table::Table;
use crate::analysis::age::human_duration;
use crate::analysis::labels::format_selector;
use crate::analysis::why_missing::NodeVerdict;
use crate::model::{
    ContainerSpec, ContainerState, ControllerRevision, DaemonSet, Event, Pod, ResourceList,
    Toleration, format_quantity,
};

/// What the DaemonSet view shows besides the DaemonSet.
pub struct DaemonSetView<'a> {
    /// The DaemonSet.
    pub ds: &'a DaemonSet,
    /// Its revisions, oldest first.
    pub revisions: Vec<&'a ControllerRevision>,
    /// Its pods' phases: (running, waiting, succeeded, failed).
    pub pod_phases: (usize, usize, usize, usize),
    /// Events about it, newest last.
    pub events: Vec<&'a Event>,
    /// The current revision hash, when known.
    pub current_revision: Option<&'a str>,
}

/// What the pod view shows.
pub struct PodView<'a> {
    /// The DaemonSet.
    pub ds: &'a DaemonSet,
    /// The node.
    pub node: &'a str,
    /// The node's pod, if any.
    pub pod: Option<&'a Pod>,
    /// Other pods of the DaemonSet on the node.
    pub others: Vec<&'a Pod>,
    /// Events about the pod, newest last.
    pub events: Vec<&'a Event>,
    /// The node's verdict.
    pub verdict: NodeVerdict,
}

fn map_text(map: &BTreeMap<String, String>, indent: usize) -> String {
    if map.is_empty() {
        return "<none>".to_owned();
    }
    map.iter()
        .map(|(k, v)| format!("{}={}", Safe(k), Safe(v)))
        .collect::<Vec<_>>()
        .join(&format!("\n{}", " ".repeat(indent)))
}

fn toleration_text(t: &Toleration) -> String {
    let mut s = if t.key.is_empty() {
        String::new()
    } else {
        t.key.clone()
    };
    if t.operator == "Exists" {
        if !t.key.is_empty() {
            s.push(' ');
        }
        s.push_str("op=Exists");
    } else if !t.value.is_empty() {
        s.push_str(&format!("={}", t.value));
    }
    if !t.effect.is_empty() {
        s.push_str(&format!(":{}", t.effect));
    }
    if let Some(secs) = t.toleration_seconds {
        s.push_str(&format!(" for {secs}s"));
    }
    s
}

fn resources_text(list: &ResourceList) -> Vec<String> {
    list.iter()
        .map(|(k, v)| format!("{k}:  {}", format_quantity(k, v)))
        .collect()
}

fn write_container<W: Write + ?Sized>(out: &mut W, c: &ContainerSpec, pad: &str) -> io::Result<()> {
    safe_writeln!(out, "{pad}{}:", c.name)?;
    safe_writeln!(out, "{pad}  Image:  {}", c.image)?;
    if c.ports.is_empty() {
        safe_writeln!(out, "{pad}  Port:   <none>")?;
    }
    for p in &c.ports {
        let proto = if p.protocol.is_empty() {
            "TCP"
        } else {
            &p.protocol
        };
        safe_writeln!(out, "{pad}  Port:   {}/{proto}", p.container_port)?;
        if let Some(h) = p.host_port.filter(|h| *h != 0) {
            safe_writeln!(out, "{pad}  Host Port:  {h}/{proto}")?;
        }
    }
    if let Some(r) = &c.resources {
        if !r.limits.is_empty() {
            safe_writeln!(out, "{pad}  Limits:")?;
            for line in resources_text(&r.limits) {
                safe_writeln!(out, "{pad}    {line}")?;
            }
        }
        if !r.requests.is_empty() {
            safe_writeln!(out, "{pad}  Requests:")?;
            for line in resources_text(&r.requests) {
                safe_writeln!(out, "{pad}    {line}")?;
            }
        }
    }
    Ok(())
}

fn age(now: Timestamp, t: Option<Timestamp>) -> String {
    t.map_or_else(
        || "<unknown>".to_owned(),
        |t| human_duration(now.duration_since(t)),
    )
}

/// kubectl's Events table: Type, Reason, Age (`5m (x3 over 1h)`), From, Message; newest last.
fn write_events<W: Write + ?Sized>(
    out: &mut W,
    events: &[&Event],
    now: Timestamp,
) -> io::Result<()> {
    if events.is_empty() {
        return writeln!(out, "Events:  <none>");
    }
    writeln!(out, "Events:")?;
    let mut table = Table::new(&["type", "reason", "age", "from", "message"]);
    for e in events {
        let mut when = age(now, e.last_seen());
        let n = e.occurrences();
        if n > 1 {
            let first = e.first_timestamp.or(e.event_time);
            when = match first {
                Some(f) => format!("{when} (x{n} over {})", age(now, Some(f))),
                None => format!("{when} (x{n})"),
            };
        }
        table.row(vec![
            e.type_.clone(),
            e.reason.clone(),
            when,
            e.from().to_owned(),
            e.message.trim().replace('\n', " "),
        ]);
    }
    let mut text = Vec::new();
    table.write(&mut text, true)?;
    let text = String::from_utf8_lossy(&text);
    let mut lines = text.lines();
    if let Some(header) = lines.next() {
        writeln!(out, "  {header}")?;
        let dashes: String = header
            .chars()
            .map(|c| if c == ' ' { ' ' } else { '-' })
            .collect();
        writeln!(out, "  {dashes}")?;
    }
    for line in lines {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// Writes the DaemonSet view.
///
/// # Errors
/// On write failure.
pub fn write_daemon_set<W: Write + ?Sized>(
    out: &mut W,
    v: &DaemonSetView,
    now: Timestamp,
) -> io::Result<()> {
    let ds = v.ds;
    let spec = &ds.spec;
    let tpl = &spec.template;
    safe_writeln!(out, "Name:           {}", ds.metadata.name)?;
    safe_writeln!(out, "Namespace:      {}", ds.metadata.namespace)?;
    safe_writeln!(
        out,
        "Selector:       {}",
        spec.selector
            .as_ref()
            .map(format_selector)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".to_owned())
    )?;
    writeln!(
        out,
        "Node-Selector:  {}",
        map_text(&tpl.spec.node_selector, 16)
    )?;
    writeln!(out, "Labels:         {}", map_text(&ds.metadata.labels, 16))?;
    safe_writeln!(
        out,
        "Created:        {}",
        age(now, ds.metadata.creation_timestamp) + " ago"
    )?;
    let strategy = &spec.update_strategy;
    let mut strategy_text = strategy.type_.clone();
    if strategy.type_ == "RollingUpdate" {
        let show = |v: &Option<crate::model::IntOrString>, default: &str| match v {
            Some(crate::model::IntOrString::Int(i)) => i.to_string(),
            Some(crate::model::IntOrString::String(s)) => s.clone(),
            None => default.to_owned(),
        };
        let ru = strategy.rolling_update.clone().unwrap_or_default();
        strategy_text.push_str(&format!(
            " (max unavailable {}, max surge {})",
            show(&ru.max_unavailable, "1"),
            show(&ru.max_surge, "0")
        ));
    }
    safe_writeln!(out, "Update Strategy:  {strategy_text}")?;
    safe_writeln!(out, "Min Ready Seconds:  {}", spec.min_ready_seconds)?;
    let st = &ds.status;
    safe_writeln!(
        out,
        "Desired Number of Nodes Scheduled: {}",
        st.desired_number_scheduled
    )?;
    safe_writeln!(
        out,
        "Current Number of Nodes Scheduled: {}",
        st.current_number_scheduled
    )?;
    safe_writeln!(
        out,
        "Number of Nodes Scheduled with Up-to-date Pods: {}",
        st.updated_number_scheduled.unwrap_or(0)
    )?;
    safe_writeln!(
        out,
        "Number of Nodes Scheduled with Available Pods: {}",
        st.number_available.unwrap_or(0)
    )?;
    safe_writeln!(out, "Number of Nodes Ready: {}", st.number_ready)?;
    safe_writeln!(
        out,
        "Number of Nodes Misscheduled: {}",
        st.number_misscheduled
    )?;
    let (running, waiting, succeeded, failed) = v.pod_phases;
    safe_writeln!(
        out,
        "Pods Status:  {running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"
    )?;
    safe_writeln!(out, "Pod Template:")?;
    writeln!(out, "  Labels:  {}", map_text(&tpl.metadata.labels, 11))?;
    if let Some(pc) = &tpl.spec.priority_class_name {
        safe_writeln!(out, "  Priority Class Name:  {pc}")?;
    }
    if !tpl.spec.init_containers.is_empty() {
        safe_writeln!(out, "  Init Containers:")?;
        for c in &tpl.spec.init_containers {
            write_container(out, c, "   ")?;
        }
    }
    safe_writeln!(out, "  Containers:")?;
    for c in &tpl.spec.containers {
        write_container(out, c, "   ")?;
    }
    if tpl.spec.tolerations.is_empty() {
        safe_writeln!(out, "  Tolerations:  <none>")?;
    } else {
        let t: Vec<String> = tpl
            .spec
            .tolerations
            .iter()
            .map(|t| escape(&toleration_text(t)).into_owned())
            .collect();
        writeln!(out, "  Tolerations:  {}", t.join("\n                "))?;
    }
    if v.revisions.is_empty() {
        safe_writeln!(out, "Revisions:  <none>")?;
    } else {
        safe_writeln!(out, "Revisions:")?;
        // Cells first, then padded, so revision, hash and age line up whatever their lengths.
        let mut rows: Vec<[String; 4]> = Vec::new();
        for r in &v.revisions {
            let images: Vec<String> = r
                .template()
                .and_then(|t| {
                    t.pointer("/spec/containers")
                        .and_then(|c| c.as_array())
                        .map(|cs| {
                            cs.iter()
                                .filter_map(|c| c.get("image").and_then(|i| i.as_str()))
                                .map(str::to_owned)
                                .collect()
                        })
                })
                .unwrap_or_default();
            let current = if Some(r.hash()) == v.current_revision && !r.hash().is_empty() {
                "  (current)"
            } else {
                ""
            };
            rows.push([
                r.revision.to_string(),
                r.hash().to_owned(),
                age(now, r.metadata.creation_timestamp),
                format!("{}{current}", images.join(",")),
            ]);
        }
        let widths: Vec<usize> = (0..3)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for [revision, hash, age, rest] in &rows {
            safe_writeln!(
                out,
                "  {revision:<w0$}  {hash:<w1$}  {age:<w2$}  {rest}",
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            )?;
        }
    }
    write_events(out, &v.events, now)
}

fn state_text(state: Option<&ContainerState>, now: Timestamp) -> Vec<String> {
    let Some(state) = state else {
        return vec!["<none>".to_owned()];
    };
    if let Some(r) = &state.running {
        let mut v = vec!["Running".to_owned()];
        if let Some(t) = r.started_at {
            v.push(format!("Started:  {t} ({} ago)", age(now, Some(t))));
        }
        return v;
    }
    if let Some(w) = &state.waiting {
        let mut v = vec!["Waiting".to_owned()];
        if let Some(r) = &w.reason {
            v.push(format!("Reason:   {r}"));
        }
        if let Some(m) = &w.message {
            v.push(format!("Message:  {}", m.replace('\n', " ")));
        }
        return v;
    }
    if let Some(t) = &state.terminated {
        let mut v = vec!["Terminated".to_owned()];
        if let Some(r) = &t.reason {
            v.push(format!("Reason:     {r}"));
        }
        if let Some(c) = t.exit_code {
            v.push(format!("Exit Code:  {c}"));
        }
        if let Some(s) = t.started_at {
            v.push(format!("Started:    {s}"));
        }
        return v;
    }
    vec!["<none>".to_owned()]
}

/// Writes the pod view: the node's verdict, then the pod, its containers and its events.
///
/// # Errors
/// On write failure.
pub fn write_pod<W: Write + ?Sized>(out: &mut W, v: &PodView, now: Timestamp) -> io::Result<()> {
    safe_writeln!(out, "DaemonSet:  {}", v.ds.key())?;
    safe_writeln!(out, "Node:       {}", v.node)?;
    safe_writeln!(out, "Verdict:    {}", v.verdict.verdict)?;
    for r in &v.verdict.reasons {
        safe_writeln!(out, "  {}: {}", r.code(), r.message)?;
        if let Some(h) = &r.hint {
            let h = escape_lines(h).replace('\n', "\n          ");
            writeln!(out, "    hint: {h}")?;
        }
    }
    let Some(pod) = v.pod else {
        safe_writeln!(out, "Pod:        <none>")?;
        return Ok(());
    };
    safe_writeln!(out, "Pod:        {}", pod.metadata.name)?;
    if !v.others.is_empty() {
        let names: Vec<&str> = v.others.iter().map(|p| p.metadata.name.as_str()).collect();
        safe_writeln!(out, "Other Pods: {}", names.join(", "))?;
    }
    safe_writeln!(
        out,
        "Created:    {} ago",
        age(now, pod.metadata.creation_timestamp)
    )?;
    safe_writeln!(
        out,
        "Status:     {}{}",
        crate::analysis::pods::pod_status(pod),
        if pod.is_bound() {
            ""
        } else {
            " (not yet bound to the node)"
        }
    )?;
    if let Some(rev) = pod
        .metadata
        .labels
        .get(crate::analysis::pods::REVISION_LABEL)
    {
        safe_writeln!(out, "Revision:   {rev}")?;
    }
    if let Some(m) = &pod.status.message {
        safe_writeln!(out, "Message:    {m}")?;
    }
    for (title, specs, statuses) in [
        (
            "Init Containers",
            &pod.spec.init_containers,
            &pod.status.init_container_statuses,
        ),
        (
            "Containers",
            &pod.spec.containers,
            &pod.status.container_statuses,
        ),
    ] {
        if specs.is_empty() {
            continue;
        }
        safe_writeln!(out, "{title}:")?;
        for c in specs {
            safe_writeln!(out, "  {}:", c.name)?;
            safe_writeln!(out, "    Image:          {}", c.image)?;
            let status = statuses.iter().find(|s| s.name == c.name);
            let state = state_text(status.and_then(|s| s.state.as_deref()), now);
            safe_writeln!(out, "    State:          {}", state[0])?;
            for line in &state[1..] {
                safe_writeln!(out, "      {line}")?;
            }
            if let Some(last) = status.and_then(|s| s.last_state.as_deref())
                && (last.running.is_some() || last.waiting.is_some() || last.terminated.is_some())
            {
                let last = state_text(Some(last), now);
                safe_writeln!(out, "    Last State:     {}", last[0])?;
                for line in &last[1..] {
                    safe_writeln!(out, "      {line}")?;
                }
            }
            safe_writeln!(
                out,
                "    Ready:          {}",
                if status.is_some_and(|s| s.ready) {
                    "True"
                } else {
                    "False"
                }
            )?;
            safe_writeln!(
                out,
                "    Restart Count:  {}",
                status.map_or(0, |s| s.restart_count)
            )?;
        }
    }
    if !pod.status.conditions.is_empty() {
        safe_writeln!(out, "Conditions:")?;
        for c in &pod.status.conditions {
            safe_writeln!(out, "  {}  {}", c.type_, c.status)?;
        }
    }
    write_events(out, &v.events, now)
}
