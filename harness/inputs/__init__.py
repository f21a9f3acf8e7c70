"""One validation layer per kind of user input, shared by every command that takes it.

``folders``: output folders (``run --output``, ``export OUT_DIR``, ``prompts import --out``);
``numbers``: integer and number options with their ranges; ``shapes``: YAML / JSON documents
checked against a declared shape, naming the path to the bad field. Text files (UTF-8 with or
without a byte-order mark, LF or CRLF) are read by ``bioeval.tasks.readers.text_files``.
Each check raises ``BioevalError`` (one line, exit status 2) before anything is written.
"""
