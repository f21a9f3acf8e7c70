"""Metrics and output parsers: pure functions over predictions and references.

- ``parsers`` / ``entity_parsers``: ``PARSERS[kind]`` turns generated text (or a JSON value)
  into a ``Prediction``; failures are returned with an error, never guessed.
- ``registry``: ``METRICS[name]`` (a ``MetricSpec``: function, output kinds, options, majority
  baseline ...), ``OUTPUT_KIND``, ``metric(name)``, ``from_promptsource(name)``.
- ``scoring``: ``score`` (value, unparsed count, bootstrap interval) and ``compare`` (model
  versus baseline: exact McNemar for accuracy, paired bootstrap otherwise), majority baseline.
- ``classification``, ``correlation``, ``ner``, ``pico``: the metrics themselves, each as
  per-example statistics plus a value from their totals (``base``).
- ``entities``: mention normalization, alignment of strings to offsets, IOB decoding.
- ``aggregate``: BLUE and BLURB macro averages. ``predictions_file``: external predictions.
"""
