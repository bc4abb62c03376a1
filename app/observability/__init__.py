"""Metrics (Prometheus, `GET /metrics`) and structured logs: what the operator sees."""
