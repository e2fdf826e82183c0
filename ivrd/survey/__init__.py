"""Pure per-leg survey state machine built from a sealed survey."""
