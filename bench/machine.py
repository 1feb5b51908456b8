"""What machine and software the figures were measured on, for the report's header."""

import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _redis_version(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return client.info("server")["redis_version"]
    finally:
        client.close()


def describe(*, postgres_version: str, redis_url: str) -> dict[str, str]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} cores, {_cpu_model()}",
        "memory": f"{_memory_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "redis": _redis_version(redis_url),
        "server": f"daphne {version('daphne')}, Django {version('django')}, channels {version('channels')}, "
        f"channels-redis {version('channels-redis')}",
    }


def markdown(description: dict[str, str]) -> str:
    return "\n".join(f"- **{name}**: {value}" for name, value in description.items())
