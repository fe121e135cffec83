"""Self-assessment: the grid, saving with conflicts and history, and progress."""
