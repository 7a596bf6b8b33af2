"""The objective read model: key results, progress, rollup, visibility; its list and progress
queries and routes."""
