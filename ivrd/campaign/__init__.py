"""Pure campaign logic: pacing, calling windows and the retry policy."""
