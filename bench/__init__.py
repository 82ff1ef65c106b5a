"""Benchmark of Siwei at scale (quality.md "Speed"): a data generator and a scenario runner."""
