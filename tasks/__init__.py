"""Datasets: one module per dataset declaring ``DATASET``; see ``bioeval.tasks.core``."""
