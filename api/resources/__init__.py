"""REST resources, one module per route family."""
