"""The written strategy: audiences, channels' purpose, tone of voice, KPI targets and risk guidance."""
