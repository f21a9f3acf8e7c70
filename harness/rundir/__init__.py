"""The run folder: its layout, its typed records, and the one reader of it."""
