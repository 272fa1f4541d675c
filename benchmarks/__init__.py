"""Speed benchmarks (``make bench``): lmcore against references, as ratios measured in one run."""
