"""`python -m bench [--quick]`: see bench.runner."""

import argparse
import sys

from bench import profiles, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the inbox against baselines in one run."
    )
    parser.add_argument(
        "--quick", action="store_true", help="a ~2 minute smoke run of every step (figures not comparable)"
    )
    args = parser.parse_args(argv)
    return runner.run(profiles.QUICK if args.quick else profiles.FULL)


if __name__ == "__main__":
    sys.exit(main())
