"""What the app needs of a machine besides CPU: the peak resident memory of its processes,
read from /proc/<pid>/status (VmHWM, the high-water mark over the process's life), and the
disk its tables take at the page data set's size."""

import psycopg2

# The inbox's two big tables; sizes include their indexes and TOAST.
TABLES = {"messages": "inbox_message", "conversations": "inbox_conversation"}


def peak_rss(pid: int) -> float | None:
    """The most memory `pid` has held resident, in bytes; None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def largest_peak(pids: list[int] | tuple[int, ...]) -> float | None:
    """The peak of the hungriest of `pids` (one process's need, however many run)."""
    peaks = [peak for pid in pids if (peak := peak_rss(pid)) is not None]
    return max(peaks) if peaks else None


def table_sizes(dsn: str) -> dict[str, float]:
    """Bytes on disk per table of TABLES, and of their indexes apart (`<name>.indexes`)."""
    sizes = {}
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        for name, table in TABLES.items():
            cursor.execute("SELECT pg_total_relation_size(%s), pg_indexes_size(%s)", (table, table))
            total, indexes = cursor.fetchone()
            sizes[name] = float(total)
            sizes[f"{name}.indexes"] = float(indexes)
    connection.close()
    return sizes
