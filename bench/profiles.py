"""How long and how big each run is: the full bench, and a quick smoke run of the same steps."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    rounds: int
    closed_seconds: float  # each closed-loop throughput run
    open_seconds: float  # each fixed-rate acknowledgement run
    push_seconds: float
    conversations: int
    messages: int
    page_requests: int  # timed requests per page, after two warm-ups
    connections: int = 32
    rates: tuple[int, ...] = (100, 500, 1000)
    push_rate: int = 200
    push_clients: int = 50
    media_files: int = 200  # images downloaded per media run
    media_workers: int = 2  # db_worker processes beside the app for the media downloads
    # process_webhooks workers beside the app's server: one leads, the other helps with backlogs.
    app_workers: int = 2
    big_thread: int = 10_000  # messages in the one long conversation of the page data set
    drain_timeout: float = 120.0  # seconds to wait for the app to process what it acknowledged
    answer_timeout: float = 10.0  # an open-loop request unanswered this long counts as lost
    idle_seconds: float = 10.0  # the app left without traffic, its CPU measured
    time_limit: float = 600.0  # no new round starts that would end after this many seconds


FULL = Profile(
    name="full",
    rounds=3,
    closed_seconds=4.0,
    open_seconds=4.0,
    push_seconds=10.0,
    conversations=100_000,
    messages=1_000_000,
    page_requests=20,
)

QUICK = Profile(
    name="quick",
    rounds=1,
    closed_seconds=2.0,
    open_seconds=2.0,
    push_seconds=3.0,
    conversations=10_000,
    messages=100_000,
    page_requests=5,
    media_files=50,
    drain_timeout=60.0,
    idle_seconds=3.0,
    time_limit=150.0,
)
