"""Signed webhooks (Standard Webhooks) fed from the change log: subscriptions, the outbox, the
delivery worker and its log."""
