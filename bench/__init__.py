"""`make bench`: the inbox's ingest, acknowledgement, live-push and page figures, each measured
beside a baseline in the same run (see README, "Performance")."""
