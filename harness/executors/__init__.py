"""A run cut into shards, handed to Slurm (submitit), Ray or local worker processes, merged back.

The in-process runner (``bioeval.run``) does not know this package exists: each shard is an
ordinary ``bioeval run`` of its own, and the merge reads its run folder.
"""
