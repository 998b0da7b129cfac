"""Benchmarks of the voice and USSD webhooks."""
