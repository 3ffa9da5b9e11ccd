"""Insights and listening: KPI dashboards over clicks and shares, and reader feedback with answers."""
