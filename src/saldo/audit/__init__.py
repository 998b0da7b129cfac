"""The audit trail: who did what, when, from where; append-only, read by admins and agents."""
