"""The scan stage: the library walk, companion files, the chunks of photos, the run's set-up and lock."""
