"""Customer care: tickets (messages, complaints, refund requests), their thread and clock."""
