"""`make bench`: generate a data set at a chosen scale into PostgreSQL, then measure the key pages,
the court-opinion PDF, the daily reminder sweep and the family list's throughput.

`python -m bench.run --scale city` (see bench/run.py); results in bench/results.json.
"""
