"""`GET /metrics` in the Prometheus text format (issue 21), with prometheus-client.

Two kinds of figure: what the database keeps (read at each scrape, bot/store/metrics.py) and what
only the running process sees (refusals before anything is stored, intake latency), counted here.
Labels are closed sets (reasons the code names, transports, known lists), never text a sender chose.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.store.metrics import Snapshot

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# A `_created` series per counter doubles the output and tells an operator nothing here.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)

REFUSALS = Counter(
    "lacralo_refusals",
    "Inbound items refused before anything was stored, by door and reason",
    ["door", "reason"],
    registry=REGISTRY,
)
INTAKE_SECONDS = Histogram(
    "lacralo_intake_seconds",
    "Time from an item received to its answer (committed or refused), by door",
    ["door"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

# The doors an item comes through: the label values REFUSALS and INTAKE_SECONDS take.
DOORS = ("smtp", "lmtp", "zoom", "slack", "http", "connection")


def refused(door: str, reason: str) -> None:
    REFUSALS.labels(door=door, reason=reason).inc()


def took(door: str, seconds: float) -> None:
    INTAKE_SECONDS.labels(door=door).observe(seconds)


class _Stored(Collector):
    """The figures of one database snapshot, as metric families."""

    def __init__(self, found: Snapshot) -> None:
        self.found = found

    def collect(self) -> Iterator[Metric]:
        found = self.found
        yield _counter(
            "lacralo_posts_received", "List posts received, by list", "list", found.posts_received
        )
        yield _counter(
            "lacralo_posts_counted",
            "List posts that count as participation (a list of the region file, a member)",
            "list",
            found.posts_counted,
        )
        held = CounterMetricFamily(
            "lacralo_posts_held",
            "List posts held for review (untrusted relay, no valid DKIM), by list and state",
            labels=["list", "state"],
        )
        for (list_id, state), posts in sorted(found.posts_held.items()):
            held.add_metric([list_id, state], posts)
        yield held
        yield _counter("lacralo_joins", "Call joins recorded, by meeting", "meeting", found.joins)
        unmatched = GaugeMetricFamily(
            "lacralo_unmatched_names", "Names and addresses waiting in the unmatched queue"
        )
        unmatched.add_metric([], found.unmatched)
        yield unmatched
        outbox = GaugeMetricFamily(
            "lacralo_outbox_messages",
            "Outbox rows by channel and state (pending = queued, dropped = suppressed)",
            labels=["channel", "state"],
        )
        for (channel, state), rows in sorted(found.outbox.items()):
            outbox.add_metric([channel, state], rows)
        yield outbox
        yield _counter("lacralo_notices_sent", "Messages sent, by kind", "kind", found.notices)


def _counter(name: str, doc: str, label: str, values: Mapping[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def render(found: Snapshot) -> bytes:
    """The process's counters and the snapshot's figures, in the text exposition format."""
    stored = _Stored(found)
    REGISTRY.register(stored)
    try:
        return generate_latest(REGISTRY)
    finally:
        REGISTRY.unregister(stored)
