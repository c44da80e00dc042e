"""Results and comparisons as files a planner opens at once: Excel workbooks and CSV."""
